package io.polyhead.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link EventJson} writes what {@link EventParser} reads back as an equal event. */
class EventJsonTest {
    private final EventParser parser = new EventParser(EventParser.Config.defaults());

    @Test
    void everyFieldRoundTrips() throws Exception {
        Event e = new Event("sensor-17", "evt-000123", new float[] {0.1f, -2.5f, 1e-30f, 3.4e38f, Float.MIN_VALUE},
                2.0, TaskType.MULTICLASS, 10, 1764380000000L);
        assertEquals(e, parser.parse(EventJson.toJson(e)));
        assertEquals(e, parser.parse(EventJson.toBytes(e), "sensor-17"));
    }

    @Test
    void nullFieldsAreOmitted() throws Exception {
        Event e = Event.of("a", new float[] {1f, 0.5f}, null);
        String json = EventJson.toJson(e);
        assertEquals("{\"task\":\"a\",\"features\":[1.0,0.5]}", json);
        assertFalse(json.contains("null"), json);
        assertEquals(e, parser.parse(json));
    }

    @Test
    void integralLabelIsWrittenAsAnInteger() throws Exception {
        Event e = new Event("a", null, new float[] {1f}, 1.0, TaskType.BINARY, null, null);
        String json = EventJson.toJson(e);
        assertTrue(json.contains("\"label\":1,\"type\""), json);
        assertFalse(json.contains("\"label\":1.0"), json);
        assertEquals(e, parser.parse(json));
    }

    @Test
    void fractionalLabelKeepsItsFraction() throws Exception {
        Event e = Event.of("a", new float[] {1f}, 1.5);
        String json = EventJson.toJson(e);
        assertTrue(json.contains("\"label\":1.5"), json);
        assertEquals(1.5, parser.parse(json).label());
    }

    @Test
    void labelsOneAndOneAndAHalfDiffer() throws Exception {
        Event one = parser.parse(EventJson.toJson(Event.of("a", new float[] {1f}, 1.0)));
        Event oneAndAHalf = parser.parse(EventJson.toJson(Event.of("a", new float[] {1f}, 1.5)));
        assertEquals(1.0, one.label());
        assertEquals(1.5, oneAndAHalf.label());
        assertFalse(one.equals(oneAndAHalf));
    }

    @Test
    void extremeLabelsRoundTrip() throws Exception {
        for (double y : new double[] {1e15, 1e16, -123456789012.0, 1e-300, Double.MAX_VALUE, 0.1}) {
            Event e = Event.of("a", new float[] {1f}, y);
            assertEquals(y, parser.parse(EventJson.toJson(e)).label(), EventJson.toJson(e));
        }
    }

    @Test
    void negativeZeroLabelReadsBackAsZero() throws Exception {
        // written as the integer 0: the sign of a zero label is not kept, and Double.equals tells them apart
        Event back = parser.parse(EventJson.toJson(Event.of("a", new float[] {1f}, -0.0)));
        assertEquals(0.0, back.label());
    }

    @Test
    void writeAppendsToTheStreamWithoutClosingIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Event e = Event.of("a", new float[] {1f}, null);
        EventJson.write(e, out);
        out.write('\n');
        EventJson.write(e, out);
        String s = out.toString(StandardCharsets.UTF_8);
        assertEquals(EventJson.toJson(e) + "\n" + EventJson.toJson(e), s);
    }

    @Test
    void taskNeedingNoEscapesAndIdWithQuotesRoundTrip() throws Exception {
        Event e = new Event("a.b_c:d-e", "id with \"quotes\" and ü", new float[] {1f}, null, null, null, 0L);
        assertEquals(e, parser.parse(EventJson.toJson(e)));
    }
}
