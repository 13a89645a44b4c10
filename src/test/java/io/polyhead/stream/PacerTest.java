package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pacer's watermark: lanes still receiving hold it, idle ones leave it, other instances' reports count. */
class PacerTest {
    /** Wall clock of the tests; record times near it are live, far below it are caught up on. */
    private static final long NOW = 1_000_000;

    @Test
    void theWatermarkIsTheSlowestReceivingLane() {
        Pacer p = new Pacer("learn", "me", null);
        p.join("0_0", NOW);
        p.join("0_1", NOW);
        assertEquals(Long.MIN_VALUE, p.watermark(NOW), "a lane that saw nothing yet holds the others back");
        p.saw("0_0", NOW - 5_000, NOW);
        p.saw("0_1", NOW - 7_000, NOW);
        assertEquals(NOW - 7_000, p.watermark(NOW));
        p.saw("0_1", NOW - 4_000, NOW + 10);
        assertEquals(NOW - 5_000, p.watermark(NOW + 10));
        p.leave("0_0");
        assertEquals(NOW - 4_000, p.watermark(NOW + 10));
    }

    @Test
    void aLaneThatKnowsItsEventsCompleteHoldsUntilItIsPastHereAndOnAnotherInstanceWhileItsReportsAreFresh() {
        Pacer p = new Pacer("learn", "me", null);
        p.reached("0_0", NOW - 5_000, NOW);
        p.saw("0_1", NOW - 1_000, NOW);
        assertEquals(NOW - 5_000, p.watermark(NOW + 10 * Pacer.CATCHING_UP_IDLE_MS),
                "however long it does not move: its time comes from the validate lanes' marks, not from records");
        p.reached("0_0", NOW - 6_000, NOW + 1);
        assertEquals(NOW - 6_000, p.watermark(NOW + 2), "it may go back (a validate lane idle before reads again)");
        p.reached("0_0", Long.MAX_VALUE, NOW + 2);
        assertEquals(Long.MAX_VALUE, p.watermark(NOW + 3 * Pacer.CATCHING_UP_IDLE_MS), "every validate lane idle");

        Pacer there = new Pacer("learn", "other", null);
        there.reached("0_2", NOW - 9_000, NOW);
        byte[][] report = there.report("0_2", NOW);
        assertNull(there.report("0_2", NOW + Pacer.EXACT_REPORT_EVERY_MS - 1), "unchanged");
        assertNotNull(there.report("0_2", NOW + Pacer.EXACT_REPORT_EVERY_MS), "unchanged, but it keeps itself fresh");
        Pacer here = new Pacer("learn", "me", null);
        here.reached("0_0", NOW - 1_000, NOW);
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertEquals(NOW - 9_000, here.watermark(NOW + Pacer.REMOTE_FRESH_MS - 1), "held while the report is fresh");
        assertEquals(NOW - 1_000, here.watermark(NOW + Pacer.REMOTE_FRESH_MS), "then the other instance is gone");
    }

