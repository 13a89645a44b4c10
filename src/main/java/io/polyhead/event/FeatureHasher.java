package io.polyhead.event;

import java.nio.charset.StandardCharsets;

/**
 * The hashing trick for named features (Weinberger et al. 2009, "Feature Hashing for Large Scale
 * Multitask Learning"; as in Vowpal Wabbit): a feature {@code name} lands at index
 * {@code h1(name) mod d} with sign {@code ±1} from an independent hash {@code h2(name)}, so
 * collisions cancel in expectation instead of adding up. Both hashes are MurmurHash3 x86_32 (Austin
 * Appleby) of the UTF-8 name with different seeds: the same name maps to the same place in every JVM.
 */
public final class FeatureHasher {
    static final int INDEX_SEED = 0;
    static final int SIGN_SEED = 0x5bd1e995;

    private final int dimension;

    /** @param dimension the input dimension, at least 1 */
    public FeatureHasher(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("hashing dimension must be at least 1. Got: " + dimension);
        }
        this.dimension = dimension;
    }

    /** Adds {@code ±value} at the name's index of {@code dst} (length at least the dimension). */
    public void addTo(float[] dst, String name, double value) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int index = Math.floorMod(murmur3(bytes, INDEX_SEED), dimension);
        int sign = (murmur3(bytes, SIGN_SEED) & 1) == 0 ? 1 : -1;
        dst[index] += (float) (sign * value);
    }

    /** The index a name lands at. */
    public int indexOf(String name) {
        return Math.floorMod(murmur3(name.getBytes(StandardCharsets.UTF_8), INDEX_SEED), dimension);
    }

    /** MurmurHash3 x86_32 of {@code data} with {@code seed}. */
    @SuppressWarnings("fallthrough") // the tail of MurmurHash3 falls through by design
    public static int murmur3(byte[] data, int seed) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = seed;
        int len = data.length;
        int blocks = len / 4;
        for (int i = 0; i < blocks; i++) {
            int k = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16
                    | (data[4 * i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        int tail = blocks * 4;
        switch (len & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= len;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
