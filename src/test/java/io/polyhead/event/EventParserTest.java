package io.polyhead.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rejection rule of the event contract, then the accepted shapes. */
class EventParserTest {
    private static final String F = "\"features\":[0.5,1,2]";

    private final EventParser parser = new EventParser(EventParser.Config.defaults());

    private InvalidEventException reject(EventParser p, String json) {
        return assertThrows(InvalidEventException.class, () -> p.parse(json), json);
    }

    /** Rejected with {@code field}, and the message names {@code badValue}. */
    private InvalidEventException assertRejected(String json, String field, String badValue) {
        return assertRejected(parser, json, field, badValue);
    }

    private static InvalidEventException assertRejected(EventParser p, String json, String field, String badValue) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> p.parse(json), json);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(badValue), "message should name " + badValue + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertEquals(e.getMessage(), field + ": " + e.reason());
        return e;
    }

    // ---- the record as a whole ----

    @Test
    void nullRecordIsRejected() throws Exception {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> parser.parse((byte[]) null, null));
        assertEquals("$", e.field());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertEquals("$", assertThrows(InvalidEventException.class, () -> parser.parse((String) null)).field());
    }

    @Test
    void emptyRecordIsRejected() {
        assertRejected("", "$", "0 bytes");
    }

    @Test
    void oversizedRecordIsRejectedBeforeParsing() {
        EventParser small = new EventParser(EventParser.Config.defaults().withMaxRecordBytes(40));
        String json = "{\"task\":\"a\",\"features\":[1,2,3,4,5,6,7,8,9,10]}";
        InvalidEventException e = assertRejected(small, json, "$", String.valueOf(json.length()));
        assertTrue(e.getMessage().contains("40"), e.getMessage());
    }

    @Test
    void notJsonIsRejected() {
        assertRejected("hello world", "$", "hello");
    }

    @Test
    void truncatedJsonIsRejected() {
        assertRejected("{\"task\":\"a\"," + F, "$", "not valid JSON");
    }

    @Test
    void aJsonErrorSaysWhereWithoutJacksonsInternals() {
        for (String bad : new String[] {"hello world", "{\"task\":\"a\",", "{\"task\": nope}", "{\"task\": \"a\" \"b\"}"}) {
            String reason = assertThrows(InvalidEventException.class, () -> parser.parse(bad)).getMessage();
            assertFalse(reason.contains("Source:") || reason.contains("REDACTED") || reason.contains("StreamReadFeature"),
                    bad + ": " + reason);
            assertTrue(reason.matches(".*\\(column \\d+\\)$"), "says where: " + reason);
        }
    }

    @Test
    void trailingGarbageIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + "} garbage", "$", "garbage");
    }

    @Test
    void aSecondObjectAfterTheFirstIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + "}{\"task\":\"b\"}", "$", "after the JSON object");
    }

    @Test
    void topLevelArrayIsRejected() {
        assertRejected("[{\"task\":\"a\"," + F + "}]", "$", "an array");
    }

    @Test
    void topLevelStringIsRejected() {
        assertRejected("\"sensor-17\"", "$", "sensor-17");
    }

    @Test
    void topLevelNumberIsRejected() {
        assertRejected("42", "$", "42");
    }

    @Test
    void duplicateFieldIsRejected() {
        assertRejected("{\"task\":\"a\",\"task\":\"b\"," + F + "}", "$", "task");
    }

    // ---- task ----

    @Test
    void missingTaskIsRejected() {
        assertRejected("{" + F + "}", "task", "missing");
    }

    @Test
    void taskNotAStringIsRejected() {
        assertRejected("{\"task\":17," + F + "}", "task", "17");
        assertRejected("{\"task\":null," + F + "}", "task", "null");
    }

    @Test
    void emptyTaskIsRejected() {
        assertRejected("{\"task\":\"\"," + F + "}", "task", "empty");
    }

    @Test
    void taskOf128CharsIsAcceptedAnd129Rejected() throws Exception {
        assertEquals(128, parser.parse("{\"task\":\"" + "a".repeat(128) + "\"," + F + "}").task().length());
        assertRejected("{\"task\":\"" + "a".repeat(129) + "\"," + F + "}", "task", "129");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "ü", "x/y", "a\\\"b"})
    void taskWithCharacterOutsideTheAlphabetIsRejected(String task) {
        String decoded = task.replace("\\\"", "\"");
        InvalidEventException e = assertRejected("{\"task\":\"" + task + "\"," + F + "}", "task", decoded);
        assertTrue(e.getMessage().contains("position"), e.getMessage());
    }

    @Test
    void everyCharacterOfTheAlphabetIsAccepted() throws Exception {
        String task = "AZaz09._:-";
        assertEquals(task, parser.parse("{\"task\":\"" + task + "\"," + F + "}").task());
    }

    @Test
    void taskDifferentFromTheKeyIsRejected() {
        byte[] json = ("{\"task\":\"a\"," + F + "}").getBytes(StandardCharsets.UTF_8);
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> parser.parse(json, "b"));
        assertEquals("task", e.field());
        assertTrue(e.getMessage().contains("\"a\"") && e.getMessage().contains("\"b\""), e.getMessage());
    }

    @Test
    void taskEqualToTheKeyIsAccepted() throws Exception {
        byte[] json = ("{\"task\":\"a\"," + F + "}").getBytes(StandardCharsets.UTF_8);
        assertEquals("a", parser.parse(json, "a").task());
    }

    // ---- id ----

    @Test
    void idAsObjectIsRejected() {
        assertRejected("{\"task\":\"a\",\"id\":{\"x\":1}," + F + "}", "id", "an object");
    }

    @Test
    void idOf256CharsIsAcceptedAnd257Rejected() throws Exception {
        assertEquals(256, parser.parse("{\"task\":\"a\",\"id\":\"" + "i".repeat(256) + "\"," + F + "}").id().length());
        assertRejected("{\"task\":\"a\",\"id\":\"" + "i".repeat(257) + "\"," + F + "}", "id", "257");
    }

    // ---- features ----

    @Test
    void missingFeaturesAreRejected() {
        assertRejected("{\"task\":\"a\"}", "features", "missing");
    }

    @Test
    void featuresAsStringAreRejected() {
        assertRejected("{\"task\":\"a\",\"features\":\"0.1,0.2\"}", "features", "0.1,0.2");
    }

    @Test
    void emptyFeatureArrayIsRejected() {
        assertRejected("{\"task\":\"a\",\"features\":[]}", "features", "empty");
    }

    @Test
    void wrongLengthIsRejectedOnceTheDimensionIsFixed() throws Exception {
        EventParser fixed = new EventParser(EventParser.Config.defaults());
        assertEquals(2, fixed.parse("{\"task\":\"a\",\"features\":[1,2]}").dimension());
        fixed.fixDimension(3);
        InvalidEventException e = assertRejected(fixed, "{\"task\":\"a\",\"features\":[1,2]}", "features", "2");
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertEquals(3, fixed.parse("{\"task\":\"a\",\"features\":[1,2,3]}").dimension());
    }

    @Test
    void inputDimFromConfigFixesTheDimension() {
        EventParser fixed = new EventParser(EventParser.Config.defaults().withInputDim(3));
        assertEquals(3, fixed.dimension());
        assertRejected(fixed, "{\"task\":\"a\",\"features\":[1,2,3,4]}", "features", "4");
        assertThrows(IllegalStateException.class, () -> fixed.fixDimension(4));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "null      | null",
        "\"1\"     | \"1\"",
        "true      | true",
        "[1]       | an array",
        "{}        | an object",
        "NaN       | NaN",
        "Infinity  | Infinity",
        "-Infinity | -Infinity",
        "1e999     | 1e999",
        "-1e999    | -1e999",
        "1e39      | 1e39",
    })
    void badFeatureValueNamesItsIndexAndValue(String value, String shown) {
        assertRejected("{\"task\":\"a\",\"features\":[0.5," + value + ",2]}", "features[1]", shown);
    }

    @Test
    void moreThanMaxFeaturesIsRejected() throws Exception {
        EventParser small = new EventParser(EventParser.Config.defaults().withMaxFeatures(3));
        assertEquals(3, small.parse("{\"task\":\"a\",\"features\":[1,2,3]}").dimension());
        assertRejected(small, "{\"task\":\"a\",\"features\":[1,2,3,4]}", "features", "3");
        small.fixDimension(2);
        assertRejected(small, "{\"task\":\"a\",\"features\":{\"x\":1,\"y\":2,\"z\":3,\"w\":4}}", "features", "3");
    }

    @Test
    void hashedFeaturesWithoutADimensionAreRejected() {
        assertRejected("{\"task\":\"a\",\"features\":{\"x\":1}}", "features", "dimension");
    }

    @Test
    void emptyHashedFeaturesAreRejected() {
        EventParser hashed = new EventParser(EventParser.Config.defaults().withInputDim(8));
        assertRejected(hashed, "{\"task\":\"a\",\"features\":{}}", "features", "empty");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "\"high\" | \"high\"",
        "true     | true",
        "null     | null",
        "[1]      | an array",
        "NaN      | NaN",
        "1e999    | 1e999",
    })
    void nonNumericHashedValueNamesTheFeature(String value, String shown) {
        EventParser hashed = new EventParser(EventParser.Config.defaults().withInputDim(8));
        assertRejected(hashed, "{\"task\":\"a\",\"features\":{\"x\":1,\"temp\":" + value + "}}", "features.temp",
                shown);
    }

    // ---- label ----

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "\"1\"     | \"1\"",
        "true      | true",
        "[1]       | an array",
        "NaN       | NaN",
        "Infinity  | Infinity",
        "-Infinity | -Infinity",
    })
    void badLabelIsRejected(String value, String shown) {
        assertRejected("{\"task\":\"a\"," + F + ",\"label\":" + value + "}", "label", shown);
    }

    @Test
    void binaryLabelOtherThanZeroOrOneIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"binary\",\"label\":2}", "label", "2");
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"binary\",\"label\":0.5}", "label", "0.5");
    }

    @Test
    void aLabelBeyondTheContractsRangeIsRejected() throws Exception {
        // The label rules live in TaskType.checkLabel: the parser applies them to the kind an event declares,
        // the learner to the kind its task has (so an event without a type is checked there).
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"regression\",\"label\":1e101}", "label", "1.0E101");
        assertEquals(1e100, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"regression\",\"label\":1e100}").label());
        assertEquals(1e101, parser.parse("{\"task\":\"a\"," + F + ",\"label\":1e101}").label());
    }

    @Test
    void binaryLabelsZeroAndOneAreAccepted() throws Exception {
        assertEquals(0.0, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"binary\",\"label\":0}").label());
        assertEquals(1.0, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"binary\",\"label\":1.0}").label());
    }

    // ---- type and classes ----

    @Test
    void unknownTypeIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"ranking\"}", "type", "ranking");
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":1}", "type", "1");
    }

    @Test
    void multiclassWithoutClassesIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"multiclass\",\"label\":1}", "classes", "missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0", "-3", "1.5", "10001", "4294967296", "\"3\"", "true"})
    void classesOutOfRangeOrNotAnIntegerAreRejected(String classes) {
        InvalidEventException e = assertRejected("{\"task\":\"a\"," + F + ",\"type\":\"multiclass\",\"classes\":"
                + classes + "}", "classes", classes);
        assertTrue(e.getMessage().contains("10000"), e.getMessage());
    }

    @Test
    void classesAtTheLimitsAreAccepted() throws Exception {
        assertEquals(2, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"multiclass\",\"classes\":2}").classes());
        assertEquals(10000,
                parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"multiclass\",\"classes\":10000}").classes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "1.5", "-1", "100"})
    void multiclassLabelOutsideTheClassesIsRejected(String label) {
        InvalidEventException e = assertRejected("{\"task\":\"a\"," + F
                + ",\"type\":\"multiclass\",\"classes\":3,\"label\":" + label + "}", "label", label);
        assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
    }

    @Test
    void multiclassLabelIsCheckedWhateverTheFieldOrder() {
        assertRejected("{\"label\":3,\"classes\":3,\"type\":\"multiclass\",\"task\":\"a\"," + F + "}", "label", "3");
    }

    // ---- timestamp ----

    @Test
    void negativeTimestampIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"timestamp\":-1}", "timestamp", "-1");
    }

    @Test
    void fractionalTimestampIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"timestamp\":1.5}", "timestamp", "1.5");
    }

    @Test
    void timestampAsStringIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"timestamp\":\"now\"}", "timestamp", "now");
    }

    @Test
    void timestampBeyondALongIsRejected() {
        assertRejected("{\"task\":\"a\"," + F + ",\"timestamp\":99999999999999999999}", "timestamp",
                "99999999999999999999");
    }

    // ---- accepted events ----

    @Test
    void denseEventReadsEveryField() throws Exception {
        Event e = parser.parse("{\"task\":\"sensor-17\",\"id\":\"evt-000123\",\"features\":[0.1,-2,3.5e2],"
                + "\"label\":2,\"type\":\"multiclass\",\"classes\":10,\"timestamp\":1764380000000}");
        assertEquals("sensor-17", e.task());
        assertEquals("evt-000123", e.id());
        assertArrayEquals(new float[] {0.1f, -2f, 350f}, e.features());
        assertEquals(2.0, e.label());
        assertEquals(TaskType.MULTICLASS, e.type());
        assertEquals(10, e.classes());
        assertEquals(1764380000000L, e.timestamp());
        assertEquals(e, parser.parse(EventJson.toJson(e)));
    }

    @Test
    void regressionAndBinaryTypesAreRead() throws Exception {
        assertEquals(TaskType.REGRESSION, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"regression\","
                + "\"label\":-3.25}").type());
        assertEquals(TaskType.BINARY, parser.parse("{\"task\":\"a\"," + F + ",\"type\":\"binary\"}").type());
    }

    @Test
    void integerIdIsKeptAsItsDigits() throws Exception {
        assertEquals("123", parser.parse("{\"task\":\"a\",\"id\":123," + F + "}").id());
        assertEquals("-7", parser.parse("{\"task\":\"a\",\"id\":-7," + F + "}").id());
    }

    @Test
    void nullsAreAbsentValues() throws Exception {
        Event e = parser.parse("{\"task\":\"a\",\"id\":null," + F
                + ",\"label\":null,\"type\":null,\"classes\":null,\"timestamp\":null}");
        assertEquals(Event.of("a", new float[] {0.5f, 1f, 2f}, null), e);
        assertNull(e.id());
        assertNull(e.label());
        assertNull(e.type());
        assertNull(e.classes());
        assertNull(e.timestamp());
    }

    @Test
    void unknownFieldsAreIgnoredNestedOrNot() throws Exception {
        Event e = parser.parse("{\"source\":\"plant-3\",\"meta\":{\"a\":[1,{\"b\":null}],\"features\":\"no\"},"
                + "\"task\":\"a\",\"extra\":[[],{}]," + F + ",\"v\":2,\"flag\":true,\"n\":null}");
        assertEquals(Event.of("a", new float[] {0.5f, 1f, 2f}, null), e);
    }

    @Test
    void fieldOrderDoesNotMatter() throws Exception {
        assertEquals(parser.parse("{\"task\":\"a\"," + F + ",\"label\":1}"),
                parser.parse("{\"label\":1," + F + ",\"task\":\"a\"}"));
    }

    @Test
    void whitespaceAroundTheObjectIsAccepted() throws Exception {
        assertEquals("a", parser.parse(" \n{\"task\":\"a\"," + F + "}\r\n ").task());
    }

    @Test
    void largeDenseArrayGrowsTheScratchBuffer() throws Exception {
        StringBuilder json = new StringBuilder("{\"task\":\"a\",\"features\":[");
        for (int i = 0; i < 1000; i++) {
            json.append(i == 0 ? "" : ",").append(i);
        }
        float[] x = parser.parse(json.append("]}").toString()).features();
        assertEquals(1000, x.length);
        assertEquals(999f, x[999]);
        // the scratch buffer is reused: a shorter event afterwards is not polluted by the longer one
        assertArrayEquals(new float[] {7f}, parser.parse("{\"task\":\"a\",\"features\":[7]}").features());
    }

    // ---- hashed features ----

    @Test
    void hashedFeaturesHaveTheDimensionAndADeterministicIndex() throws Exception {
        EventParser hashed = new EventParser(EventParser.Config.defaults().withInputDim(8));
        Event e = hashed.parse("{\"task\":\"a\",\"features\":{\"x\":2.5}}");
        assertEquals(8, e.dimension());
        // MurmurHash3_x86_32("x", 0) = 0x3E9A9B1B -> index 3 of 8; ("x", SIGN_SEED) is odd -> sign -1
        float[] expected = new float[8];
        expected[3] = -2.5f;
        assertArrayEquals(expected, e.features());
        assertEquals(3, new FeatureHasher(8).indexOf("x"));
        EventParser again = new EventParser(EventParser.Config.defaults().withInputDim(8));
        assertEquals(e, again.parse("{\"task\":\"a\",\"features\":{\"x\":2.5}}"));
    }

    @Test
    void hashedFeaturesThatCollideAdd() throws Exception {
        // with one dimension every name collides; "x" and "y" both hash to sign -1
        EventParser hashed = new EventParser(EventParser.Config.defaults().withInputDim(1));
        assertArrayEquals(new float[] {-3f}, hashed.parse("{\"task\":\"a\",\"features\":{\"x\":1,\"y\":2}}").features());
    }

    @Test
    void sameHashedNameTwiceIsADuplicateField() {
        // Strict duplicate detection covers the feature object too: {"x":1,"x":2} is ambiguous JSON.
        EventParser hashed = new EventParser(EventParser.Config.defaults().withInputDim(8));
        assertRejected(hashed, "{\"task\":\"a\",\"features\":{\"x\":1,\"x\":2}}", "$", "x");
    }

    @Test
    void hashedFeaturesWorkAfterADenseEventFixedTheDimension() throws Exception {
        EventParser p = new EventParser(EventParser.Config.defaults());
        p.parse("{\"task\":\"a\",\"features\":[1,2,3,4,5,6,7,8]}");
        p.fixDimension(8);
        assertEquals(8, p.parse("{\"task\":\"a\",\"features\":{\"x\":1,\"temp\":-0.5}}").dimension());
    }

    @org.junit.jupiter.api.Test
    void utf16IsRejectedAsNotUtf8() {
        byte[] utf16 = "{\"task\":\"a\",\"features\":[1]}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        InvalidEventException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidEventException.class,
                () -> new EventParser(EventParser.Config.defaults()).parse(utf16, null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }
}
