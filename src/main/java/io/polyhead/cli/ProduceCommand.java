package io.polyhead.cli;

import io.polyhead.eval.JsonlLines;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.stream.client.EventProducer;
import io.polyhead.stream.client.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code polyhead produce}: sends events to Kafka from a generator, a JSONL file or standard input. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Sends events of the contract to a Kafka topic: synthetic ones from a generator, or the lines "
                    + "of a JSONL file or of standard input, sent as they are (not re-serialised).",
            "",
            "Records: key = the event's task id (--key none: no key, which makes the learner re-key), "
                    + "value = the JSON, timestamp = now. A line that is not a valid event is still sent, "
                    + "without a key: rejecting it with a reason is the learner's job (its dead-letter topic). "
                    + "Such lines are counted.",
            "",
            "Progress on standard error every 2 s, a summary at the end. Exit code 1 when any send failed. "
                    + "Ctrl-C stops cleanly: what was sent is flushed first.",
            ""},
        footer = {
            "",
            "Examples:",
            "  polyhead broker --port 9092 &     # a broker, if there is none",
            "  polyhead produce lowrank -b 127.0.0.1:9092 --events 100000 --rate 5000",
            "  polyhead produce sinusoid -b 127.0.0.1:9092 --events 0 --tasks 60 \\",
            "      --new-task-every 800 --rate 200    # until Ctrl-C",
            "  polyhead produce s.jsonl -b 127.0.0.1:9092 --key none",
            "  polyhead produce letters.jsonl -b 127.0.0.1:9092 --input-dim 64   # named features",
            "  polyhead generate hyperplane --events 1000 | polyhead produce - -b 127.0.0.1:9092",
            "",
            "The topic must exist: 'polyhead topics' or kafka-topics.sh creates it.",
            "A file named like a generator is read as a file when written as ./NAME."})
public final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", defaultValue = "lowrank",
            description = "A generator (sinusoid, lowrank, hyperplane, unrelated), a JSONL file, "
                    + "or - for standard input (default ${DEFAULT-VALUE}).")
    String source;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", defaultValue = "polyhead.events",
            description = "Topic to send to (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "0",
            description = "Events per second; 0 (default) = as fast as the broker takes them.")
    double rate;

    @Option(names = "--events", paramLabel = "N",
            description = "Events to send. Generator: default 10000, 0 = until Ctrl-C. File: default all lines.")
    Long events;

    @Option(names = "--key", paramLabel = "task|none", defaultValue = "task",
            description = "Record key: task (default) = the event's task id; none = no key.")
    String key;

    @Option(names = "--input-dim", paramLabel = "D", defaultValue = "0",
            description = "File lines: the input dimension named features {\"name\": value} are hashed into when a "
                    + "line is checked for its task, as for 'run --input-dim' (generate table writes such lines); "
                    + "0 (default) takes it from the first dense event.")
    int inputDim;

    @Mixin
    GeneratorMixin generator;

    /** Where progress and the summary go; tests may replace it. */
    PrintWriter err;

    private final AtomicLong invalidLines = new AtomicLong();
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        err = err != null ? err : spec.commandLine().getErr();
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(),
                    "--rate must be 0 (as fast as possible) or a positive number of events per second. Got: " + rate);
        }
        if (events != null && events < 0) {
            throw new ParameterException(spec.commandLine(), "--events must be 0 or more. Got: " + events);
        }
        boolean keyed = switch (key) {
            case "task" -> true;
            case "none" -> false;
            default -> throw new ParameterException(spec.commandLine(),
                    "--key must be task or none. Got: " + key);
        };
        Generators.Name which = GeneratorMixin.parseName(source);
        StreamGenerator gen = null;
        if (which != null) {
            gen = generator.create(which);
        } else {
            String given = generator.firstGiven();
            if (given != null) {
                throw new ParameterException(spec.commandLine(), given + " applies to generator sources only; SOURCE \""
                        + source + "\" is a file");
            }
            if (!source.equals("-") && !Files.isReadable(Path.of(source))) {
                throw new ParameterException(spec.commandLine(), "SOURCE \"" + source + "\" is neither a generator "
                        + "(sinusoid, lowrank, hyperplane, unrelated), nor - (standard input), nor a readable file");
            }
        }
        if (inputDim < 0) {
            throw new ParameterException(spec.commandLine(), "--input-dim must be 0 or more. Got: " + inputDim);
        }
        Properties props = kafka.requireCluster(spec.commandLine());
        String problem = TopicCheck.problem(props, topic, 15_000);
        if (problem != null) {
            err.println(problem);
            err.flush();
            return 1;
        }

        long start = System.nanoTime();
        GracefulStop ctrlC = new GracefulStop("polyhead-produce-shutdown", 30, () -> stopRequested = true);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "polyhead-produce-progress");
            t.setDaemon(true);
            return t;
        });
        try (EventProducer producer = new EventProducer(props, topic, keyed, RateLimiter.perSecond(rate))) {
            long[] last = {start, 0};
            ticker.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long sent = producer.sent();
                double perSecond = (sent - last[1]) / ((now - last[0]) / 1e9);
                last[0] = now;
                last[1] = sent;
                err.printf(Locale.ROOT, "[%5.1fs] %d events sent, %.0f events/s, %d errors%n",
                        (now - start) / 1e9, sent, perSecond, producer.errors());
                err.flush();
            }, 2, 2, TimeUnit.SECONDS);
            try {
                if (gen != null) {
                    long n = events == null ? 10_000 : events;
                    for (long i = 0; (n == 0 || i < n) && !stopRequested; i++) {
                        producer.send(gen.next());
                    }
                } else {
                    sendLines(producer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.flush();
            ticker.shutdownNow();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "produced %d events to %s in %.1f s (%.0f events/s), %d errors%s%n",
                    producer.sent(), topic, seconds, producer.sent() / seconds, producer.errors(),
                    invalidLines.get() == 0 ? "" : ", " + invalidLines.get()
                            + " lines not valid events (sent without a key; the learner will reject them)");
            if (producer.firstError() != null) {
                err.println("first error: " + producer.firstError());
            }
            err.flush();
            return producer.errors() > 0 ? 1 : 0;
        } finally {
            ticker.shutdownNow();
            ctrlC.close();
        }
    }

    private void sendLines(EventProducer producer) throws IOException, InterruptedException {
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(inputDim));
        long max = events == null ? Long.MAX_VALUE : events;
        try (InputStream in = source.equals("-") ? System.in : Files.newInputStream(Path.of(source))) {
            JsonlLines lines = new JsonlLines(in);
            for (long i = 0; i < max && !stopRequested && lines.next(); i++) {
                byte[] value = lines.bytes();
                byte[] keyBytes;
                try {
                    // Parsed only for the key; the bytes go out as they came.
                    io.polyhead.event.Event event = parser.parse(value, null);
                    if (parser.dimension() == 0) {
                        parser.fixDimension(event.dimension()); // as the learner does with its first event
                    }
                    keyBytes = event.task().getBytes(StandardCharsets.UTF_8);
                } catch (InvalidEventException e) {
                    keyBytes = null;
                    if (invalidLines.incrementAndGet() <= 3) {
                        err.println("warning: line " + lines.lineNumber() + " is not a valid event ("
                                + e.getMessage() + "); sent without a key");
                        err.flush();
                    }
                }
                producer.send(keyBytes, value);
            }
        }
    }
}
