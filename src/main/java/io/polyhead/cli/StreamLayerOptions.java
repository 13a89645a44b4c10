package io.polyhead.cli;

import io.polyhead.event.EventParser;
import io.polyhead.stream.StreamOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options of the stream layer shared by {@code run} and {@code demo}. */
final class StreamLayerOptions {

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "polyhead",
            description = "Kafka Streams application id: the consumer group, and the prefix of changelog topics "
                    + "(default ${DEFAULT-VALUE}). Instances with the same id share the work by partitions.")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "data/streams",
            description = "Local state (RocksDB stores of trunk, heads, waiting events); rebuilt from changelogs "
                    + "when lost (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Stream threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--standby-replicas", paramLabel = "N", defaultValue = "0",
            description = "Copies of each partition's stores kept warm on other instances, so that a survivor takes "
                    + "over a failed instance's partitions without restoring them first: 1 when you run more than one "
                    + "instance (default ${DEFAULT-VALUE}).")
    int standbys;

    @Option(names = "--sync-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "0",
            description = "While other instances run, least time between two contributions a partition's replica "
                    + "of the shared model sends them through polyhead.trunk-sync: 0 after every batch, which keeps "
                    + "them closest to one model, and which taking turns between instances needs; more saves bandwidth "
                    + "(about 36 bytes per trunk parameter each, the optimiser's state included). "
                    + "Within an instance replicas share after every batch (default ${DEFAULT-VALUE}).")
    Duration syncInterval;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5s",
            description = "Least time between two writes of a partition's model (trunk and the heads it touched) to "
                    + "its stores and their changelog topics (and after at most 10,000 events whatever the interval). Events learned in between stay in the pending store "
                    + "and are learned again from the last written model after a crash or a move, so each event is "
                    + "in the model once either way; shorter means less to learn again at a restore, longer means "
                    + "less changelog traffic (a 128-128 trunk entry is about 1.2 MB) (default ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of topics created because they were missing (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "20",
            description = "How long the oldest waiting event waits for its batch to fill (default ${DEFAULT-VALUE}).")
    long lingerMs;

    @Option(names = "--max-tasks", paramLabel = "N", defaultValue = "100000",
            description = "Live tasks per partition; events of further new tasks go to the dead-letter topic "
                    + "(default ${DEFAULT-VALUE}).")
    int maxTasks;

    @Option(names = "--task-ttl", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "7d",
            description = "Evict a task (its head) after this long without events, in event time: 30m, 12h, 7d; "
                    + "0 never (default ${DEFAULT-VALUE}).")
    Duration taskTtl;

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Larger input records go to the dead-letter topic (default ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = "--max-features", paramLabel = "N", defaultValue = "100000",
            description = "Bound on dense feature counts and named-feature entries (default ${DEFAULT-VALUE}).")
    int maxFeatures;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the embedded broker started when no --bootstrap-server is given (default "
                    + "${DEFAULT-VALUE}; a free one if taken).")
    int brokerPort;

    @Option(names = "--broker-data-dir", paramLabel = "DIR", defaultValue = "data/broker",
            description = "Data of the embedded broker (default ${DEFAULT-VALUE}); kept between runs.")
    Path brokerDataDir;

    /** Where the log lines go by default (see {@link PolyheadCli#routeLogs}). */
    static final String LOG_FILE = "data/polyhead.log";

    @Option(names = "--log-file", paramLabel = "FILE", defaultValue = LOG_FILE,
            description = "Log lines of Kafka's clients, the embedded broker and Polyhead's classes go here (default "
                    + "${DEFAULT-VALUE}, appended); - shows them on the terminal. The terminal keeps what the command "
                    + "prints: status, the live view, errors.")
    String logFile;

    /** Levels {@code --log-level} takes: slf4j-simple's. */
    enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            description = "Level of Kafka's log lines (clients, Kafka Streams, the embedded broker): error, warn, info, "
                    + "debug or trace (default ${DEFAULT-VALUE}). Polyhead's own classes log at info.")
    LogLevel logLevel;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "9309",
            description = "HTTP port of the live page, /metrics (Prometheus), /health and /api (default "
                    + "${DEFAULT-VALUE}; 0 for none). Each instance on one machine needs its own.")
    int httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the HTTP port listens on and that other instances reach it at (default "
                    + "${DEFAULT-VALUE}; 0.0.0.0 listens on all, in a container say).")
    String httpHost;

    @Option(names = "--metrics-top-tasks", paramLabel = "N", defaultValue = "50",
            description = "Tasks with their own label in the per-task meters, the busiest (default ${DEFAULT-VALUE}); "
                    + "the others are summed under task=\"_other\". /api/tasks has them all.")
    int topTasks;

    /** The registry, meters and HTTP port these options describe; a bad or taken port is a usage error. */
    Observability observability(CommandLine cl) {
        if (httpPort < 0 || httpPort > 65535) {
            throw new ParameterException(cl, "--http-port must be 0 to 65535. Got: " + httpPort);
        }
        if (topTasks < 0) {
            throw new ParameterException(cl, "--metrics-top-tasks must be 0 or more. Got: " + topTasks);
        }
        try {
            return new Observability(httpHost, httpPort, topTasks);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
    }

    /** The stream options these describe, with the learner's input dimension for the parser. */
    StreamOptions toStreamOptions(int inputDim) {
        EventParser.Config parser = EventParser.Config.defaults().withInputDim(inputDim)
                .withMaxRecordBytes(maxRecordBytes).withMaxFeatures(maxFeatures);
        return StreamOptions.defaults().withLinger(Duration.ofMillis(lingerMs)).withMaxTasks(maxTasks)
                .withTaskTtl(taskTtl).withParser(parser).withSyncIntervalMs(syncInterval.toMillis())
                .withCheckpointIntervalMs(checkpointInterval.toMillis());
    }

    /** Parses 0, 500ms, 30s, 30m, 12h, 7d. */
    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("0")) {
                return Duration.ZERO;
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("a duration is like 500ms, 30s, 30m, 12h, 7d or 0. Got: " + text);
    }

    /** Durations on the command line: a bad one is a usage error naming the option, not a stack trace. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.isNegative()) {
                throw new picocli.CommandLine.TypeConversionException("a duration may not be negative. Got: " + value);
            }
            return d;
        }
    }
}
