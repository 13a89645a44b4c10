package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** Store entries larger than a record: split into chunks, joined back, stale chunks dropped. */
class StoreChunksTest {

    private static KeyValueStore<String, byte[]> store() {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    private static int largest(KeyValueStore<String, byte[]> store) {
        int max = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                max = Math.max(max, it.next().value.length);
            }
        }
        return max;
    }

    @Test
    void largeEntriesAreChunkedAndJoinedAndStaleChunksGo() throws IOException {
        KeyValueStore<String, byte[]> store = store();
        assertNull(StoreChunks.get(store, "trunk"));
        byte[] small = bytes(100, 1);
        StoreChunks.put(store, "trunk", small);
        assertArrayEquals(small, store.get("trunk"), "a small entry is stored as it is");
        byte[] large = bytes(3 * SyncChunks.CHUNK_BYTES + 17, 2);
        StoreChunks.put(store, "trunk", large);
        assertArrayEquals(large, StoreChunks.get(store, "trunk"));
        assertTrue(largest(store) <= SyncChunks.CHUNK_BYTES, "no record above a chunk");
        byte[] medium = bytes(SyncChunks.CHUNK_BYTES + 1, 3);
        StoreChunks.put(store, "trunk", medium);
        assertArrayEquals(medium, StoreChunks.get(store, "trunk"));
        assertNull(store.get("trunk#2"), "the larger entry's last chunks are gone");
        assertNull(store.get("trunk#3"));
        StoreChunks.put(store, "trunk", small);
        assertArrayEquals(small, StoreChunks.get(store, "trunk"));
        assertNull(store.get("trunk#0"));
        assertNull(store.get("trunk#1"));
    }

    @Test
    void aMissingChunkIsAnErrorNamingIt() {
        KeyValueStore<String, byte[]> store = store();
        StoreChunks.put(store, "trunk", bytes(2 * SyncChunks.CHUNK_BYTES + 1, 4));
        store.delete("trunk#1");
        IOException e = assertThrows(IOException.class, () -> StoreChunks.get(store, "trunk"));
        assertTrue(e.getMessage().contains("trunk is missing chunk 1 of 3"), e.getMessage());
    }
}
