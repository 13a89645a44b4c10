package io.polyhead.cli;

import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.stream.client.OutputReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code polyhead tail}: prints the records of a topic as they arrive, predictions by default. */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prints the records of a topic as they arrive: the learner's predictions by default.",
            "",
            "Reads committed records only (isolation.level=read_committed), so it shows what the "
                    + "exactly-once learner committed, never an aborted transaction. Starts at the end of "
                    + "the topic unless --from-beginning. Runs until Ctrl-C, --max records, --timeout (in all) or --idle "
                    + "(without a record).",
            "",
            "Formats:",
            "  table  aligned columns: task, id, type, prediction, score, label, loss,",
            "         taskEvents, newTask; a value that is not a prediction follows '[raw]'",
            "  jsonl  each record value as it is, one per line (any topic: e.g. the DLQ)",
            ""},
        footer = {
            "",
            "Examples:",
            "  polyhead tail -b 127.0.0.1:9092",
            "  polyhead tail -b 127.0.0.1:9092 --task task-003 --task task-007",
            "  polyhead tail -b 127.0.0.1:9092 --from-beginning --format jsonl --max 1000",
            "  polyhead tail -b 127.0.0.1:9092 -t polyhead.events.dlq --from-beginning \\",
            "      --format jsonl --idle 5",
            "",
            "Without --group each run reads every partition directly (no consumer group) and commits nothing.",
            "With --group it commits, and a later run in that group resumes where this one",
            "stopped (--from-beginning then applies only when the group has no position)."})
public final class TailCommand implements Callable<Integer> {

    /** The table's header; rows use the same widths. */
    static final String TABLE_FORMAT = "%-20s %-14s %-10s %12s %10s %12s %10s %10s %-7s";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", defaultValue = "polyhead.predictions",
            description = "Topic to read (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the beginning of the topic instead of its end.")
    boolean fromBeginning;

    @Option(names = "--task", paramLabel = "ID",
            description = "Only records of this task (the record key, else the value's \"task\"); repeatable.")
    List<String> tasks;

    @Option(names = "--format", paramLabel = "table|jsonl", defaultValue = "table",
            description = "Output format: table (default) or jsonl.")
    String format;

    @Option(names = "--max", paramLabel = "N", description = "Stop after printing N records.")
    Long max;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Stop after SECONDS in all, whatever arrives (default: run until Ctrl-C).")
    Double timeout;

    @Option(names = "--idle", paramLabel = "SECONDS",
            description = "Stop after SECONDS without a record to print (default: wait for as long as it runs).")
    Double idle;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Consumer group; its position is committed. Default: none (every partition read directly), nothing committed.")
    String group;

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        boolean table = switch (format) {
            case "table" -> true;
            case "jsonl" -> false;
            default -> throw new ParameterException(spec.commandLine(), "--format must be table or jsonl. Got: " + format);
        };
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max must be 1 or more. Got: " + max);
        }
        if (timeout != null && !(timeout > 0)) {
            throw new ParameterException(spec.commandLine(), "--timeout must be a positive number of seconds. Got: "
                    + timeout);
        }
        if (idle != null && !(idle > 0)) {
            throw new ParameterException(spec.commandLine(), "--idle must be a positive number of seconds. Got: " + idle);
        }
        Set<String> only = tasks == null ? Set.of() : Set.copyOf(tasks);
        Properties props = kafka.requireCluster(spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String problem = TopicCheck.problem(props, topic, 15_000);
        if (problem != null) {
            err.println(problem);
            err.flush();
            return 1;
        }

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(props),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        GracefulStop ctrlC = new GracefulStop("polyhead-tail-shutdown", 10, () -> {
            stopping = true;
            consumer.wakeup();
        });
        long printed = 0;
        try {
            if (group == null) {
                OutputReader.assignAll(consumer, List.of(topic), fromBeginning);
            } else {
                consumer.subscribe(List.of(topic));
            }
            if (table) {
                out.println(String.format(Locale.ROOT, TABLE_FORMAT, "task", "id", "type", "prediction", "score",
                        "label", "loss", "taskEvents", "newTask").stripTrailing());
                out.flush();
            }
            long started = System.nanoTime();
            long lastPrint = started;
            // Positions of the records handled (printed or filtered out), so a named group commits
            // exactly those even when --max stops in the middle of a polled batch.
            Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
            while (!stopping && (max == null || printed < max)) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (max != null && printed >= max) {
                        break;
                    }
                    handled.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    if (!only.isEmpty() && !only.contains(taskOf(r))) {
                        continue;
                    }
                    out.println(table ? row(r.value()) : raw(r.value()));
                    printed++;
                    lastPrint = System.nanoTime();
                }
                out.flush();
                if (group != null && !handled.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(handled), null);
                }
                long now = System.nanoTime();
                if (timeout != null && (now - started) / 1e9 >= timeout || idle != null && (now - lastPrint) / 1e9 >= idle) {
                    if (printed == 0) {
                        // Say so: a run that printed nothing must not look like one that printed what there was.
                        err.printf(Locale.ROOT, "nothing on %s%s within %.3g s%s%n", topic,
                                only.isEmpty() ? "" : " for the tasks " + new java.util.TreeSet<>(only),
                                (now - started) / 1e9, fromBeginning ? "" : " (read from the end of the topic;"
                                        + " --from-beginning reads what is there already)");
                        err.flush();
                    }
                    break;
                }
            }
            if (group != null && !handled.isEmpty()) {
                consumer.commitSync(handled);
            }
        } catch (WakeupException e) {
            // Ctrl-C: stop quietly.
        } finally {
            out.flush();
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            ctrlC.close();
        }
        return 0;
    }

    private Properties consumerConfig(Properties clientProps) {
        // Predictions come from an exactly-once learner: show only what its transactions committed.
        Properties p = OutputReader.consumerConfig(clientProps, group, fromBeginning ? "earliest" : "latest");
        // Commits are made by hand, and only for a named group; without one nothing is left behind.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "polyhead-tail");
        return p;
    }

    /** The record's task: its key, else the value's "task" field. May be null. */
    private static String taskOf(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() != null) {
            return new String(r.key(), StandardCharsets.UTF_8);
        }
        if (r.value() == null) {
            return null;
        }
        try {
            return PredictionJson.read(r.value()).task();
        } catch (IllegalArgumentException notAPrediction) {
            return null;
        }
    }

    private static String raw(byte[] value) {
        return value == null ? "null" : new String(value, StandardCharsets.UTF_8);
    }

    /** One table row, or the raw value after a marker when it is not a prediction. */
    static String row(byte[] value) {
        Prediction p;
        try {
            if (value == null) {
                throw new IllegalArgumentException("null value");
            }
            p = PredictionJson.read(value);
        } catch (IllegalArgumentException e) {
            return "[raw] " + raw(value);
        }
        return String.format(Locale.ROOT, TABLE_FORMAT, p.task(), p.id() == null ? "-" : p.id(), p.type().jsonName(),
                num(p.prediction()), num(p.score()), p.label() == null ? "-" : num(p.label()),
                p.loss() == null ? "-" : num(p.loss()), p.taskEvents(), p.newTask()).stripTrailing();
    }

    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
