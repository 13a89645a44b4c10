package io.polyhead.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Lines up, by record time, what the stream tasks of one stage hand on. Each stream task is a lane that
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
 * <p>A lane that has seen nothing for a while stops holding the others back (a partition that is caught
 * up, or whose producer went quiet): {@value #IDLE_MS} ms when it reads a live stream, its last record
 * stamped within {@value #LIVE_WITHIN_MS} ms of its arrival; {@value #CATCHING_UP_IDLE_MS} ms when it is
 * catching up on older records, where a single stream thread busy learning for the other lanes leaves a
 * lane without a record for a hundred milliseconds or more (with 100 ms there too, two replicas still ran
 * a median 600 and at times 4,000 stream events apart). No event waits longer than the hold bounds of
 * its stage: order is improved, never waited for without end.
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
    /** A lane that saw no record for this long no longer holds the others back. */
    static final long IDLE_MS = 100;
    /** A lane catching up on older records counts as idle only after this. */
    static final long CATCHING_UP_IDLE_MS = 1_000;
    /** A record that arrives within this of its timestamp is live; an older one is being caught up on. */
    static final long LIVE_WITHIN_MS = 250;
    /** An event waits for the other lanes at most this long (wall clock)... */
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
        /** When the lane's next full batch ends (its latest record time); {@link Long#MAX_VALUE} when it has none. */
        long next = Long.MAX_VALUE;
        /** When its latest report arrived (remote lanes). */
        long reportMs;
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
     * @param stage  which stage's lanes ("validate", "learn"): the reports of one stage pace that stage
     * @param origin this instance (the replica group's name): its own reports, read back, are ignored
     * @param sender   where this instance's lanes report their progress; null when it is alone
     */
    Pacer(String stage, String origin, SyncSender sender) {
        this.stage = stage;
        this.origin = origin;
        this.sender = sender;
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

    /** A stream task starts reading its partition: its lane holds the others back until it sees a record or idles. */
    synchronized void join(String lane, long nowMs) {
        Lane l = new Lane();
        l.lastSeenMs = nowMs;
        lanes.put(lane, l);
    }

    /** A stream task closes (its partition moves or the instance stops). */
    synchronized void leave(String lane) {
        lanes.remove(lane);
    }

    /** A lane saw a record stamped {@code timestamp}. */
    synchronized void saw(String lane, long timestamp, long nowMs) {
        Lane l = lanes.computeIfAbsent(lane, k -> new Lane());
        l.latest = Math.max(l.latest, timestamp);
        l.lastSeenMs = nowMs;
        l.catchingUp = nowMs - timestamp > LIVE_WITHIN_MS;
    }

    /** Notes when the lane's next full batch ends ({@link Long#MAX_VALUE}: it has none) ({@link #turn}). */
    synchronized void next(String lane, long end) {
        Lane l = lanes.get(lane);
        if (l != null) {
            l.next = end;
        }
    }

    /**
     * Whether {@code lane} may learn its batch ending at {@code end} now: no other lane, of this instance or of
     * another whose report is at most {@value #CATCHING_UP_IDLE_MS} ms old, has a full batch that ends earlier
     * (at the same time, the lane of the smaller name goes first). The replicas step the shared trunk in the
     * order of their batches' times, each after the steps before it arrived, as one learner would, instead
     * of each on a trunk that misses the other instance's latest steps; a lane that reports no full batch
     * holds no one back. A lane's report follows its contribution on the sync topic (one partition, one
     * producer), so a report saying its batch is past arrives after the step.
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
        for (Map.Entry<String, Lane> r : remote.entrySet()) {
            if (!lanes.containsKey(r.getKey()) && nowMs - r.getValue().reportMs < CATCHING_UP_IDLE_MS
                    && before(r.getKey(), r.getValue().next, lane, end)) {
                return false;
            }
        }
        return true;
    }

    /** Whether another instance reported one of its lanes within {@value #CATCHING_UP_IDLE_MS} ms. */
    synchronized boolean othersReporting(long nowMs) {
        for (Lane r : remote.values()) {
            if (nowMs - r.reportMs < CATCHING_UP_IDLE_MS) {
                return true;
            }
        }
        return false;
    }

    private static boolean before(String other, long otherEnd, String lane, long end) {
        return otherEnd < end || (otherEnd == end && otherEnd != Long.MAX_VALUE && other.compareTo(lane) < 0);
    }

    /** Whether the lane's last record arrived more than {@value #LIVE_WITHIN_MS} ms after its timestamp. */
    synchronized boolean catchingUp(String lane) {
        Lane l = lanes.get(lane);
        return l != null && l.catchingUp;
    }

    /**
     * The time up to which every lane still receiving has seen its records: an event stamped no later may
     * go on. {@link Long#MAX_VALUE} when every lane is idle.
     */
    synchronized long watermark(long nowMs) {
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

    private static boolean receiving(Lane l, long nowMs) {
        return nowMs - l.lastSeenMs < (l.catchingUp ? CATCHING_UP_IDLE_MS : IDLE_MS);
    }

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
                k -> new long[] {Long.MIN_VALUE, nowMs - REPORT_EVERY_MS, Long.MAX_VALUE});
        // A change of the next batch goes at once: another instance's replica may be waiting for it.
        if (last[2] == l.next && (last[0] == l.latest || nowMs - last[1] < REPORT_EVERY_MS)) {
            return null;
        }
        last[0] = l.latest;
        last[1] = nowMs;
        last[2] = l.next;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(origin);
            out.writeLong(l.latest);
            out.writeBoolean(l.catchingUp);
            out.writeLong(l.next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new byte[][] {(REPORT_PREFIX + stage + "/" + lane).getBytes(StandardCharsets.UTF_8), bytes.toByteArray()};
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
            if (in.readUTF().equals(origin)) {
                return;
            }
            Lane l = new Lane();
            l.latest = in.readLong();
            l.catchingUp = in.readBoolean();
            l.next = in.available() >= Long.BYTES ? in.readLong() : Long.MAX_VALUE;
            l.reportMs = nowMs;
            // A report that only says the next batch changed is no news of records seen.
            Lane before = remote.get(lane);
            l.lastSeenMs = before == null || l.latest != before.latest ? nowMs : before.lastSeenMs;
            remote.put(lane, l);
        } catch (IOException e) {
            // not a report of ours: leave it out
        }
    }
}
