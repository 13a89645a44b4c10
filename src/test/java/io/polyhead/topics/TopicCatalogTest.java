package io.polyhead.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic definitions as files: what the project ships, and what a bad file gets told. */
class TopicCatalogTest {

    /** Surefire runs in the project directory; this is the source of truth the jar copies. */
    private static final Path TOPICS_DIR = Path.of("topics");

    @Test
    void builtinHasTheFiveTopics() {
        TopicCatalog catalog = TopicCatalog.builtin();
        assertEquals(List.of(TopicCatalog.EVENTS, TopicCatalog.EVENTS_BY_TASK, TopicCatalog.DEAD_LETTERS,
                TopicCatalog.PREDICTIONS, TopicCatalog.TRUNK_SYNC), catalog.all().stream().map(TopicDefinition::name).toList());
        assertEquals("compact", catalog.get(TopicCatalog.TRUNK_SYNC).configs().get("cleanup.policy"));
        TopicDefinition events = catalog.get(TopicCatalog.EVENTS);
        assertEquals(4, events.partitions());
        assertEquals(1, events.replicationFactor());
        assertEquals("delete", events.configs().get("cleanup.policy"));
        assertEquals("604800000", events.configs().get("retention.ms"));
        TopicDefinition byTask = catalog.get(TopicCatalog.EVENTS_BY_TASK);
        assertEquals(events.partitions(), byTask.partitions());
        assertEquals("86400000", byTask.configs().get("retention.ms"));
        assertTrue(byTask.description().contains("same partition count as polyhead.events"), byTask.description());
        assertEquals(4, catalog.get(TopicCatalog.PREDICTIONS).partitions());
        assertEquals("2592000000", catalog.get(TopicCatalog.DEAD_LETTERS).configs().get("retention.ms"));
        for (TopicDefinition d : catalog.all()) {
            assertEquals(d.name().equals(TopicCatalog.TRUNK_SYNC) ? "compact" : "delete", d.configs().get("cleanup.policy"),
                    d.name());
            assertTrue(!d.description().isBlank(), d.name());
        }
    }

    @Test
    void theJarCopyIsTheDirectory() throws IOException {
        assertEquals(TopicCatalog.load(TOPICS_DIR).all(), TopicCatalog.builtin().all());
    }

