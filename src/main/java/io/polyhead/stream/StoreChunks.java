package io.polyhead.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store entry that may be larger than one Kafka record: the trunk's entry holds the trunk, its
 * optimiser's moments and the replica's own steps (8 bytes per parameter each), about 1.2 MB for a
 * 128-128 trunk on 64 inputs, and a changelog record above the producer's and broker's default limit
 * (1 MB) stops the stream. An entry of at most {@link SyncChunks#CHUNK_BYTES} is stored as it is; a
 * larger one as chunks under {@code KEY#0 .. KEY#n-1} with a header under {@code KEY} (a magic number,
 * the number of chunks and the length), so that no broker or topic limit needs raising. All are written
 * in the same processing step, so one commit (one transaction) holds all or none of them.
 */
final class StoreChunks {
    private static final int MAGIC = 0x50484348; // "PHCH"
    private static final int HEADER = 3 * Integer.BYTES;

    private StoreChunks() {
    }

    /** Stores {@code value} under {@code key}, in chunks when it is large; drops chunks an earlier, larger value left. */
    static void put(KeyValueStore<String, byte[]> store, String key, byte[] value) {
        int before = chunks(store.get(key));
        int count = value.length <= SyncChunks.CHUNK_BYTES ? 0 : (value.length + SyncChunks.CHUNK_BYTES - 1) / SyncChunks.CHUNK_BYTES;
        for (int i = 0; i < count; i++) {
            int from = i * SyncChunks.CHUNK_BYTES;
            store.put(key + "#" + i, Arrays.copyOfRange(value, from, Math.min(value.length, from + SyncChunks.CHUNK_BYTES)));
        }
        for (int i = count; i < before; i++) {
            store.delete(key + "#" + i);
        }
        store.put(key, count == 0 ? value
                : ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(count).putInt(value.length).array());
    }

    /**
     * The value stored under {@code key}, its chunks joined; null when there is none.
     *
     * @throws IOException naming the key when a chunk is missing or of the wrong length
     */
    static byte[] get(KeyValueStore<String, byte[]> store, String key) throws IOException {
        byte[] head = store.get(key);
        int count = chunks(head);
        if (count == 0) {
            return head;
        }
        int length = ByteBuffer.wrap(head).getInt(2 * Integer.BYTES);
        byte[] value = new byte[length];
        int at = 0;
        for (int i = 0; i < count; i++) {
            byte[] chunk = store.get(key + "#" + i);
            if (chunk == null || at + chunk.length > length) {
                throw new IOException("stored entry " + key + " is missing chunk " + i + " of " + count);
            }
            System.arraycopy(chunk, 0, value, at, chunk.length);
            at += chunk.length;
        }
        if (at != length) {
            throw new IOException("stored entry " + key + " has " + at + " bytes in its chunks, its header says " + length);
        }
        return value;
    }

    /** The number of chunks a header announces; 0 for a value stored whole (or none). */
    private static int chunks(byte[] head) {
        if (head == null || head.length != HEADER) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        return b.getInt() == MAGIC ? b.getInt() : 0;
    }
}
