package io.polyhead.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * MurmurHash3 x86_32 against reference values, computed with Python {@code mmh3} 5.3.0
 * ({@code mmh3.hash(data, seed, signed=False)}); the seed-0x9747B28C and empty-string vectors are also
 * the ones commonly quoted for Appleby's SMHasher implementation. Every tail length (0–3) is covered.
 */
class FeatureHasherTest {

    @ParameterizedTest(name = "[{index}] \"{0}\" seed {1}")
    @CsvSource(delimiter = '|', value = {
        "''                                          | 0x00000000 | 0x00000000",
        "''                                          | 0x00000001 | 0x514E28B7",
        "''                                          | 0xFFFFFFFF | 0x81F16F39",
        "a                                           | 0x00000000 | 0x3C2569B2",
        "ab                                          | 0x00000000 | 0x9BBFD75F",
        "abc                                         | 0x00000000 | 0xB3DD93FA",
        "hello                                       | 0x00000000 | 0x248BFA47",
        "héllo                                       | 0x00000000 | 0xBC9FA068",
        "aaaa                                        | 0x9747B28C | 0x5A97808A",
        "'Hello, world!'                             | 0x9747B28C | 0x24884CBA",
        "The quick brown fox jumps over the lazy dog | 0x00000000 | 0x2E4FF723",
        "The quick brown fox jumps over the lazy dog | 0x9747B28C | 0x2FA826CD",
        "feature-1                                   | 0x5BD1E995 | 0x670C6342",
    })
    void murmur3MatchesTheReference(String text, String seed, String expected) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(Integer.parseUnsignedInt(expected.substring(2), 16),
                FeatureHasher.murmur3(data, Integer.parseUnsignedInt(seed.substring(2), 16)));
    }

    @Test
    void fourZeroBytes() {
        assertEquals(0x2362F9DE, FeatureHasher.murmur3(new byte[4], 0));
    }

    @Test
    void hashDoesNotChangeItsInput() {
        byte[] data = "The quick brown fox".getBytes(StandardCharsets.UTF_8);
        byte[] copy = data.clone();
        FeatureHasher.murmur3(data, 7);
        assertArrayEquals(copy, data);
    }

    @Test
    void indexIsInRangeAndStableForNegativeHashes() {
        // "héllo" hashes to a negative int; floorMod keeps the index in [0, d)
        FeatureHasher h = new FeatureHasher(7);
        for (String name : new String[] {"héllo", "x", "y", "", "a-very-long-feature-name-0123456789"}) {
            int i = h.indexOf(name);
            assertTrue(i >= 0 && i < 7, name + " -> " + i);
            assertEquals(i, new FeatureHasher(7).indexOf(name));
        }
        assertEquals(Math.floorMod(0xBC9FA068, 7), h.indexOf("héllo"));
    }

    @Test
    void addToPutsTheSignedValueAtTheIndex() {
        FeatureHasher h = new FeatureHasher(8);
        float[] x = new float[8];
        h.addTo(x, "x", 2.0);   // index 0x3E9A9B1B mod 8 = 3; sign hash 0x04DA50DF is odd -> -1
        h.addTo(x, "y", 1.0);   // index 0x477D9216 mod 8 = 6; sign hash 0x50DC12DD is odd -> -1
        float[] expected = new float[8];
        expected[3] = -2f;
        expected[6] = -1f;
        assertArrayEquals(expected, x);
    }

    @Test
    void sameNameTwiceAdds() {
        FeatureHasher h = new FeatureHasher(16);
        float[] once = new float[16];
        float[] twice = new float[16];
        h.addTo(once, "temp", 3.0);
        h.addTo(twice, "temp", 1.0);
        h.addTo(twice, "temp", 2.0);
        assertArrayEquals(once, twice);
    }

    @Test
    void dimensionBelowOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FeatureHasher(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
