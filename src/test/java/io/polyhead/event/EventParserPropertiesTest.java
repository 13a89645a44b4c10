package io.polyhead.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.ListArbitrary;

/**
 * Whatever the bytes, {@link EventParser#parse} answers with an event or an
 * {@link InvalidEventException} (any other throwable fails the property), and leaves the input alone;
 * and every valid event survives {@link EventJson} and back.
 */
class EventParserPropertiesTest {
    private static final List<String> FIELDS =
            List.of("task", "id", "features", "label", "type", "classes", "timestamp", "extra");

    /** Parses, allowing only InvalidEventException, and checks the input was not changed. */
    private static void parseSafely(EventParser parser, byte[] bytes, String key) {
        byte[] before = bytes.clone();
        try {
            Event e = parser.parse(bytes, key);
            assertNotNull(e.task());
        } catch (InvalidEventException e) {
            assertNotNull(e.field());
            assertNotNull(e.reason());
        }
        assertArrayEquals(before, bytes, "parse changed its input");
    }

    @Property(tries = 1000, seed = "42")
    void randomBytesOnlyEverFailAsInvalidEvents(@ForAll byte[] bytes) {
        parseSafely(new EventParser(EventParser.Config.defaults()), bytes, null);
        parseSafely(new EventParser(EventParser.Config.defaults().withInputDim(4)), bytes, "a");
    }

    @Property(tries = 1000, seed = "42")
    void randomJsonObjectsOnlyEverFailAsInvalidEvents(@ForAll("jsonObjects") String json, @ForAll boolean fixed) {
        EventParser parser = new EventParser(fixed ? EventParser.Config.defaults().withInputDim(3)
                : EventParser.Config.defaults());
        parseSafely(parser, json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Property(tries = 1000, seed = "42")
    void damagedValidEventsOnlyEverFailAsInvalidEvents(@ForAll("events") Event event,
                                                      @ForAll("damage") List<Integer> damage) {
        byte[] bytes = EventJson.toBytes(event);
        // damage: pairs (position, new byte), then a final truncation length
        for (int i = 0; i + 1 < damage.size(); i += 2) {
            bytes[Math.floorMod(damage.get(i), bytes.length)] = (byte) (int) damage.get(i + 1);
        }
        int cut = damage.isEmpty() ? bytes.length : Math.floorMod(damage.get(damage.size() - 1), bytes.length + 1);
        byte[] damaged = java.util.Arrays.copyOf(bytes, cut);
        parseSafely(new EventParser(EventParser.Config.defaults()), damaged, null);
    }

    @Property(tries = 1000, seed = "42")
    void validEventsParseAndRoundTrip(@ForAll("events") Event event) throws InvalidEventException {
        EventParser parser = new EventParser(EventParser.Config.defaults());
        Event parsed = parser.parse(EventJson.toBytes(event), event.task());
        assertEquals(event, parsed);
        assertEquals(EventJson.toJson(event), EventJson.toJson(parsed));
        EventParser fixed = new EventParser(EventParser.Config.defaults().withInputDim(event.dimension()));
        assertEquals(event, fixed.parse(EventJson.toJson(event)));
    }

    // ---- arbitraries ----

    @Provide
    Arbitrary<List<Integer>> damage() {
        return Arbitraries.integers().between(-1000, 1000).list().ofMaxSize(7);
    }

    @Provide
    Arbitrary<Event> events() {
        Arbitrary<String> task = Arbitraries.strings().withChars("AZaz09._:-").withCharRange('a', 'z')
                .ofMinLength(1).ofMaxLength(128);
        Arbitrary<String> id = Arbitraries.strings().ofMaxLength(40).injectNull(0.3);
        Arbitrary<float[]> features = Arbitraries.floats().list().ofMinSize(1).ofMaxSize(20)
                .map(EventParserPropertiesTest::toArray);
        Arbitrary<Long> timestamp = Arbitraries.longs().between(0, Long.MAX_VALUE).injectNull(0.3);
        Arbitrary<TaskType> type = Arbitraries.of(TaskType.class).injectNull(0.25);
        Arbitrary<Integer> classes = Arbitraries.integers().between(2, 10_000);
        Arbitrary<Double> u = Arbitraries.doubles().between(0, 1);
        // The contract's labels: finite and within ±1e100 (TaskType.checkLabel; beyond, squared errors overflow).
        Arbitrary<Double> regressionLabel = Arbitraries.doubles().between(-TaskType.MAX_LABEL, TaskType.MAX_LABEL)
                .filter(y -> !y.equals(-0.0));
        return Combinators.combine(task, id, features, timestamp, type, classes, u, regressionLabel)
                .as((t, i, x, ts, ty, k, r, y) -> {
                    Double label = r < 0.2 ? null : switch (ty == null ? TaskType.REGRESSION : ty) {
                        case REGRESSION -> y;
                        case BINARY -> r < 0.6 ? 0.0 : 1.0;
                        case MULTICLASS -> (double) (int) (r * k * 0.999);
                    };
                    return new Event(t, i, x, label, ty, ty == TaskType.MULTICLASS ? k : null, ts);
                });
    }

    /** Objects with the contract's field names (and one unknown) holding values of any JSON type. */
    @Provide
    Arbitrary<String> jsonObjects() {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        return Combinators.combine(field, jsonValue(2)).as((f, v) -> "\"" + f + "\":" + v)
                .list().ofMaxSize(9)
                .map(entries -> "{" + String.join(",", entries) + "}");
    }

    private static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "NaN", "Infinity", "-Infinity", "1e999", "-0", "0", "1",
                        "2", "3", "1.5", "-1", "10001", "9223372036854775808", "\"binary\"", "\"multiclass\"",
                        "\"regression\"", "\"ranking\"", "\"a\"", "\"\"", "\"a b\"", "\"ü\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(140).map(EventParserPropertiesTest::quote));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = jsonValue(depth - 1);
        ListArbitrary<String> items = inner.list().ofMaxSize(5);
        Arbitrary<String> array = items.map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), inner)
                .as((k, v) -> Map.entry(k, v)).list().ofMaxSize(4).uniqueElements(Map.Entry::getKey)
                .map(l -> "{" + String.join(",", l.stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
                        .toList()) + "}");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(1, object));
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static float[] toArray(List<Float> values) {
        float[] x = new float[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = values.get(i);
        }
        return x;
    }
}
