package io.polyhead.stream;

import io.polyhead.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Lines up, by event time ({@link #timeOf}: an event's own timestamp, else its record's), what the stream tasks
 * of one stage hand on. Each stream task is a lane that
 * reads one partition; in the validate stage ({@link EventValidator}) a valid event waits in its lane until
 * every lane that is still receiving has seen a record at least as late ({@link #watermark}), so that the
 * by-task topic, and so each learner, gets the events of all partitions in about the order they were
 * produced; in the learner stage ({@link LearnerProcessor}) a replica learns a batch once the other replicas
 * have reached its events' time, so that the replicas move through the stream together, and only in its
 * turn ({@link #turn}): the replicas of all instances step the shared trunk one batch at a time, in the
 * order of the batches' times.
 *
 * <p>Why: a producer without keys writes runs of hundreds of events to one partition (the sticky
 * partitioner), the partitions are read at the pace of their fetches, and the validate tasks drifted
 * thousands of events apart; a by-task partition then held a task's events from several points of the
 * stream interleaved, and a task was learned with its later events before its earlier ones. Measured on
 * {@code bench e2e --instances 1}, sinusoid: the loss on the topic was 2.1x to 2.8x evaluate's on the
 * same events, and replaying the learner's own batches in stream order took most of that away.
 *
 * <p>Why event time, not record time: records produced at once share their milliseconds (20k events within
 * about 470 ms, up to 200 in one), and record time leaves their order within one to the partitions' names, which
 * moved {@code sinusoid}'s loss on two instances from 0.84x to 1.48x {@code evaluate}'s over runs. An event's own
 * timestamp, when the producer gives one, is the order it meant; where two share one, the order is still not
 * known. Kafka's record timestamps stay as they were (retention and segments go by them): only the pacing, the
 * progress marks and the order of the waiting events go by event time. Whether a lane is catching up goes by its
 * records' time in Kafka ({@link #arrived}).
 *
 * <p>A lane that has seen nothing for a while stops holding the others back (a partition that is caught
 * up, or whose producer went quiet): {@value #IDLE_MS} ms when it reads a live stream, its last record
 * stamped within {@value #LIVE_WITHIN_MS} ms of its arrival; {@value #CATCHING_UP_IDLE_MS} ms when it is
 * catching up on older records, where a single stream thread busy learning for the other lanes leaves a
 * lane without a record for a hundred milliseconds or more (with 100 ms there too, two replicas still ran
 * a median 600 and at times 4,000 stream events apart). A learner lane whose time comes from the progress
 * marks ({@link #reached}) does not idle: the marks say when nothing of its is on the way. No event waits
 * without end: in the validate stage
 * at most {@value #MAX_WAIT_MS} ms from its arrival, in the learner stage until its replica has gone
 * {@value #MAX_WAIT_MS} ms without learning a batch (a replica that keeps learning is not held back, its
 * events only wait their turn).
 *
 * <p>Other instances' lanes count too: each lane reports its progress on the sync topic (key
 * {@code pace/STAGE/LANE}, at most every {@value #REPORT_EVERY_MS} ms while it changes, and at once when the
 * time its next full batch ends changes), and a report of newer records counts as the remote lane seeing a
 * record when it arrives. Without them two instances drifted a median 3,900
 * stream events apart on {@code bench e2e --instances 2}. A lane this instance owns itself ignores remote
 * reports of it (they are an earlier owner's). Shared by the instance's stream threads, so every method is
 * synchronised; one pacer per stage and topology, like the replica group.
 */
final class Pacer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Pacer.class);
    /** A lane that saw no record for this long no longer holds the others back. */
    static final long IDLE_MS = 100;
    /** A lane catching up on older records counts as idle only after this. */
    static final long CATCHING_UP_IDLE_MS = 1_000;
    /**
     * Another instance whose reports stopped for this long is taken to be gone: its lanes hold no turn. Longer
     * than a slow step (the first batch of a process took 1.4 s, and with 1 s the other instance took its first
     * turn at once) and shorter than a failover (15 to 18 s); a clean leave says so at once ({@link #sendLeft}).
     */
    static final long REMOTE_FRESH_MS = 5_000;
    /** A record that arrives within this of its timestamp is live; an older one is being caught up on. */
    static final long LIVE_WITHIN_MS = 250;
    /**
     * An event waits for the other lanes at most this long (wall clock; in the learner stage counted from its
     * replica's last batch when that is later)...
     */
    static final long MAX_WAIT_MS = 30_000;
    /** ...and a lane keeps at most this many events waiting: past it the oldest go on. */
    static final int MAX_WAITING = 20_000;

    /**
     * Whether a lane's oldest waiting event, waiting since {@code sinceMs} with {@code waiting} events in all, goes
     * on whatever the other lanes' time: the bound both stages hold to.
     */
    static boolean overdue(long sinceMs, long nowMs, int waiting) {
        return nowMs - sinceMs >= MAX_WAIT_MS || waiting > MAX_WAITING;
    }

    private static final class Lane {
        long latest = Long.MIN_VALUE;
        long lastSeenMs;
        boolean catchingUp;
        /** Whether the lane's last record arrived more than {@value #LIVE_WITHIN_MS} ms after its record timestamp. */
        boolean recordsBehind;
        /** When the lane's next full batch ends (its latest event time); {@link Long#MAX_VALUE} when it has none. */
        long next = Long.MAX_VALUE;
        /** What other instances may know of {@link #next}: held while the lane's last step is not on the sync topic. */
        long told = Long.MAX_VALUE;
        /** Whether {@link #told} rose since the lane's last step: an acknowledgement must then be of it exactly. */
        boolean raised;
        /** Whether the lane stepped since {@link #told} last changed. */
        boolean stepped;
        /** When its latest report arrived (remote lanes). */
        long reportMs;
        /** The instance that reported it (remote lanes). */
        String origin;
        /**
         * Whether {@link #latest} is the time up to which the lane holds every event, from the validate lanes'
         * marks ({@link #reached}), not the latest event time it saw: it then holds the others until it is past, for
         * as long as it is this instance's or its reports are fresh, however long it does not move.
         */
        boolean exact;
    }

    /** How often a lane reports its progress to other instances at most. */
    static final long REPORT_EVERY_MS = 20;
    static final String REPORT_PREFIX = "pace/";

    private final String stage;
    private final String origin;
    /** Where the reports go; null for an instance on its own. */
    private final SyncSender sender;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, Lane> remote = new HashMap<>();
    private final Map<String, long[]> reported = new HashMap<>();
    /**
     * Grows whenever a claim this instance tells or a claim it knows of another's lane changes: what a report
     * carries beside the lane's own progress ({@link #report}).
     */
    private long claimsChanged;
    /** Per lane, {@link #claimsChanged} when its last report went. */
    private final Map<String, Long> reportedClaims = new HashMap<>();
    /** Per other instance, what its latest report said it knew of this one's lanes: their next batches' ends. */
    private final Map<String, Map<String, Long>> acks = new HashMap<>();
    /** How many lanes the stage has in all (its partitions); 0 when not known. */
    private final int stageLanes;
    /** The first record after this instance's lanes last changed: lanes not heard of may hold from then. */
    private long unheardFromMs = Long.MIN_VALUE;

    /** A pacer that does not know its stage's partition count: lanes it has not heard of never hold. */
    Pacer(String stage, String origin, SyncSender sender) {
        this(stage, origin, sender, 0);
    }

    /**
     * @param stage      which stage's lanes ("validate", "learn"): the reports of one stage pace that stage
     * @param origin     this instance (the replica group's name): its own reports, read back, are ignored
     * @param sender     where this instance's lanes report their progress; null when it is alone
     * @param stageLanes the stage's lanes in all (its topic's partitions), here and on other instances; 0 when
     *                   not known ({@link #watermark})
     */
    Pacer(String stage, String origin, SyncSender sender, int stageLanes) {
        if (stageLanes < 0) {
            throw new IllegalArgumentException("lanes must be 0 or more. Got: " + stageLanes);
        }
        this.stage = stage;
        this.origin = origin;
        this.sender = sender;
        this.stageLanes = stageLanes;
    }

    /** Reports {@code lane}'s progress to the other instances when it has something new ({@link #report}). */
    void sendReport(String lane, long nowMs) {
        if (sender != null) {
            byte[][] record = report(lane, nowMs);
            if (record != null) {
                sender.send(record[0], record[1]);
            }
        }
    }

    /**
     * Tells the other instances that {@code lane} left this one (its partition moves, or the instance stops):
     * they stop counting it at once instead of after {@value #REMOTE_FRESH_MS} ms.
     */
    void sendLeft(String lane) {
        if (sender != null) {
            byte[][] record = leftRecord(lane);
            try {
                sender.send(record[0], record[1]);
            } catch (IllegalStateException closed) {
                // the instance is stopping and its producer closed first: the others count the lane out later
            }
        }
    }

    /** The sync record that says {@code lane} left this instance: key and value. */
    byte[][] leftRecord(String lane) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(origin);
            out.writeLong(LEFT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new byte[][] {(REPORT_PREFIX + stage + "/" + lane).getBytes(StandardCharsets.UTF_8), bytes.toByteArray()};
    }

    /** The time of a report that says its lane left. */
    private static final long LEFT = Long.MIN_VALUE;

    /** A stream task starts reading its partition: its lane holds the others back until it sees a record or idles. */
    synchronized void join(String lane, long nowMs) {
        Lane l = new Lane();
        l.lastSeenMs = nowMs;
        lanes.put(lane, l);
        unheardFromMs = Long.MIN_VALUE;
        claimsChanged++;
    }

    /** A stream task closes (its partition moves or the instance stops). */
    synchronized void leave(String lane) {
        lanes.remove(lane);
        unheardFromMs = Long.MIN_VALUE;
        claimsChanged++;
    }

    /**
     * What the pacer lines events up by: the event's own {@code timestamp} when it has one (the time the producer
     * says it happened, to the millisecond, where records produced at once share one), else its record's; but never
     * more than {@link #AHEAD_OF_RECORD_MS} past its record's (an event cannot happen after it was written: a time
     * further on is a wrong clock or unit, say microseconds, and would hold every later event of its lane back).
     */
    static long timeOf(Event event, long recordTimestamp) {
        if (event.timestamp() == null) {
            return recordTimestamp;
        }
        long latest = recordTimestamp > Long.MAX_VALUE - AHEAD_OF_RECORD_MS ? Long.MAX_VALUE
                : recordTimestamp + AHEAD_OF_RECORD_MS;
        return Math.min(event.timestamp(), latest);
    }

    /** How far an event's own time may lie past its record's timestamp (clock skew between machines). */
    static final long AHEAD_OF_RECORD_MS = 5_000;

    /** A lane saw an event of time {@code time} ({@link #timeOf}). */
    synchronized void saw(String lane, long time, long nowMs) {
        Lane l = lanes.computeIfAbsent(lane, k -> new Lane());
        l.latest = Math.max(l.latest, time);
        l.lastSeenMs = nowMs;
        if (unheardFromMs == Long.MIN_VALUE) {
            unheardFromMs = nowMs;
        }
    }

    /**
     * A record stamped {@code recordTimestamp} reached the lane: whether it is catching up goes by how long its
     * records were in Kafka, not by its events' own times (a live stream of events stamped an hour back is live).
     */
    synchronized void arrived(String lane, long recordTimestamp, long nowMs) {
        Lane l = lanes.computeIfAbsent(lane, k -> new Lane());
        l.recordsBehind = nowMs - recordTimestamp > LIVE_WITHIN_MS;
        l.catchingUp = l.recordsBehind;
    }

    /**
     * A learner lane holds every event up to {@code upTo} ({@link ProgressMark.Sources#upTo}; it may go back, when
     * a validate lane that was idle reads again): that, not the event times it saw, is its time from now on.
     */
    synchronized void reached(String lane, long upTo, long nowMs) {
        Lane l = lanes.computeIfAbsent(lane, k -> new Lane());
        l.exact = true;
        l.latest = upTo;
        l.lastSeenMs = nowMs;
        // Its records say whether it is behind, not its marks' times (event times, which may be of any age); its
        // validate lanes idling does not end a backlog: a stream thread learning one leaves them without a record
        // for a second, and a replica that held all of its events then learned the part of its batch the others
        // had reached after the live linger (lowrank, one instance: 20 of 634 batches cut short mid-stream).
        l.catchingUp = upTo != Long.MIN_VALUE && l.recordsBehind;
        if (unheardFromMs == Long.MIN_VALUE) {
            unheardFromMs = nowMs;
        }
    }

    /**
     * The lane's time is no longer from marks ({@link #reached}): it goes by the records it sees again
     * ({@link #saw}), and idles when it sees none.
     */
    synchronized void unmarked(String lane) {
        Lane l = lanes.get(lane);
        if (l != null) {
            l.exact = false;
        }
    }

    /** Notes when the lane's next batch ends, and tells the other instances ({@link #next(String, long, boolean)}). */
    synchronized void next(String lane, long end) {
        next(lane, end, true);
    }

    /**
     * Notes when the lane's next batch ends ({@link Long#MAX_VALUE}: it has none) ({@link #turn}); the other
     * instances are told of it only when {@code tell} (not while the lane's last step is not on the sync topic:
     * a sibling lane's report would carry it ahead of the step).
     */
    synchronized void next(String lane, long end, boolean tell) {
        Lane l = lanes.get(lane);
        if (l != null) {
            l.next = end;
            if (tell && end != l.told) {
                l.raised = !l.stepped && (end > l.told || l.raised);
                l.stepped = false;
                l.told = end;
                claimsChanged++;
            }
        }
    }

    /** The lane learned a batch: the next claim it tells is a new one, not a rise of the last ({@link #turn}). */
    synchronized void stepped(String lane) {
        Lane l = lanes.get(lane);
        if (l != null) {
            l.stepped = true;
            l.raised = false;
        }
    }

    /**
     * Whether {@code lane} may learn its batch ending at {@code end} now: no other lane, of this instance or of
     * another whose report is at most {@value #REMOTE_FRESH_MS} ms old, has a full batch that ends earlier
     * (at the same time, the lane of the smaller name goes first). The replicas step the shared trunk in the
     * order of their batches' times, each after the steps before it arrived, as one learner would, instead
     * of each on a trunk that misses the other instance's latest steps; a lane that reports no full batch
     * holds no one back. A lane's report follows its contribution on the sync topic (one partition, one
     * producer), so a report saying its batch is past arrives after the step.
     *
     * <p>The batch the lane's reports claim ({@link #next}) also waits until every other instance taking part
     * (reporting within {@value #REMOTE_FRESH_MS} ms) knows of a batch of this lane that ends no later: each
     * report carries the next batch of every lane of its instance and the ends it knows of the other
     * instances' lanes, and an instance that knows of such a batch holds its own batches that end after it
     * until this lane's next report, which comes after the step. Without that, two instances whose batches
     * filled within one round trip through the broker each saw the other with none and stepped at once (on
     * {@code bench e2e --instances 2}, {@code sinusoid}: one or two pairs of steps taken at once among the
     * first five). A
     * partial batch (the linger of a live stream, the end of a backlog) is claimed the same way before it
     * goes ({@link LearnerProcessor}), at the cost of a round trip while another instance takes part; one
     * overdue goes whatever the others do. Reports of an instance before this build carry no claims: they ask
     * for nothing.
     *
     * <p>Why: an instance stepping a trunk that missed the other instance's latest one to five steps (what
     * the round trip through the broker left) gave {@code sinusoid} on two instances 2.9x to 8.3x
     * {@code evaluate}'s second-half loss ({@code bench e2e --instances 2}); without Kafka
     * ({@link io.polyhead.eval.ReplicatedRun}), the other instance's steps one batch late gave 1.9x, on time 1.0x.
     */
    synchronized boolean turn(String lane, long end, long nowMs) {
        for (Map.Entry<String, Lane> l : lanes.entrySet()) {
            if (!l.getKey().equals(lane) && before(l.getKey(), l.getValue().next, lane, end)) {
                return false;
            }
        }
        java.util.Set<String> taking = new java.util.HashSet<>();
        for (Map.Entry<String, Lane> r : remote.entrySet()) {
            if (!lanes.containsKey(r.getKey()) && nowMs - r.getValue().reportMs < REMOTE_FRESH_MS) {
                if (before(r.getKey(), r.getValue().next, lane, end)) {
                    return false;
                }
                if (r.getValue().origin != null) {
                    taking.add(r.getValue().origin);
                }
            }
        }
        Lane own = lanes.get(lane);
        for (String other : taking) {
            // It must know of a batch of this lane ending no later: then it holds every batch of its own that ends
            // after, until this lane's next report (which comes after this step), since what it learns of this
            // lane meanwhile ends no later still. Unless this lane's claim rose since its last step (a partial
            // batch that filled before its turn): then what it knows may be the higher claim, and it must know
            // this one exactly. One it knew only as without a batch could take its own turn at once.
            Map<String, Long> seen = acks.get(other);
            Long known = seen == null ? null : seen.get(lane);
            boolean exact = own != null && own.raised;
            if (seen != null && (known == null || (exact ? known != end : known > end))) {
                return false;
            }
        }
        return true;
    }

    /** Whether another instance reported one of its lanes within {@value #REMOTE_FRESH_MS} ms. */
    synchronized boolean othersReporting(long nowMs) {
        for (Lane r : remote.values()) {
            if (nowMs - r.reportMs < REMOTE_FRESH_MS) {
                return true;
            }
        }
        return false;
    }

    private static boolean before(String other, long otherEnd, String lane, long end) {
        return otherEnd < end || (otherEnd == end && otherEnd != Long.MAX_VALUE && other.compareTo(lane) < 0);
    }

    /**
     * Whether the lane's last record arrived more than {@value #LIVE_WITHIN_MS} ms after its record timestamp; a
     * learner lane whose validate lanes' marks say nothing yet ({@link #reached} with no time) is not, whatever its records.
     */
    synchronized boolean catchingUp(String lane) {
        Lane l = lanes.get(lane);
        return l != null && l.catchingUp;
    }

    /**
     * The time up to which every lane still receiving has seen its records: an event stamped no later may
     * go on. {@link Long#MAX_VALUE} when every lane is idle.
     *
     * <p>A lane of the stage that is neither this instance's nor reported by another holds the others as one
     * that saw nothing yet, for as long as a lane idles ({@value #IDLE_MS} ms, or {@value #CATCHING_UP_IDLE_MS}
     * ms while a lane here catches up) from the first record after this instance's lanes changed: another
     * instance's lanes are heard of only once their first records were reported.
     */
    synchronized long watermark(long nowMs) {
        if (unheard(nowMs)) {
            return Long.MIN_VALUE;
        }
        long mark = Long.MAX_VALUE;
        for (Lane l : lanes.values()) {
            mark = receiving(l, nowMs) ? Math.min(mark, l.latest) : mark;
        }
        for (Map.Entry<String, Lane> r : remote.entrySet()) {
            if (!lanes.containsKey(r.getKey()) && receiving(r.getValue(), nowMs)) {
                mark = Math.min(mark, r.getValue().latest);
            }
        }
        return mark;
    }

    private boolean unheard(long nowMs) {
        if (stageLanes == 0 || unheardFromMs == Long.MIN_VALUE || nowMs - unheardFromMs >= CATCHING_UP_IDLE_MS) {
            return false;
        }
        java.util.Set<String> heard = new java.util.HashSet<>(lanes.keySet());
        heard.addAll(remote.keySet());
        if (heard.size() >= stageLanes) {
            return false;
        }
        boolean catchingUp = lanes.values().stream().anyMatch(l -> l.catchingUp);
        return catchingUp || nowMs - unheardFromMs < IDLE_MS;
    }

    private static boolean receiving(Lane l, long nowMs) {
        if (l.exact) {
            return l.origin == null || nowMs - l.reportMs < REMOTE_FRESH_MS;
        }
        return nowMs - l.lastSeenMs < (l.catchingUp ? CATCHING_UP_IDLE_MS : IDLE_MS);
    }

    /** A lane whose time is exact ({@link Lane#exact}) reports at least this often, so that it stays fresh elsewhere. */
    static final long EXACT_REPORT_EVERY_MS = 1_000;

    /**
     * The sync record that reports {@code lane}'s progress to other instances, or null when it has nothing new
     * to report or reported less than {@value #REPORT_EVERY_MS} ms ago: key and value.
     */
    synchronized byte[][] report(String lane, long nowMs) {
        Lane l = lanes.get(lane);
        if (l == null || l.latest == Long.MIN_VALUE) {
            return null;
        }
        long[] last = reported.computeIfAbsent(lane,
                k -> new long[] {Long.MIN_VALUE, nowMs - REPORT_EVERY_MS});
        // A change of a next batch goes at once, this instance's or one it acknowledges: another instance's
        // replica may be waiting for it.
        Long claimsReported = reportedClaims.get(lane);
        if (claimsReported != null && claimsReported == claimsChanged
                && (last[0] == l.latest || nowMs - last[1] < REPORT_EVERY_MS)
                && !(l.exact && nowMs - last[1] >= EXACT_REPORT_EVERY_MS)) {
            return null;
        }
        last[0] = l.latest;
        last[1] = nowMs;
        reportedClaims.put(lane, claimsChanged);
        Map<String, Long> claims = new HashMap<>();
        lanes.forEach((name, own) -> claims.put(name, own.told));
        // What this instance holds for: the claims of the lanes it counts in its turns (not stale, not its own).
        Map<String, Long> seen = new HashMap<>();
        remote.forEach((name, r) -> {
            if (!lanes.containsKey(name) && nowMs - r.reportMs < REMOTE_FRESH_MS) {
                seen.put(name, r.next);
            }
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(origin);
            out.writeLong(l.latest);
            out.writeBoolean(l.catchingUp);
            out.writeLong(l.told);
            writeEnds(out, claims);
            writeEnds(out, seen);
            out.writeBoolean(l.exact);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new byte[][] {(REPORT_PREFIX + stage + "/" + lane).getBytes(StandardCharsets.UTF_8), bytes.toByteArray()};
    }

    private static void writeEnds(DataOutputStream out, Map<String, Long> ends) throws IOException {
        out.writeInt(ends.size());
        for (Map.Entry<String, Long> e : ends.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static Map<String, Long> readEnds(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("not a count of lanes: " + n);
        }
        Map<String, Long> ends = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ends.put(in.readUTF(), in.readLong());
        }
        return ends;
    }

    /** Instances whose reports came from a build before the progress marks: each is logged once. */
    private final java.util.Set<String> earlierBuilds = new java.util.HashSet<>();

    /**
     * Another instance of the application runs a build before the progress marks (its reports end before the
     * flag {@link #report} writes last). A group must not mix them: that build reads a mark as an event and
     * dead-letters it, and a partition that moves to it from this build loses the events waiting under the
     * pending store's new keys. Said once per instance, as a warning: stop every instance, then upgrade.
     */
    private void earlierBuild(String from) {
        if (earlierBuilds.add(from)) {
            LOG.warn("instance {} of this application runs an earlier Polyhead build (its {} progress reports have no"
                    + " marks flag): a mixed group dead-letters progress marks there and can lose waiting events when a"
                    + " partition moves to it; stop every instance, then start them all on one build", from, stage);
        }
    }

    /** Whether {@code origin} was heard reporting from a build before the progress marks. */
    synchronized boolean earlierBuildHeard(String origin) {
        return earlierBuilds.contains(origin);
    }

    /** Whether a sync topic key is a progress report of this stage. */
    boolean reads(String key) {
        return key.startsWith(REPORT_PREFIX + stage + "/");
    }

    /**
     * Takes another instance's report ({@link #report}) of a lane, read from the sync topic at {@code nowMs}.
     * Its own reports, and reports that do not decode, are ignored.
     */
    synchronized void remoteReport(String key, byte[] value, long nowMs) {
        String lane = key.substring((REPORT_PREFIX + stage + "/").length());
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
            String from = in.readUTF();
            if (from.equals(origin)) {
                return;
            }
            Lane l = new Lane();
            l.origin = from;
            l.latest = in.readLong();
            if (l.latest == LEFT) {
                Lane was = remote.get(lane);
                if (was != null && from.equals(was.origin)) {
                    remote.remove(lane);
                    claimsChanged++;
                }
                return;
            }
            l.catchingUp = in.readBoolean();
            l.next = in.available() >= Long.BYTES ? in.readLong() : Long.MAX_VALUE;
            // Claims and acknowledgements: the next batch of every lane of that instance, and what it knew of
            // this instance's (an earlier build's report has neither, and asks for no acknowledgement).
            Map<String, Long> claims = in.available() > 0 ? readEnds(in) : Map.of();
            Map<String, Long> seen = in.available() > 0 ? readEnds(in) : null;
            if (in.available() == 0) {
                earlierBuild(from);
            }
            l.exact = in.available() > 0 && in.readBoolean();
            l.reportMs = nowMs;
            // A report that only says the next batch changed is no news of records seen.
            Lane before = remote.get(lane);
            l.lastSeenMs = before == null || l.latest != before.latest ? nowMs : before.lastSeenMs;
            if (before == null || before.next != l.next) {
                claimsChanged++;
            }
            remote.put(lane, l);
            for (Map.Entry<String, Long> c : claims.entrySet()) {
                Lane sibling = remote.get(c.getKey());
                if (sibling != null && from.equals(sibling.origin) && !c.getKey().equals(lane)) {
                    if (sibling.next != c.getValue()) {
                        claimsChanged++;
                    }
                    sibling.next = c.getValue();
                    sibling.reportMs = nowMs;
                }
            }
            if (seen != null) {
                acks.put(from, seen);
            }
        } catch (IOException e) {
            // not a report of ours: leave it out
        }
    }
}
