package io.polyhead.stream;

import io.polyhead.model.Contribution;
import io.polyhead.model.ReplicaBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the sync topic back into the global store of this instance and offers every contribution that is
 * whole to the instance's {@link ReplicaBoard}: how the replicas of other instances reach this one.
 * Committed contributions only (the topic is written in the replicas' transactions and read
 * {@code read_committed}).
 */
final class SyncReader implements Processor<byte[], byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(SyncReader.class);
    private final ReplicaBoard board;
    private KeyValueStore<String, byte[]> store;
    private final Set<String> warned = new HashSet<>();
    private final List<Pacer> pacers;
    private ProcessorContext<Void, Void> context;

    SyncReader(ReplicaBoard board, List<Pacer> pacers) {
        this.board = board;
        this.pacers = pacers;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(PolyheadTopology.SYNC_STORE);
        seed(store, board);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (key.startsWith(Pacer.REPORT_PREFIX)) {
            // Progress reports are current or nothing: not stored, so a restart does not take old ones for news.
            if (record.value() != null) {
                for (Pacer p : pacers) {
                    if (p.reads(key)) {
                        p.remoteReport(key, record.value(), context.currentSystemTimeMs());
                    }
                }
            }
            return;
        }
        if (record.value() == null) {
            store.delete(key);
            return;
        }
        store.put(key, record.value());
        String replica = SyncChunks.replicaOf(key);
        if (replica != null) {
            offer(replica, store, board, warned);
        }
    }

    /** Offers every whole contribution of a (restored) sync store to the board. */
    static void seed(KeyValueStore<String, byte[]> store, ReplicaBoard board) {
        Set<String> replicas = new HashSet<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                String replica = SyncChunks.replicaOf(kv.key);
                if (replica != null) {
                    replicas.add(replica);
                }
            }
        }
        Set<String> warned = new HashSet<>();
        for (String replica : replicas) {
            offer(replica, store, board, warned);
        }
    }

    private static void offer(String replica, KeyValueStore<String, byte[]> store, ReplicaBoard board, Set<String> warned) {
        try {
            Contribution c = SyncChunks.assemble(replica, store::get);
            if (c != null) {
                board.offerRemote(c);
            }
        } catch (IOException | RuntimeException e) {
            if (warned.add(replica)) {
                LOG.warn("ignoring the contribution of replica {} on the sync topic: {}", replica, e.getMessage());
            }
        }
    }
}
