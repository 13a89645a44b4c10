package io.polyhead.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses and validates one input record of the event contract (UTF-8 JSON) into an {@link Event}.
 * Every rejection is an {@link InvalidEventException} naming the field and the bad value; no input
 * bytes make it throw anything else. Streaming (no tree), so a 64-feature event parses in a few
 * microseconds. Unknown fields are ignored, so producers may add fields.
 *
 * <p>The input dimension is 0 (any length accepted) until {@link #fixDimension} sets it — the caller
 * does that once the model has fixed its dimension. Not thread-safe (it keeps a scratch buffer).
 */
public final class EventParser {
    /** Distinct unknown field names counted by name; beyond this many, they are counted together. */
    static final int UNKNOWN_NAMES = 20;
    private final java.util.Map<String, Long> unknownFields = new java.util.TreeMap<>();

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Jackson's fast double parser: features are mostly floats, and parsing them is most of the cost.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    static final int MAX_TASK_LENGTH = 128;
    static final int MAX_ID_LENGTH = 256;

    /**
     * Limits and the input dimension.
     *
     * @param inputDim       0 = not yet known, else every event has exactly this many features
     * @param maxRecordBytes larger records are rejected before parsing
     * @param maxFeatures    bound on a dense array's length and on a feature object's entries
     * @param maxClasses     bound on {@code classes}
     */
    public record Config(int inputDim, int maxRecordBytes, int maxFeatures, int maxClasses) {
        public Config {
            if (inputDim < 0 || maxRecordBytes < 1 || maxFeatures < 1 || maxClasses < 2) {
                throw new IllegalArgumentException("invalid parser limits: inputDim=" + inputDim + " maxRecordBytes="
                        + maxRecordBytes + " maxFeatures=" + maxFeatures + " maxClasses=" + maxClasses);
            }
        }

        /** Dimension from the model, 1 MiB records, 100,000 features, 10,000 classes. */
        public static Config defaults() {
            return new Config(0, 1 << 20, 100_000, 10_000);
        }

        public Config withInputDim(int v) {
            return new Config(v, maxRecordBytes, maxFeatures, maxClasses);
        }

        public Config withMaxRecordBytes(int v) {
            return new Config(inputDim, v, maxFeatures, maxClasses);
        }

        public Config withMaxFeatures(int v) {
            return new Config(inputDim, maxRecordBytes, v, maxClasses);
        }
    }

    private final Config config;
    private int dimension;
    private FeatureHasher hasher;
    private float[] scratch = new float[64];

    public EventParser(Config config) {
        this.config = config;
        if (config.inputDim() > 0) {
            fixDimension(config.inputDim());
        }
    }

    /** The input dimension, or 0 while not fixed. */
    public int dimension() {
        return dimension;
    }

    /**
     * Fixes the input dimension (the model's).
     *
     * @throws IllegalStateException when another dimension is already fixed
     */
    public void fixDimension(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1. Got: " + dim);
        }
        if (dimension != 0 && dimension != dim) {
            throw new IllegalStateException("input dimension is already " + dimension + ", cannot change it to " + dim);
        }
        dimension = dim;
        hasher = new FeatureHasher(dim);
    }

    /** Parses a JSON string (tests, files read as text). */
    public Event parse(String json) throws InvalidEventException {
        return parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * Parses one record.
     *
     * @param bytes the record value. May be null (rejected).
     * @param key   the record key as a string. May be null; when set, the event's task must equal it.
     */
    public Event parse(byte[] bytes, String key) throws InvalidEventException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("$", "the record is empty (null or 0 bytes)");
        }
        if (bytes.length > config.maxRecordBytes()) {
            throw new InvalidEventException("$", "the record is " + bytes.length + " bytes, the limit is "
                    + config.maxRecordBytes());
        }
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            if (bytes[i] == 0) {
                // Jackson would take this for UTF-16 or UTF-32; the contract is UTF-8.
                throw new InvalidEventException("$", "the record is not UTF-8 JSON: a NUL byte at offset " + i
                        + " (UTF-16 or UTF-32?)");
            }
        }
        try (JsonParser p = FACTORY.createParser(bytes)) {
            Event e = parseObject(p);
            if (p.nextToken() != null) {
                throw new InvalidEventException("$", "unexpected content after the JSON object");
            }
            if (key != null && !key.equals(e.task())) {
                throw new InvalidEventException("task", "the event's task " + quote(e.task())
                        + " differs from the record key " + quote(key));
            }
            return e;
        } catch (InvalidEventException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's own message, without its "[Source: REDACTED ...]" location text: the column is enough.
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new InvalidEventException("$", "not valid JSON: " + firstLine(String.valueOf(e.getOriginalMessage()))
                    + (at == null || at.getColumnNr() < 1 ? "" : " (column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidEventException("$", "not valid JSON: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // Jackson's limits (nesting depth, number length) and anything unforeseen: still a reason.
            throw new InvalidEventException("$", "cannot parse the record: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Fields the contract does not define, with how many events carried each (the events stay accepted:
     * unknown fields are allowed; a misspelt {@code "lable"} shows up here). At most {@value #UNKNOWN_NAMES}
     * names, then {@code "(others)"}.
     */
    public java.util.Map<String, Long> unknownFields() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unknownFields));
    }

    private void noteUnknown(String field) {
        String name = unknownFields.containsKey(field) || unknownFields.size() < UNKNOWN_NAMES ? field : "(others)";
        unknownFields.merge(name, 1L, Long::sum);
    }

    private Event parseObject(JsonParser p) throws IOException, InvalidEventException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new InvalidEventException("$", "expected a JSON object, got " + describe(first, p));
        }
        String task = null;
        String id = null;
        float[] features = null;
        Double label = null;
        TaskType type = null;
        Integer classes = null;
        Long timestamp = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "task" -> task = readTask(p, t);
                case "id" -> id = readId(p, t);
                case "features" -> features = readFeatures(p, t);
                case "label" -> label = readLabel(p, t);
                case "type" -> type = readType(p, t);
                case "classes" -> classes = readClasses(p, t);
                case "timestamp" -> timestamp = readTimestamp(p, t);
                default -> {
                    noteUnknown(field);
                    p.skipChildren();
                }
            }
        }
        if (task == null) {
            throw new InvalidEventException("task", "missing: every event needs a \"task\"");
        }
        if (features == null) {
            throw new InvalidEventException("features", "missing: every event needs \"features\"");
        }
        if (type == TaskType.MULTICLASS && classes == null) {
            throw new InvalidEventException("classes", "missing: a multiclass event needs \"classes\" (2 or more)");
        }
        if (label != null && type != null) {
            Rejection r = type.checkLabel(classes == null ? 0 : classes, label);
            if (r != null) {
                throw new InvalidEventException(r);
            }
        }
        return new Event(task, id, features, label, type, classes, timestamp);
    }

    private static String readTask(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("task", "must be a string. Got: " + describe(t, p));
        }
        String task = p.getText();
        if (task.isEmpty()) {
            throw new InvalidEventException("task", "must not be empty");
        }
        if (task.length() > MAX_TASK_LENGTH) {
            throw new InvalidEventException("task", "must be at most " + MAX_TASK_LENGTH + " characters. Got "
                    + task.length() + ": " + quote(task));
        }
        for (int i = 0; i < task.length(); i++) {
            char c = task.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '-';
            if (!ok) {
                throw new InvalidEventException("task", "may contain only A-Z a-z 0-9 . _ : - ; "
                        + quote(task) + " has " + quote(String.valueOf(c)) + " at position " + i);
            }
        }
        return task;
    }

    private static String readId(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        String id;
        if (t == JsonToken.VALUE_NULL) {
            return null;
        } else if (t == JsonToken.VALUE_STRING) {
            id = p.getText();
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
            id = p.getText();
        } else {
            throw new InvalidEventException("id", "must be a string or an integer. Got: " + describe(t, p));
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidEventException("id", "must be at most " + MAX_ID_LENGTH + " characters. Got "
                    + id.length() + ": " + quote(id));
        }
        return id;
    }

    private float[] readFeatures(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t == JsonToken.START_ARRAY) {
            return readDense(p);
        }
        if (t == JsonToken.START_OBJECT) {
            return readHashed(p);
        }
        throw new InvalidEventException("features", "must be an array of numbers or an object {\"name\": number}. Got: "
                + describe(t, p));
    }

    private float[] readDense(JsonParser p) throws IOException, InvalidEventException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n >= config.maxFeatures()) {
                throw new InvalidEventException("features", "has more than " + config.maxFeatures() + " values");
            }
            float v = finiteFloat(p, t, null, n);
            if (n == scratch.length) {
                scratch = Arrays.copyOf(scratch, n * 2);
            }
            scratch[n++] = v;
        }
        if (n == 0) {
            throw new InvalidEventException("features", "is empty");
        }
        if (dimension != 0 && n != dimension) {
            throw new InvalidEventException("features", "has " + n + " values, the model's input dimension is "
                    + dimension);
        }
        return Arrays.copyOf(scratch, n);
    }

    private float[] readHashed(JsonParser p) throws IOException, InvalidEventException {
        if (dimension == 0) {
            throw new InvalidEventException("features", "named features {\"name\": value} are hashed into the input "
                    + "dimension, which is not known yet: set --input-dim, or send a dense event first");
        }
        float[] x = new float[dimension];
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (++n > config.maxFeatures()) {
                throw new InvalidEventException("features", "has more than " + config.maxFeatures() + " entries");
            }
            float v = finiteFloat(p, t, name, -1);
            hasher.addTo(x, name, v);
        }
        if (n == 0) {
            throw new InvalidEventException("features", "is an empty object");
        }
        return x;
    }

    /**
     * One feature value as a finite float. The feature is {@code features.name} when {@code name} is not
     * null, else {@code features[index]}; its text is only built for a rejection (this runs per value).
     */
    private static String featureField(String name, int index) {
        return name != null ? "features." + cut(name) : "features[" + index + "]";
    }

    private static float finiteFloat(JsonParser p, JsonToken t, String name, int index)
            throws IOException, InvalidEventException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidEventException(featureField(name, index), "must be a finite number. Got: " + describe(t, p));
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw new InvalidEventException(featureField(name, index), "must be a finite number. Got: " + p.getText());
        }
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new InvalidEventException(featureField(name, index), "is out of the float range (about ±3.4e38). Got: "
                    + p.getText());
        }
        return f;
    }

    private static Double readLabel(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidEventException("label", "must be a number or null. Got: " + describe(t, p));
        }
        double y = p.getDoubleValue();
        if (!Double.isFinite(y)) {
            throw new InvalidEventException("label", "must be a finite number. Got: " + p.getText());
        }
        return y;
    }

    private static TaskType readType(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("type", "must be one of regression, binary, multiclass. Got: "
                    + describe(t, p));
        }
        String s = p.getText();
        for (TaskType type : TaskType.values()) {
            if (type.jsonName().equals(s)) {
                return type;
            }
        }
        throw new InvalidEventException("type", "must be one of regression, binary, multiclass. Got: " + quote(s));
    }

    private Integer readClasses(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new InvalidEventException("classes", "must be an integer from 2 to " + config.maxClasses() + ". Got: "
                    + describe(t, p));
        }
        if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 2
                || p.getIntValue() > config.maxClasses()) {
            throw new InvalidEventException("classes", "must be an integer from 2 to " + config.maxClasses() + ". Got: "
                    + p.getText());
        }
        return p.getIntValue();
    }

    private static Long readTimestamp(JsonParser p, JsonToken t) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidEventException("timestamp", "must be an integer (epoch milliseconds). Got: "
                    + describe(t, p));
        }
        long ts = p.getLongValue();
        if (ts < 0) {
            throw new InvalidEventException("timestamp", "may not be negative. Got: " + ts);
        }
        return ts;
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> cut(p.getText());
            default -> t.toString();
        };
    }

    private static String quote(String s) {
        return "\"" + cut(s) + "\"";
    }

    private static String cut(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }

}
