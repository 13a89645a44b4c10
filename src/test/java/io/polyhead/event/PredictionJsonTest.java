package io.polyhead.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writes and reads back the {@code polyhead.predictions} payload. */
class PredictionJsonTest {

    /** {@link Prediction} is a record holding an array, so its equals compares the array by identity. */
    private static void assertSame(Prediction expected, Prediction actual) {
        assertEquals(expected.task(), actual.task());
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.type(), actual.type());
        assertEquals(expected.prediction(), actual.prediction());
        assertEquals(expected.score(), actual.score());
        assertArrayEquals(expected.probabilities(), actual.probabilities());
        assertEquals(expected.label(), actual.label());
        assertEquals(expected.loss(), actual.loss());
        assertEquals(expected.trained(), actual.trained());
        assertEquals(expected.taskEvents(), actual.taskEvents());
        assertEquals(expected.newTask(), actual.newTask());
        assertEquals(expected.modelVersion(), actual.modelVersion());
    }

    private static String json(Prediction p) {
        return new String(PredictionJson.write(p), StandardCharsets.UTF_8);
    }

    @Test
    void regressionRoundTrips() {
        Prediction p = new Prediction("sensor-17", "evt-1", TaskType.REGRESSION, 2.0, 2.0, null, -0.75, 7.5625,
                true, 42, false, 17);
        assertSame(p, PredictionJson.read(PredictionJson.write(p)));
        assertTrue(json(p).contains("\"prediction\":2.0"), json(p));
    }

    @Test
    void binaryRoundTripsWithIntegerPredictionAndLabel() {
        Prediction p = new Prediction("a", null, TaskType.BINARY, 1, 0.93, null, 1.0, 0.0725706928348354, true, 1,
                true, 0);
        String json = json(p);
        assertTrue(json.contains("\"prediction\":1,"), json);
        assertTrue(json.contains("\"label\":1,"), json);
        assertTrue(json.contains("\"score\":0.93"), json);
        assertFalse(json.contains("\"id\""), json);
        assertFalse(json.contains("probabilities"), json);
        assertSame(p, PredictionJson.read(PredictionJson.write(p)));
    }

    @Test
    void multiclassRoundTripsWithProbabilities() {
        Prediction p = new Prediction("a", "7", TaskType.MULTICLASS, 2, 0.6f, new float[] {0.1f, 0.3f, 0.6f}, 1.0,
                1.2039728, true, 9, false, 3);
        String json = json(p);
        assertTrue(json.contains("\"prediction\":2,"), json);
        assertTrue(json.contains("\"probabilities\":["), json);
        assertSame(p, PredictionJson.read(PredictionJson.write(p)));
    }

    @Test
    void unlabeledPredictionOmitsLabelAndLoss() {
        Prediction p = new Prediction("a", null, TaskType.BINARY, 0, 0.2, null, null, null, false, 5, false, 4);
        String json = json(p);
        assertFalse(json.contains("label"), json);
        assertFalse(json.contains("loss"), json);
        assertTrue(json.contains("\"trained\":false"), json);
        assertSame(p, PredictionJson.read(PredictionJson.write(p)));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        Prediction p = new Prediction("a", null, TaskType.REGRESSION, Double.NaN, Double.POSITIVE_INFINITY,
                null, 1.0, Double.NaN, true, 1, true, 0);
        String json = json(p);
        assertTrue(json.contains("\"prediction\":null"), json);
        assertTrue(json.contains("\"score\":null"), json);
        assertTrue(json.contains("\"loss\":null"), json);
        Prediction back = PredictionJson.read(PredictionJson.write(p));
        assertTrue(Double.isNaN(back.prediction()));
        assertTrue(Double.isNaN(back.score()));
        assertNull(back.loss());
    }

    @Test
    void nonFiniteProbabilityIsWrittenAsNullAndReadAsNaN() {
        Prediction p = new Prediction("a", null, TaskType.MULTICLASS, 0, 0.5, new float[] {0.5f, Float.NaN}, null,
                null, false, 1, true, 0);
        assertTrue(json(p).contains("[0.5,null]"), json(p));
        assertArrayEquals(new float[] {0.5f, Float.NaN}, PredictionJson.read(PredictionJson.write(p)).probabilities());
    }

    @Test
    void readRejectsWhatIsNotAPrediction() {
        assertThrows(IllegalArgumentException.class, () -> PredictionJson.read("[1]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> PredictionJson.read("{\"task\":\"a\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> PredictionJson.read("{\"task\":".getBytes(StandardCharsets.UTF_8)));
    }
}
