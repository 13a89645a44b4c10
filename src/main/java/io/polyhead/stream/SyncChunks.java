package io.polyhead.stream;

import io.polyhead.model.Contribution;
import io.polyhead.model.ModelCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;

/**
 * A replica's contribution on the sync topic: split into chunks of at most {@link #CHUNK_BYTES}, so that
 * no trunk is too large for the broker's default record limit (about 1 MB) and no limit needs raising.
 * Chunk {@code i} of replica {@code R} has the key {@code R#i} (the topic is compacted: each key keeps
 * its latest chunk) and a value of: the replica's step count, the chunk's index, the number of chunks,
 * then its bytes. A contribution is whole when every chunk of one step count is there.
 */
final class SyncChunks {
    /** Largest chunk payload: half the broker's default record limit. */
    static final int CHUNK_BYTES = 512 * 1024;
    private static final int HEADER = Long.BYTES + 2 * Integer.BYTES;

    private SyncChunks() {
    }

    /** The records that carry a contribution. */
    static List<KeyValue<byte[], byte[]>> split(Contribution c) {
        byte[] all = ModelCodec.encodeContribution(c);
        int count = Math.max(1, (all.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * CHUNK_BYTES;
            int len = Math.min(CHUNK_BYTES, all.length - from);
            ByteBuffer value = ByteBuffer.allocate(HEADER + len).putLong(c.steps()).putInt(i).putInt(count);
            value.put(all, from, len);
            records.add(KeyValue.pair(key(c.replica(), i), value.array()));
        }
        return records;
    }

    static byte[] key(String replica, int index) {
        return (replica + "#" + index).getBytes(StandardCharsets.UTF_8);
    }

    /** The replica a chunk's key names, or null when the key is not a chunk's. */
    static String replicaOf(String key) {
        int hash = key.lastIndexOf('#');
        return hash <= 0 ? null : key.substring(0, hash);
    }

    /**
     * The contribution of {@code replica} when all its chunks of one step count are at hand ({@code chunks}
     * reads a stored chunk by key), else null.
     *
     * @throws IOException when the chunks are whole but do not decode
     */
    static Contribution assemble(String replica, Function<String, byte[]> chunks) throws IOException {
        byte[] first = chunks.apply(replica + "#0");
        if (first == null || first.length < HEADER) {
            return null;
        }
        ByteBuffer head = ByteBuffer.wrap(first);
        long steps = head.getLong();
        head.getInt();
        int count = head.getInt();
        if (count < 1 || count > 4096) {
            throw new IOException("sync chunk " + replica + "#0 claims " + count + " chunks");
        }
        byte[][] parts = new byte[count][];
        int total = 0;
        for (int i = 0; i < count; i++) {
            byte[] chunk = i == 0 ? first : chunks.apply(replica + "#" + i);
            if (chunk == null || chunk.length < HEADER) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(chunk);
            if (b.getLong() != steps || b.getInt() != i || b.getInt() != count) {
                return null; // a chunk of another publication: this one is not whole yet
            }
            parts[i] = chunk;
            total += chunk.length - HEADER;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] chunk : parts) {
            System.arraycopy(chunk, HEADER, all, at, chunk.length - HEADER);
            at += chunk.length - HEADER;
        }
        Contribution c = ModelCodec.decodeContribution(all);
        if (!c.replica().equals(replica) || c.steps() != steps) {
            throw new IOException("sync chunks of " + replica + " hold the contribution of " + c.replica());
        }
        return c;
    }
}
