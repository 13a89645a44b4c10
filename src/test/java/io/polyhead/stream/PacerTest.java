package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aLiveLaneIdlesAfterATenthOfASecondOneCatchingUpAfterASecond() {
        Pacer p = new Pacer("learn", "me", null);
        p.saw("live", NOW - 10, NOW);
        p.saw("behind", NOW - 60_000, NOW);
        p.saw("busy", NOW - 50_000, NOW + 900);
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
}
