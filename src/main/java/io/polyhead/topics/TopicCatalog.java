package io.polyhead.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The topics Polyhead uses, each a {@link TopicDefinition}: read from a directory of
 * {@code NAME.json} files ({@link #load}) or from the copy of the project's {@code topics/} directory
 * in the jar ({@link #builtin}). Immutable; topics are kept in name order.
 *
 * <p>A catalog that holds both {@link #EVENTS} and {@link #EVENTS_BY_TASK} must give them the same
 * partition count: the re-keyed stream is co-partitioned with its input.
 */
public final class TopicCatalog {

    /** Input events, key = task id. */
    public static final String EVENTS = "polyhead.events";
    /**
     * Input events re-keyed by task, and the validate stage's progress marks: the learner's input. Same partition
     * count as {@link #EVENTS}.
     */
    public static final String EVENTS_BY_TASK = "polyhead.events.by-task";
    /** One prediction per accepted event, key = task id. */
    public static final String PREDICTIONS = "polyhead.predictions";
    /** Every rejected input record with its reason and original bytes. */
    public static final String DEAD_LETTERS = "polyhead.events.dlq";
    /** The shared model's replicas' contributions (compacted, one partition). */
    public static final String TRUNK_SYNC = "polyhead.trunk-sync";

    /** Where the definitions live on the class path (a copy of the project's {@code topics/}). */
    public static final String RESOURCE_DIR = "topics";
    /**
     * The file names of the definitions, one a line: a directory inside a jar cannot be listed, so
     * the jar carries this list. {@code TopicCatalogTest} checks it against the directory.
     */
    public static final String INDEX_FILE = "index.txt";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> FIELDS = Set.of("name", "description", "partitions", "replicationFactor", "configs");

    private final Map<String, TopicDefinition> topics;

    private TopicCatalog(Map<String, TopicDefinition> topics) {
        this.topics = topics;
    }

    /**
     * A catalog of the given topics.
     *
     * @throws IllegalArgumentException when two share a name, or when {@link #EVENTS} and
     *                                  {@link #EVENTS_BY_TASK} have different partition counts
     */
    public static TopicCatalog of(Collection<TopicDefinition> definitions) {
        Map<String, TopicDefinition> byName = new TreeMap<>();
        for (TopicDefinition d : definitions) {
            if (byName.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("topic " + d.name() + " is defined twice");
            }
        }
        TopicDefinition events = byName.get(EVENTS);
        TopicDefinition byTask = byName.get(EVENTS_BY_TASK);
        if (events != null && byTask != null && events.partitions() != byTask.partitions()) {
            throw new IllegalArgumentException(EVENTS_BY_TASK + " must have the same partition count as " + EVENTS
                    + " (the re-keyed stream is co-partitioned with its input). Got: " + byTask.partitions()
                    + " and " + events.partitions());
        }
        return new TopicCatalog(Collections.unmodifiableMap(byName));
    }

    /**
     * Reads every {@code *.json} file directly in {@code dir} (not its subdirectories, so
     * {@code schemas/} is left alone). Each file's name must be its topic's name plus ".json".
     *
     * @throws IOException              when the directory or a file cannot be read
     * @throws IllegalArgumentException when a file is not a valid definition; the message names the file
     */
    public static TopicCatalog load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("topic definitions directory " + dir + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no topic definitions (*.json) in " + dir);
        }
        List<TopicDefinition> definitions = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                definitions.add(parse(file.getFileName().toString(), file.toString(), in));
            }
        }
        return of(definitions);
    }

    /**
     * The definitions shipped in the jar: the project's {@code topics/} directory as it was at build
     * time, listed by {@code topics/index.txt}.
     *
     * @throws IllegalStateException when the index or a file it lists is missing from the class path
     */
    public static TopicCatalog builtin() {
        List<TopicDefinition> definitions = new ArrayList<>();
        for (String file : builtinIndex()) {
            String resource = RESOURCE_DIR + "/" + file;
            try (InputStream in = resource(resource)) {
                definitions.add(parse(file, "classpath:" + resource, in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath:" + resource, e);
            }
        }
        return of(definitions);
    }

    /** The file names listed in the class path's {@code topics/index.txt}, in their order. */
    public static List<String> builtinIndex() {
        String resource = RESOURCE_DIR + "/" + INDEX_FILE;
        try (InputStream in = resource(resource)) {
            return readIndex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath:" + resource, e);
        }
    }

    /** Reads an index: one file name a line; blank lines and lines starting with '#' are skipped. */
    static List<String> readIndex(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line);
            }
        }
        return names;
    }

    private static InputStream resource(String resource) {
        InputStream in = TopicCatalog.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("classpath:" + resource + " is missing: the build copies the project's "
                    + "topics/ directory into the jar (see pom.xml <resources>)");
        }
        return in;
    }

    /**
     * Parses one definition.
     *
     * @param fileName the file's name, which must be the topic's name plus ".json"
     * @param source   where it came from, for messages
     */
    static TopicDefinition parse(String fileName, String source, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                // A typo ("replication": 3) would otherwise be a silent default.
                throw new IllegalArgumentException(source + ": unknown field \"" + field + "\"; the fields are "
                        + String.join(", ", new TreeSet<>(FIELDS)));
            }
        }
        TopicDefinition definition;
        try {
            definition = new TopicDefinition(
                    text(root, "name", source),
                    root.has("description") ? text(root, "description", source) : "",
                    integer(root, "partitions", source),
                    integer(root, "replicationFactor", source),
                    configs(root, source));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        String expected = definition.name() + ".json";
        if (!fileName.equals(expected)) {
            throw new IllegalArgumentException(source + ": defines topic " + definition.name()
                    + ", so the file must be named " + expected);
        }
        return definition;
    }

    private static String text(JsonNode root, String field, String source) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(source + ": \"" + field + "\" must be a string. Got: " + n);
        }
        return n.textValue();
    }

    private static int integer(JsonNode root, String field, String source) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(source + ": \"" + field + "\" must be an integer. Got: " + n);
        }
        return n.intValue();
    }

    private static Map<String, String> configs(JsonNode root, String source) {
        JsonNode n = root.get("configs");
        if (n == null) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(source + ": \"configs\" must be an object {\"name\": \"value\"}. Got: " + n);
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            // Kafka configs are strings; a number or boolean written without quotes means the same.
            if (!v.isTextual() && !v.isIntegralNumber() && !v.isBoolean()) {
                throw new IllegalArgumentException(source + ": config \"" + e.getKey()
                        + "\" must be a string, an integer or a boolean. Got: " + v);
            }
            configs.put(e.getKey(), v.asText());
        }
        return configs;
    }

    /**
     * The definition of a topic.
     *
     * @throws IllegalArgumentException when the catalog has no such topic; the message lists those it has
     */
    public TopicDefinition get(String name) {
        TopicDefinition d = topics.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no topic " + name + " in the catalog; it has " + topics.keySet());
        }
        return d;
    }

    /** Whether the catalog defines this topic. */
    public boolean contains(String name) {
        return topics.containsKey(name);
    }

    /** Every definition, in name order. Never null; unmodifiable. */
    public List<TopicDefinition> all() {
        return List.copyOf(topics.values());
    }

    /** The same topics with {@code partitions} partitions each (e.g. 1 for single-partition tests). */
    public TopicCatalog withPartitions(int partitions) {
        // The sync topic keeps its one partition: it is read whole by every instance.
        return of(topics.values().stream().map(d -> d.name().equals(TRUNK_SYNC) ? d : d.withPartitions(partitions)).toList());
    }

    /** The same topics with another replication factor each (e.g. 3 on a production cluster). */
    public TopicCatalog withReplicationFactor(int replicationFactor) {
        return of(topics.values().stream().map(d -> d.withReplicationFactor(replicationFactor)).toList());
    }

    @Override
    public String toString() {
        return "TopicCatalog" + topics.keySet();
    }
}
