package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyhead.model.LearnerConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random bytes and random JSON thrown at the real topology: it never throws, and every input yields
 * exactly one output, a prediction or a dead letter.
 */
class TopologyPropertiesTest {
    private static final LearnerConfig CONFIG = LearnerConfig.defaults().toBuilder().batchSize(4).hidden(8).build();
    private TopologyHarness harness;

    @BeforeProperty
    void start() {
        harness = new TopologyHarness(CONFIG, StreamOptions.defaults());
    }

    @AfterProperty
    void stop() {
        harness.close();
    }

    @Property(tries = 300, seed = "20261129")
    void randomBytesGiveOneOutputEach(@ForAll("records") List<byte[]> values) {
        assertOneOutputEach(values);
    }

    @Property(tries = 300, seed = "42")
    void randomJsonGivesOneOutputEach(@ForAll("jsonRecords") List<String> values) {
        assertOneOutputEach(values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList());
    }

    private void assertOneOutputEach(List<byte[]> values) {
        for (byte[] v : values) {
            harness.send(null, v);
        }
        harness.linger();
        int outputs = harness.readPredictions().size() + harness.readDeadLetters().size();
        assertEquals(values.size(), outputs);
    }

    @Provide
    Arbitrary<List<byte[]>> records() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<String>> jsonRecords() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "1", "0", "-1", "2.5", "1e999", "NaN", "\"x\"", "[]", "{}",
                        "[1, 2, 3]", "[1, \"a\", 3]", "[1, null]", "{\"a\": 1}", "{\"a\": \"b\"}", "\"binary\"",
                        "\"regression\"", "\"multiclass\"", "3", "\"t-1\"", "\"bad task\""),
                Arbitraries.doubles().between(-5, 5).map(String::valueOf),
                Arbitraries.doubles().between(-5, 5).list().ofMinSize(1).ofMaxSize(4).map(Object::toString));
        Arbitrary<String> field = Arbitraries.of("task", "features", "label", "type", "classes", "id", "timestamp",
                "other");
        Arbitrary<String> pair = Combinators.combine(field, value).as((f, v) -> "\"" + f + "\": " + v);
        Arbitrary<String> object = pair.list().ofMaxSize(7).map(ps -> "{" + String.join(", ", ps) + "}");
        Arbitrary<String> nearlyValid = Combinators.combine(Arbitraries.of("t1", "t2", "t3"),
                Arbitraries.doubles().between(-3, 3).list().ofSize(3), Arbitraries.of("0", "1", "2", "null", "0.5"),
                Arbitraries.of("", ", \"type\": \"binary\"", ", \"type\": \"regression\"",
                        ", \"type\": \"multiclass\", \"classes\": 3"))
                .as((t, xs, y, extra) -> "{\"task\": \"" + t + "\", \"features\": " + xs + ", \"label\": " + y + extra + "}");
        return Arbitraries.oneOf(object, nearlyValid, nearlyValid).list().ofMaxSize(12);
    }
}