    @Test
    void anInstanceOfABuildBeforeTheMarksIsToldApartByItsReports() {
        Pacer there = new Pacer("learn", "other", null);
        there.saw("0_2", NOW - 9_000, NOW);
        byte[][] report = there.report("0_2", NOW);
        Pacer here = new Pacer("learn", "me", null);
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertFalse(here.earlierBuildHeard("other"), "this build's report");
        byte[] earlier = java.util.Arrays.copyOf(report[1], report[1].length - 1); // without the marks flag
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), earlier, NOW + 1);
        assertTrue(here.earlierBuildHeard("other"), "an earlier build's (8fa1cca) report ends before the flag");
        assertEquals(NOW - 9_000, here.watermark(NOW + 2), "and still counts");
    }

    @Test
    void aLaneWhoseMarksStopCountingGoesByItsRecordsAgainAndIdles() {
        Pacer p = new Pacer("learn", "me", null);
        p.reached("0_0", Long.MIN_VALUE, NOW);
        p.saw("0_1", NOW - 10, NOW);
        assertEquals(Long.MIN_VALUE, p.watermark(NOW + 10 * Pacer.CATCHING_UP_IDLE_MS), "held by marks, it never idles");
        p.unmarked("0_0");
        assertEquals(Long.MAX_VALUE, p.watermark(NOW + 10 * Pacer.CATCHING_UP_IDLE_MS),
                "by its records it has seen none for long: idle, like the other lane");
        p.saw("0_0", NOW - 20, NOW + 20 * Pacer.CATCHING_UP_IDLE_MS);
        assertEquals(NOW - 20, p.watermark(NOW + 20 * Pacer.CATCHING_UP_IDLE_MS), "a record makes it hold again");
    }

    @Test
    void whetherALaneIsCatchingUpGoesByItsRecordsTimeInKafkaNotByItsEventsOwnTimes() {
        Pacer p = new Pacer("learn", "me", null);
        p.saw("old events", NOW - 3_600_000, NOW); // events stamped an hour back by their producer...
        p.arrived("old events", NOW - 5, NOW); // ...produced just now: a live stream
        assertFalse(p.catchingUp("old events"));
        assertEquals(NOW - 3_600_000, p.watermark(NOW + Pacer.IDLE_MS - 1), "its events' time is what holds the others");
        assertEquals(Long.MAX_VALUE, p.watermark(NOW + Pacer.IDLE_MS + 1), "and it idles as a live lane does");
        p.arrived("old events", NOW - 60_000, NOW);
        assertTrue(p.catchingUp("old events"), "records a minute in Kafka: catching up");
        p.reached("old events", NOW - 3_500_000, NOW + 10);
        assertTrue(p.catchingUp("old events"), "by marks: its records say it is behind, not its events' hour");
        p.reached("old events", Long.MAX_VALUE, NOW + 20);
        assertTrue(p.catchingUp("old events"), "its validate lanes idling does not end a backlog");
        p.reached("old events", Long.MIN_VALUE, NOW + 30);
        assertFalse(p.catchingUp("old events"), "no marks heard yet");
    }

    @Test
    void theTimeOfAnEventIsItsOwnTimestampElseItsRecords() throws Exception {
        EventParser parser = new EventParser(EventParser.Config.defaults());
        Event stamped = parser.parse("{\"task\":\"a\",\"features\":[1],\"timestamp\":1764380000000}"
                .getBytes(StandardCharsets.UTF_8), null);
        Event unstamped = parser.parse("{\"task\":\"a\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8), null);
        long written = 1_764_380_060_000L; // a minute after it happened
        assertEquals(1_764_380_000_000L, Pacer.timeOf(stamped, written));
        assertEquals(written, Pacer.timeOf(unstamped, written));
    }

    @Test
    void anEventStampedAfterItsRecordIsPacedNoLaterThanItsRecordsTimePlusTheSkewAllowed() throws Exception {
        EventParser parser = new EventParser(EventParser.Config.defaults());
        long record = 1_764_380_000_000L;
        Event skewed = parser.parse(("{\"task\":\"a\",\"features\":[1],\"timestamp\":" + (record + 3_000) + "}")
                .getBytes(StandardCharsets.UTF_8), null);
        Event micros = parser.parse(("{\"task\":\"a\",\"features\":[1],\"timestamp\":" + record * 1000 + "}")
                .getBytes(StandardCharsets.UTF_8), null);
        assertEquals(record + 3_000, Pacer.timeOf(skewed, record), "a producer's clock 3 s ahead: believed");
        assertEquals(record + Pacer.AHEAD_OF_RECORD_MS, Pacer.timeOf(micros, record),
                "microseconds by mistake: at most the skew allowed past its record, not 50,000 years on");
        assertEquals(record * 1000, Pacer.timeOf(micros, Long.MAX_VALUE - 1), "no overflow past the end of time");
    }

    @Test
    void aLiveLaneIdlesAfterATenthOfASecondOneCatchingUpAfterASecond() {
        Pacer p = new Pacer("learn", "me", null);
        for (String[] lane : new String[][] {{"live", "-10", "0"}, {"behind", "-60000", "0"}, {"busy", "-50000", "900"}}) {
            long t = NOW + Long.parseLong(lane[1]);
            long now = NOW + Long.parseLong(lane[2]);
            p.saw(lane[0], t, now);
            p.arrived(lane[0], t, now);
        }
        assertFalse(p.catchingUp("live"));
        assertTrue(p.catchingUp("behind"));
        assertEquals(NOW - 60_000, p.watermark(NOW + Pacer.IDLE_MS - 1));
        assertEquals(NOW - 60_000, p.watermark(NOW + Pacer.IDLE_MS + 1), "the live lane idles, the one behind holds");
        assertEquals(NOW - 50_000, p.watermark(NOW + Pacer.CATCHING_UP_IDLE_MS + 1), "then it idles too");
        assertEquals(Long.MAX_VALUE, p.watermark(NOW + 900 + Pacer.CATCHING_UP_IDLE_MS + 1), "all idle: nothing waits");
    }

    @Test
    void anotherInstancesReportsCountAsItsLanesButNotOwnOnesOrLanesOwnedHere() {
        Pacer here = new Pacer("validate", "me", null);
        Pacer there = new Pacer("validate", "other", null);
        assertNull(there.report("0_2", NOW), "nothing seen, nothing to report");
        there.saw("0_2", NOW - 9_000, NOW);
        byte[][] report = there.report("0_2", NOW);
        assertNotNull(report);
        assertEquals("pace/validate/0_2", new String(report[0], StandardCharsets.UTF_8));
        assertNull(there.report("0_2", NOW + 1), "unchanged: not sent again");
        there.saw("0_2", NOW - 8_000, NOW + 5);
        assertNull(there.report("0_2", NOW + 5), "changed, but within " + Pacer.REPORT_EVERY_MS + " ms of the last");
        assertNotNull(there.report("0_2", NOW + Pacer.REPORT_EVERY_MS));

        here.saw("0_0", NOW - 3_000, NOW);
        assertTrue(here.reads(new String(report[0], StandardCharsets.UTF_8)));
        assertFalse(new Pacer("learn", "me", null).reads(new String(report[0], StandardCharsets.UTF_8)), "another stage's");
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertEquals(NOW - 9_000, here.watermark(NOW), "the other instance's lane is behind");
        here.saw("0_0", NOW - 3_000, NOW + 1_500);
        assertEquals(NOW - 3_000, here.watermark(NOW + 1_500), "until its reports stop");

        Pacer self = new Pacer("validate", "other", null);
        self.saw("0_0", NOW - 3_000, NOW);
        self.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertEquals(NOW - 3_000, self.watermark(NOW), "its own report, read back, is not another lane");

        Pacer owner = new Pacer("validate", "me", null);
        owner.saw("0_2", NOW - 1_000, NOW);
        owner.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertEquals(NOW - 1_000, owner.watermark(NOW), "a lane owned here ignores an earlier owner's report of it");

        here.remoteReport("pace/validate/0_3", new byte[] {1, 2}, NOW + 1_500);
        assertEquals(NOW - 3_000, here.watermark(NOW + 1_500), "a report that does not decode is left out");
    }

    @Test
    void aBatchGoesWhenNoOtherLaneHasAFullBatchEndingEarlier() {
        Pacer p = new Pacer("learn", "me", null);
        p.join("1_0", NOW);
        p.join("1_1", NOW);
        p.join("1_2", NOW);
        assertTrue(p.turn("1_0", NOW - 5_000, NOW), "no other lane has a full batch");
        p.next("1_1", NOW - 6_000);
        assertFalse(p.turn("1_0", NOW - 5_000, NOW), "1_1's batch ends earlier: it goes first");
        assertTrue(p.turn("1_1", NOW - 6_000, NOW));
        p.next("1_0", NOW - 5_000);
        p.next("1_1", NOW - 5_000);
        assertTrue(p.turn("1_0", NOW - 5_000, NOW), "the same time: the smaller name goes first");
        assertFalse(p.turn("1_1", NOW - 5_000, NOW));
        p.next("1_0", Long.MAX_VALUE);
        p.next("1_1", Long.MAX_VALUE);
        p.next("1_2", Long.MAX_VALUE);
        assertTrue(p.turn("1_0", Long.MAX_VALUE - 1, NOW), "lanes without a full batch hold no one back");
        p.next("1_1", NOW - 9_000);
        p.leave("1_1");
        assertTrue(p.turn("1_0", NOW - 5_000, NOW), "a lane that left holds no one back");
    }

    @Test
    void anotherInstancesNextBatchGoesOutAtOnceAndHoldsWhileItsReportsAreFresh() {
        Pacer there = new Pacer("learn", "other", null);
        there.join("1_3", NOW);
        there.saw("1_3", NOW - 9_000, NOW);
        there.arrived("1_3", NOW - 9_000, NOW);
        assertNotNull(there.report("1_3", NOW));
        there.next("1_3", NOW - 9_500);
        byte[][] report = there.report("1_3", NOW + 1);
        assertNotNull(report, "a new next batch is reported at once, within " + Pacer.REPORT_EVERY_MS + " ms of the last");
        assertNull(there.report("1_3", NOW + 2), "unchanged: not sent again");

        Pacer here = new Pacer("learn", "me", null);
        here.join("1_0", NOW);
        assertFalse(here.othersReporting(NOW));
        here.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertTrue(here.othersReporting(NOW));
        assertFalse(here.turn("1_0", NOW - 9_000, NOW + 10), "the other instance's batch ends earlier");
        assertFalse(here.turn("1_0", NOW - 9_600, NOW + 10), "this one's ends earlier still, but the other does not know");
        here.saw("1_0", NOW - 9_550, NOW);
        here.arrived("1_0", NOW - 9_550, NOW);
        here.next("1_0", NOW - 9_600);
        deliver(here, there, "1_0", NOW + 5);
        byte[][] ack = there.report("1_3", NOW + 6);
        assertNotNull(ack, "what it knows changed: reported at once");
        here.remoteReport(new String(ack[0], StandardCharsets.UTF_8), ack[1], NOW);
        assertTrue(here.turn("1_0", NOW - 9_600, NOW + 10), "known there now");
        assertFalse(here.turn("1_0", NOW - 9_000, NOW + Pacer.CATCHING_UP_IDLE_MS), "a slow step is not a departure");
        assertTrue(here.turn("1_0", NOW - 9_000, NOW + Pacer.REMOTE_FRESH_MS), "its reports stopped: it is gone");
        assertFalse(here.othersReporting(NOW + Pacer.REMOTE_FRESH_MS));

        there.next("1_3", Long.MAX_VALUE);
        byte[][] past = there.report("1_3", NOW + 3);
        here.remoteReport(new String(past[0], StandardCharsets.UTF_8), past[1], NOW + 20);
        assertTrue(here.turn("1_0", NOW - 9_000, NOW + 20), "its batch learned, it has none waiting");
        here.saw("1_0", NOW - 1_000, NOW + Pacer.CATCHING_UP_IDLE_MS);
        here.arrived("1_0", NOW - 1_000, NOW + Pacer.CATCHING_UP_IDLE_MS);
        assertEquals(NOW - 9_000, here.watermark(NOW + Pacer.CATCHING_UP_IDLE_MS - 1));
        assertEquals(NOW - 1_000, here.watermark(NOW + Pacer.CATCHING_UP_IDLE_MS + 1),
                "a report of the next batch alone is no news of records seen: the lane idled as before");

        Pacer owner = new Pacer("learn", "me", null);
        owner.join("1_3", NOW);
        owner.join("1_0", NOW);
        owner.remoteReport(new String(report[0], StandardCharsets.UTF_8), report[1], NOW);
        assertTrue(owner.turn("1_0", NOW - 9_000, NOW), "a lane owned here ignores an earlier owner's report of it");
    }

    @Test
    void lanesNotHeardOfHoldTheFirstRecordsForAsLongAsALaneIdles() {
        Pacer here = new Pacer("learn", "me", null, 4);
        here.join("1_0", NOW);
        here.join("1_2", NOW);
        long t = NOW + 5_000; // the first records come well after the lanes joined
        here.saw("1_0", t - 10, t);
        here.saw("1_2", t - 10, t);
        assertEquals(Long.MIN_VALUE, here.watermark(t + Pacer.IDLE_MS - 1), "1_1 and 1_3 are another instance's, not heard of yet");
        here.saw("1_0", t + 50, t + 60);
        here.saw("1_2", t + 40, t + 60);
        assertEquals(t + 40, here.watermark(t + Pacer.IDLE_MS + 1), "no longer than a lane idles: then the lanes here count alone");

        Pacer there = new Pacer("learn", "other", null, 4);
        there.saw("1_1", t - 20, t);
        there.saw("1_3", t - 30, t);
        Pacer heard = new Pacer("learn", "me", null, 4);
        heard.join("1_0", NOW);
        heard.join("1_2", NOW);
        heard.saw("1_0", t - 10, t);
        heard.saw("1_2", t - 10, t);
        deliver(there, heard, "1_1", t + 1);
        assertEquals(Long.MIN_VALUE, heard.watermark(t + 2), "three of four heard of");
        deliver(there, heard, "1_3", t + 2);
        assertEquals(t - 30, heard.watermark(t + 3), "all heard of: the slowest lane's time");

        Pacer alone = new Pacer("learn", "me", null, 2);
        alone.join("1_0", NOW);
        alone.join("1_1", NOW);
        alone.saw("1_0", t - 10, t);
        alone.saw("1_1", t - 15, t);
        assertEquals(t - 15, alone.watermark(t), "every lane is here: nothing to wait for");
        alone.leave("1_1"); // a rebalance moves a partition away: its new owner is not heard of yet
        alone.saw("1_0", t - 5, t + 10);
        assertEquals(Long.MIN_VALUE, alone.watermark(t + 10 + Pacer.IDLE_MS - 1));
        alone.saw("1_0", t + 60, t + 70);
        assertEquals(t + 60, alone.watermark(t + 10 + Pacer.IDLE_MS + 1));
    }

    @Test
    void aBatchWaitsUntilTheOtherInstanceKnowsOfIt() {
        Pacer a = instance("a", "1_0");
        Pacer b = instance("b", "1_1");
        deliver(b, a, "1_1", NOW);
        deliver(a, b, "1_0", NOW);
        // Both batches fill within one round trip: neither knows of the other's yet.
        a.next("1_0", NOW - 4_000);
        b.next("1_1", NOW - 4_100);
        assertFalse(a.turn("1_0", NOW - 4_000, NOW + 1), "b does not know of a's batch");
        assertFalse(b.turn("1_1", NOW - 4_100, NOW + 1), "a does not know of b's batch");
        deliver(a, b, "1_0", NOW + 2);
        deliver(b, a, "1_1", NOW + 3);
        assertFalse(a.turn("1_0", NOW - 4_000, NOW + 4), "b knows of it, but b's batch ends earlier");
        deliver(a, b, "1_0", NOW + 5); // a knows of b's batch now, and says so
        assertTrue(b.turn("1_1", NOW - 4_100, NOW + 6));
        b.next("1_1", Long.MAX_VALUE); // b learned it (its contribution goes before the report)
        deliver(b, a, "1_1", NOW + 7);
        assertTrue(a.turn("1_0", NOW - 4_000, NOW + 8));
        a.stepped("1_0");
        a.next("1_0", NOW - 3_000); // a learned it; its next batch ends later
        assertTrue(a.turn("1_0", NOW - 3_000, NOW + 9),
                "b knows of a batch of a's ending earlier: it holds its own batches until a's next report");
        a.next("1_0", NOW - 4_500); // record times within a partition need not grow: this batch ends before b's knowledge
        assertFalse(a.turn("1_0", NOW - 4_500, NOW + 10), "b could take a turn before it");
        assertTrue(a.turn("1_0", NOW - 4_500, NOW + 7 + Pacer.REMOTE_FRESH_MS), "b's reports stopped: it is gone");

        b.next("1_1", NOW - 2_000);
        deliver(b, a, "1_1", NOW + 11);
        b.leave("1_1");
        byte[][] left = b.leftRecord("1_1");
        assertFalse(a.turn("1_0", NOW - 1_000, NOW + 12), "b's batch ends earlier");
        a.remoteReport(new String(left[0], StandardCharsets.UTF_8), left[1], NOW + 12);
        assertTrue(a.turn("1_0", NOW - 1_000, NOW + 12), "b's lane left it: it holds no one back");
        assertFalse(a.othersReporting(NOW + 12));
    }

    @Test
    void aClaimThatRoseWithoutAStepMustBeKnownExactlyAndAHeldOneIsNotTold() {
        Pacer a = instance("a", "1_0");
        Pacer b = instance("b", "1_1");
        a.next("1_0", NOW - 4_500); // a partial batch claimed
        deliver(a, b, "1_0", NOW);
        deliver(b, a, "1_1", NOW + 1);
        assertTrue(a.turn("1_0", NOW - 4_500, NOW + 2), "b knows of it");
        a.next("1_0", NOW - 4_000); // it filled before its turn: the claim rose
        assertFalse(a.turn("1_0", NOW - 4_000, NOW + 2), "b knows of the lower claim only");
        deliver(a, b, "1_0", NOW + 3);
        a.next("1_0", NOW - 4_200); // an earlier event came: it fell again, below what b may know now
        assertFalse(a.turn("1_0", NOW - 4_200, NOW + 4), "b may hold only for what ends after the higher claim");
        deliver(a, b, "1_0", NOW + 5);
        deliver(b, a, "1_1", NOW + 6);
        assertTrue(a.turn("1_0", NOW - 4_200, NOW + 7), "b knows this one exactly");

        a.stepped("1_0");
        a.next("1_0", NOW - 3_000, false); // a's step is not on the sync topic yet
        assertNull(a.report("1_0", NOW + 8), "nothing new to tell");
        a.next("1_0", NOW - 3_000, true); // the contribution went
        assertNotNull(a.report("1_0", NOW + 9));
    }

    @Test
    void aSiblingsReportDoesNotCarryAClaimAheadOfItsStep() {
        Pacer a = new Pacer("learn", "a", null);
        Pacer b = new Pacer("learn", "b", null);
        a.join("1_0", NOW);
        b.join("1_1", NOW);
        b.join("1_3", NOW);
        a.saw("1_0", NOW - 5_000, NOW);
        b.saw("1_1", NOW - 5_000, NOW);
        b.saw("1_3", NOW - 5_000, NOW);
        b.next("1_1", NOW - 4_000);
        deliver(b, a, "1_1", NOW);
        deliver(b, a, "1_3", NOW);
        a.next("1_0", NOW - 3_000);
        deliver(a, b, "1_0", NOW + 1);
        deliver(b, a, "1_3", NOW + 2);
        assertFalse(a.turn("1_0", NOW - 3_000, NOW + 3), "b's 1_1 ends earlier");
        assertTrue(b.turn("1_1", NOW - 4_000, NOW + 3));
        b.stepped("1_1");
        b.next("1_1", Long.MAX_VALUE, false); // its contribution is held back
        b.saw("1_3", NOW - 4_990, NOW + 30);
        deliver(b, a, "1_3", NOW + 30); // the sibling reports
        assertFalse(a.turn("1_0", NOW - 3_000, NOW + 31), "1_1's step is not on the sync topic: a still waits for it");
    }

    /** An instance of the learner stage with one lane, which saw a record five seconds old. */
    private static Pacer instance(String name, String lane) {
        Pacer p = new Pacer("learn", name, null);
        p.join(lane, NOW);
        p.saw(lane, NOW - 5_000, NOW);
        return p;
    }

    /** The report of {@code lane} that {@code from} sends at {@code nowMs}, read by {@code to} at once. */
    private static void deliver(Pacer from, Pacer to, String lane, long nowMs) {
        byte[][] r = from.report(lane, nowMs);
        assertNotNull(r, "something new to report");
        to.remoteReport(new String(r[0], StandardCharsets.UTF_8), r[1], nowMs);
    }
}
