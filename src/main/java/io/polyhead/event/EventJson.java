package io.polyhead.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes an {@link Event} as one compact JSON object of the event contract: dense features (or
 * named ones, given their names), floats in their shortest form, null fields left out. What
 * {@code polyhead generate} and {@code produce} send.
 */
public final class EventJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            // Shortest round-tripping form, fast, and the same bytes on every JDK.
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private EventJson() {
    }

    /** The event as UTF-8 JSON bytes. */
    public static byte[] toBytes(Event e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 12 * e.dimension());
        write(e, out);
        return out.toByteArray();
    }

    /** The event as a JSON string. */
    public static String toJson(Event e) {
        return new String(toBytes(e), StandardCharsets.UTF_8);
    }

    /** Writes the event's JSON (no newline) to {@code out}, which is not closed. */
    public static void write(Event e, OutputStream out) {
        write(e, null, out);
    }

    /**
     * Writes the event's JSON (no newline) to {@code out}, which is not closed, with named features
     * {@code {"name": value, ...}} (which a parser hashes into its input dimension) when
     * {@code featureNames} is not null: one distinct name per feature, in the features' order.
     *
     * @throws IllegalArgumentException when there are not as many names as features
     */
    public static void write(Event e, List<String> featureNames, OutputStream out) {
        if (featureNames != null && featureNames.size() != e.dimension()) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + e.dimension()
                    + " features");
        }
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("task", e.task());
            if (e.id() != null) {
                g.writeStringField("id", e.id());
            }
            if (featureNames == null) {
                g.writeArrayFieldStart("features");
                for (int i = 0; i < e.dimension(); i++) {
                    g.writeNumber(e.feature(i));
                }
                g.writeEndArray();
            } else {
                g.writeObjectFieldStart("features");
                for (int i = 0; i < e.dimension(); i++) {
                    g.writeNumberField(featureNames.get(i), e.feature(i));
                }
                g.writeEndObject();
            }
            if (e.label() != null) {
                double y = e.label();
                if (y == Math.rint(y) && Math.abs(y) < 1e15) {
                    g.writeNumberField("label", (long) y);
                } else {
                    g.writeNumberField("label", y);
                }
            }
            if (e.type() != null) {
                g.writeStringField("type", e.type().jsonName());
            }
            if (e.classes() != null) {
                g.writeNumberField("classes", e.classes());
            }
            if (e.timestamp() != null) {
                g.writeNumberField("timestamp", e.timestamp());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