    @Test
    void indexListsExactlyTheDefinitionFiles() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(TOPICS_DIR)) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> index;
        try (InputStream in = Files.newInputStream(TOPICS_DIR.resolve(TopicCatalog.INDEX_FILE))) {
            index = TopicCatalog.readIndex(in);
        }
        assertEquals(onDisk, new TreeSet<>(index), "topics/index.txt must list every topics/*.json, and only those");
        assertEquals(index.size(), Set.copyOf(index).size(), "no file listed twice: " + index);
        assertEquals(index, TopicCatalog.builtinIndex(), "the jar's index is the directory's");
    }

    @Test
    void schemasAreDraft2020JsonSchemas() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> required = Map.of(
                "event.schema.json", List.of("task", "features"),
                "prediction.schema.json", List.of("task", "type", "prediction", "score", "trained", "taskEvents",
                        "newTask", "modelVersion"),
                "dead-letter.schema.json", List.of("reason", "field", "topic", "partition", "offset", "timestamp",
                        "key", "keyBase64", "value", "valueBase64"));
        for (var e : required.entrySet()) {
            for (JsonNode schema : List.of(
                    json.readTree(TOPICS_DIR.resolve("schemas").resolve(e.getKey()).toFile()),
                    json.readTree(getClass().getClassLoader().getResource("topics/schemas/" + e.getKey())))) {
                assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText(), e.getKey());
                assertEquals("object", schema.get("type").asText(), e.getKey());
                List<String> listed = json.convertValue(schema.get("required"),
                        json.getTypeFactory().constructCollectionType(List.class, String.class));
                assertEquals(e.getValue(), listed, e.getKey());
                for (String field : listed) {
                    assertTrue(schema.get("properties").has(field), e.getKey() + " describes " + field);
                }
            }
        }
    }

    @Test
    void definitionsNameTheBadValue() {
        Map<String, String> configs = Map.of("cleanup.policy", "delete");
        assertMessage("has ' ' at position 8", () -> new TopicDefinition("polyhead events", "", 1, 1, configs));
        assertMessage("Got: \"\"", () -> new TopicDefinition("", "", 1, 1, configs));
        assertMessage("\"..\"", () -> new TopicDefinition("..", "", 1, 1, configs));
        assertMessage("at most 249 characters. Got 250", () -> new TopicDefinition("x".repeat(250), "", 1, 1, configs));
        assertMessage("partitions of t must be at least 1. Got: 0", () -> new TopicDefinition("t", "", 0, 1, configs));
        assertMessage("replicationFactor of t must be in [1, 32767]. Got: 0", () -> new TopicDefinition("t", "", 1, 0, configs));
        assertMessage("replicationFactor of t must be in [1, 32767]. Got: 40000",
                () -> new TopicDefinition("t", "", 1, 40_000, configs));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("retention.ms", null);
        assertMessage("config retention.ms of t may not be null", () -> new TopicDefinition("t", "", 1, 1, nullValue));
        assertThrows(UnsupportedOperationException.class,
                () -> new TopicDefinition("t", "", 1, 1, new LinkedHashMap<>(configs)).configs().put("a", "b"));
    }

    @Test
    void badFilesNameTheFileAndTheField(@TempDir Path dir) throws IOException {
        assertFileRejected(dir, "t.json", "{\"name\": \"t\", \"partitions\": 0, \"replicationFactor\": 1}",
                "t.json: partitions of t must be at least 1. Got: 0");
        assertFileRejected(dir, "t.json", "{\"name\": \"t\", \"partitions\": 1, \"replication\": 3}",
                "unknown field \"replication\"");
        assertFileRejected(dir, "t.json", "{\"name\": \"t\", \"partitions\": \"4\", \"replicationFactor\": 1}",
                "\"partitions\" must be an integer. Got: \"4\"");
        assertFileRejected(dir, "u.json", "{\"name\": \"t\", \"partitions\": 1, \"replicationFactor\": 1}",
                "defines topic t, so the file must be named t.json");
        assertFileRejected(dir, "t.json", "{\"name\": \"t\", \"partitions\": 1, \"replicationFactor\": 1, "
                + "\"configs\": {\"retention.ms\": [1]}}", "config \"retention.ms\" must be a string");
        assertFileRejected(dir, "t.json", "{\"name\": \"t\",", "t.json: not valid JSON");
    }

    @Test
    void unquotedConfigValuesAreKafkasStrings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("t.json"), "{\"name\": \"t\", \"description\": \"d\", \"partitions\": 2, "
                + "\"replicationFactor\": 1, \"configs\": {\"retention.ms\": 1000, \"unclean.leader.election.enable\": false}}");
        TopicDefinition t = TopicCatalog.load(dir).get("t");
        assertEquals(Map.of("retention.ms", "1000", "unclean.leader.election.enable", "false"), t.configs());
        assertEquals(2, t.toNewTopic().numPartitions());
    }

    @Test
    void eventsAndByTaskMustBeCoPartitioned(@TempDir Path dir) throws IOException {
        TopicDefinition events = TopicCatalog.builtin().get(TopicCatalog.EVENTS);
        TopicDefinition byTask = TopicCatalog.builtin().get(TopicCatalog.EVENTS_BY_TASK).withPartitions(2);
        assertMessage("polyhead.events.by-task must have the same partition count as polyhead.events",
                () -> TopicCatalog.of(List.of(events, byTask)));
        assertMessage("defined twice", () -> TopicCatalog.of(List.of(events, events)));
    }

    @Test
    void withPartitionsOverridesEveryTopicButTheSyncTopic() {
        TopicCatalog two = TopicCatalog.builtin().withPartitions(2);
        assertEquals(5, two.all().size());
        two.all().forEach(d -> assertEquals(d.name().equals(TopicCatalog.TRUNK_SYNC) ? 1 : 2, d.partitions(), d.name()));
        TopicCatalog one = TopicCatalog.builtin().withPartitions(1);
        assertEquals(TopicCatalog.builtin().get(TopicCatalog.EVENTS).configs(), one.get(TopicCatalog.EVENTS).configs());
        assertMessage("no topic nope in the catalog; it has [polyhead.events", () -> one.get("nope"));
    }

    private static void assertFileRejected(Path dir, String file, String content, String expected) throws IOException {
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(dir.resolve(file), content);
        assertMessage(expected, () -> TopicCatalog.load(dir));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }
}
