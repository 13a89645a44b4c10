package io.polyhead.stream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A rejected input as it goes to the dead-letter topic: the reason, the field it names, where the
 * record came from, and the original key and value bytes — as text when they are valid UTF-8, and
 * always as base64 so that nothing is lost.
 */
public final class DeadLetter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private DeadLetter() {
    }

    /**
     * The dead letter's JSON.
     *
     * @param field  the offending field, {@code "$"} for the whole record. Never null.
     * @param reason the full reason. Never null.
     * @param topic  source topic, partition and offset (null/-1 when unknown)
     * @param key    the original key bytes. May be null.
     * @param value  the original value bytes. May be null.
     */
    public static byte[] json(String field, String reason, String topic, int partition, long offset, long timestamp,
                              byte[] key, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (value == null ? 0 : value.length * 2));
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("reason", reason);
            g.writeStringField("field", field);
            g.writeStringField("topic", topic);
            g.writeNumberField("partition", partition);
            g.writeNumberField("offset", offset);
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("key", key == null ? null : utf8OrNull(key));
            g.writeStringField("keyBase64", key == null ? null : Base64.getEncoder().encodeToString(key));
            g.writeStringField("value", value == null ? null : utf8OrNull(value));
            g.writeStringField("valueBase64", value == null ? null : Base64.getEncoder().encodeToString(value));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
