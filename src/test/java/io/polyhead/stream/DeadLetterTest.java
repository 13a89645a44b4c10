package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A dead letter carries exactly the fields its published schema describes, and loses no byte. */
class DeadLetterTest {

    @Test
    void writesExactlyTheSchemasFieldsAndKeepsTheOriginalBytes() throws Exception {
        byte[] key = {(byte) 0xff, 'k'};
        byte[] value = {'{', (byte) 0xc3, (byte) 0x28}; // not UTF-8
        JsonNode letter = new ObjectMapper().readTree(DeadLetter.json("$", "$: not valid JSON", "polyhead.events",
                2, 41, 1000, key, value));
        JsonNode schema = new ObjectMapper().readTree(Path.of("topics/schemas/dead-letter.schema.json").toFile());
        Set<String> written = new TreeSet<>();
        letter.fieldNames().forEachRemaining(written::add);
        Set<String> described = new TreeSet<>();
        schema.get("properties").fieldNames().forEachRemaining(described::add);
        assertEquals(described, written);
        assertTrue(letter.get("value").isNull(), "not UTF-8: no text");
        assertEquals(Base64.getEncoder().encodeToString(value), letter.get("valueBase64").asText());
        assertEquals(Base64.getEncoder().encodeToString(key), letter.get("keyBase64").asText());
    }
}
