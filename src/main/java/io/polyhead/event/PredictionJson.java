package io.polyhead.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code polyhead.predictions} payload: writes a {@link Prediction} as compact UTF-8 JSON in the
 * contract's shape, and reads it back. Classes and binary predictions and labels are written as
 * integers; a non-finite number is written as null so the output is always valid JSON.
 */
public final class PredictionJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private PredictionJson() {
    }

    /** The prediction as JSON bytes. */
    public static byte[] write(Prediction p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            boolean integral = p.type() != TaskType.REGRESSION;
            g.writeStartObject();
            g.writeStringField("task", p.task());
            if (p.id() != null) {
                g.writeStringField("id", p.id());
            }
            g.writeStringField("type", p.type().jsonName());
            g.writeFieldName("prediction");
            number(g, p.prediction(), integral);
            g.writeFieldName("score");
            number(g, p.score(), false);
            if (p.probabilities() != null) {
                g.writeArrayFieldStart("probabilities");
                for (float v : p.probabilities()) {
                    number(g, v, false);
                }
                g.writeEndArray();
            }
            if (p.label() != null) {
                g.writeFieldName("label");
                number(g, p.label(), integral);
            }
            if (p.loss() != null) {
                g.writeFieldName("loss");
                number(g, p.loss(), false);
            }
            g.writeBooleanField("trained", p.trained());
            g.writeNumberField("taskEvents", p.taskEvents());
            g.writeBooleanField("newTask", p.newTask());
            g.writeNumberField("modelVersion", p.modelVersion());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void number(JsonGenerator g, double v, boolean integral) throws IOException {
        if (!Double.isFinite(v)) {
            g.writeNull();
        } else if (integral && v == Math.rint(v)) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }

    /**
     * Reads a prediction written by {@link #write}.
     *
     * @throws IllegalArgumentException naming the problem when the bytes are not such a prediction
     */
    public static Prediction read(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a prediction is a JSON object");
            }
            String task = null;
            String id = null;
            TaskType type = null;
            double prediction = Double.NaN;
            double score = Double.NaN;
            float[] probabilities = null;
            Double label = null;
            Double loss = null;
            boolean trained = false;
            long taskEvents = 0;
            boolean newTask = false;
            long modelVersion = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "task" -> task = p.getText();
                    case "id" -> id = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case "type" -> type = TaskType.fromJson(p.getText());
                    case "prediction" -> prediction = t == JsonToken.VALUE_NULL ? Double.NaN : p.getDoubleValue();
                    case "score" -> score = t == JsonToken.VALUE_NULL ? Double.NaN : p.getDoubleValue();
                    case "probabilities" -> {
                        List<Float> values = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            values.add(p.currentToken() == JsonToken.VALUE_NULL ? Float.NaN : p.getFloatValue());
                        }
                        probabilities = new float[values.size()];
                        for (int i = 0; i < probabilities.length; i++) {
                            probabilities[i] = values.get(i);
                        }
                    }
                    case "label" -> label = t == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
                    case "loss" -> loss = t == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
                    case "trained" -> trained = p.getBooleanValue();
                    case "taskEvents" -> taskEvents = p.getLongValue();
                    case "newTask" -> newTask = p.getBooleanValue();
                    case "modelVersion" -> modelVersion = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            if (task == null || type == null) {
                throw new IllegalArgumentException("a prediction needs \"task\" and \"type\"");
            }
            return new Prediction(task, id, type, prediction, score, probabilities, label, loss, trained, taskEvents,
                    newTask, modelVersion);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a prediction: " + e.getMessage(), e);
        }
    }
}
