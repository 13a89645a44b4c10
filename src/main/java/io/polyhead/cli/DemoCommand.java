package io.polyhead.cli;

import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.PredictionJson;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.stream.PolyheadStreams;
import io.polyhead.stream.StreamOptions;
import io.polyhead.stream.client.EventProducer;
import io.polyhead.stream.client.OutputReader;
import io.polyhead.stream.client.RateLimiter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code polyhead demo}: everything in one process, with a live view. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The whole thing in one process: an embedded Kafka broker on 127.0.0.1:9092 (unless -b is given),",
            "the topics, the learner, and a synthetic producer whose tasks appear over time (one bad record in",
            "a thousand, to show the dead-letter topic). A live view shows events/s, tasks, each task's loss on",
            "its first events and now, and dead letters; a summary closes the run.",
            "",
            "While it runs, a second shell can produce its own events to polyhead.events on 127.0.0.1:9092 with",
            "any Kafka client and read their predictions on polyhead.predictions (see the README).",
            "",
            "Examples:",
            "  polyhead demo                     # until Ctrl-C",
            "  polyhead demo --events 20000      # a finite run, then the summary"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--events", paramLabel = "N", defaultValue = "0",
            description = "Produce N events, wait for their predictions, print the summary and stop; 0 (default) "
                    + "runs until Ctrl-C.")
    long events;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "2000",
            description = "Synthetic events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--generator", paramLabel = "NAME", defaultValue = "lowrank",
            description = "Synthetic stream: sinusoid, lowrank (default), hyperplane, unrelated.")
    String generator;

    @Option(names = "--tasks", paramLabel = "T", defaultValue = "30", description = "Tasks in all (default ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "8",
            description = "Features per synthetic event (default ${DEFAULT-VALUE}; sinusoid always has 1). Events you "
                    + "produce yourself must have as many.")
    int dim;

    @Option(names = "--new-task-every", paramLabel = "N", defaultValue = "1000",
            description = "A new task appears every N events (default ${DEFAULT-VALUE}), starting with 5.")
    int newTaskEvery;

    @Option(names = "--bad-every", paramLabel = "N", defaultValue = "1000",
            description = "Every Nth synthetic record is malformed, for the dead-letter topic (default ${DEFAULT-VALUE}; 0 none).")
    int badEvery;

    @Option(names = "--stream-seed", paramLabel = "S", defaultValue = "42", description = "Seed of the synthetic stream (--seed seeds the learner).")
    long seed;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "15", description = "Task rows in the live view.")
    int rows;

    @Option(names = "--fresh", description = "Start over: remove the broker data and the learner's state an earlier "
            + "demo left (--broker-data-dir, --state-dir) before starting. Without it a demo resumes from them.")
    boolean fresh;

    @Option(names = "--plain", description = "Print the view as plain lines every 5 s instead of refreshing in place.")
    boolean plain;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LearnerOptions learner;

    @Mixin
    StreamLayerOptions stream;

    PrintStream out = System.out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LearnerConfig config = learner.toConfig();
        Generators.Name name = GeneratorMixin.parseName(generator);
        GeneratorOptions genOptions = GeneratorOptions.defaults().withTasks(tasks).withSeed(seed)
                .withDim(name == Generators.Name.SINUSOID ? 0 : dim)
                .withNewTaskEvery(newTaskEvery, Math.min(5, tasks))
                .withKind(name == Generators.Name.HYPERPLANE ? TaskType.BINARY : TaskType.REGRESSION);
        StreamGenerator gen = Generators.create(name, genOptions);
        boolean live = !plain && System.console() != null;
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        long start = System.nanoTime();
        LiveView view = new LiveView();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        kafka.clientProperties(null); // a missing --kafka-config is named before the HTTP port is taken
        // Ctrl-C: ask the main thread to stop, and keep the JVM alive until it has printed the summary
        // and closed producer, learner and broker.
        try (GracefulStop ctrlC = new GracefulStop("polyhead-demo-shutdown", 60, () -> stopping.set(true));
                Observability observe = stream.observability(spec.commandLine());
                StreamRuntime runtime = new StreamRuntime()) {
            PolyheadCli.announceLogFile(out, "--log-file - shows them here");
            boolean resuming = !kafka.hasCluster() && earlierRun(fresh, out);
            runtime.connect(kafka, stream.brokerPort, stream.brokerDataDir, out);
            StreamOptions options = runtime.ensureTopics(stream.toStreamOptions(config.inputDim()), stream.partitions, out);
            out.printf(Locale.ROOT, "starting the learner (%.1f s): Kafka Streams joins its group, gets its %d "
                    + "partitions and opens their stores ...%n", (System.nanoTime() - start) / 1e9, options.partitions());
            PolyheadStreams app = runtime.startLearner(config, options, stream.applicationId, stream.stateDir,
                    stream.threads, stream.standbys, observe, out);
            out.printf(Locale.ROOT, "learner running on %s (%.1f s); producing %s events at %.0f/s (%s); the first "
                    + "seconds are slower (small batches, a cold JIT)%n", runtime.bootstrapServers(),
                    (System.nanoTime() - start) / 1e9, name.cliName(), rate, events > 0 ? events + " events" : "until Ctrl-C");
            if (observe.page() != null) {
                out.println("live page: " + observe.page() + " (Prometheus metrics: " + observe.page() + "metrics)");
            }
            if (resuming) {
                io.polyhead.observe.ModelView m = observe.watch().model();
                out.printf(Locale.ROOT, "resumed an earlier demo: model version %d, %d tasks known (their names are no "
                        + "longer new: --fresh starts over)%n", m.version(), m.liveTasks());
            }
            Thread watcher = watch(runtime.client(), options, view, stop, stopping);
            Properties client = runtime.client();
            long produced = 0;
            try (EventProducer producer = new EventProducer(client, options.eventsTopic(), true,
                    rate > 0 ? RateLimiter.perSecond(rate) : null)) {
                long lastRender = System.nanoTime(); // the first view once there is something to show
                while (!stopping.get() && (events == 0 || produced < events)) {
                    produced++;
                    if (badEvery > 0 && produced % badEvery == 0) {
                        producer.send(null, ("{\"task\": \"demo-bad\", \"features\": [NaN], \"id\": \"" + runId + "-"
                                + produced + "\"}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        Event e = gen.next();
                        producer.send(new Event(e.task(), runId + "-" + produced, e.features(), e.label(), e.type(),
                                e.classes(), null));
                    }
                    if (app.failure() != null) {
                        out.println("the learner stopped: " + app.failure());
                        return 1;
                    }
                    long now = System.nanoTime();
                    if (now - lastRender > (live ? 1_000_000_000L : 5_000_000_000L)) {
                        show(view, produced, live, now - start);
                        lastRender = now;
                    }
                }
                producer.flush();
                // A finite run waits for every output; a stopped one drains for a few seconds, then says what is left.
                if (events > 0 || stopping.get()) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    boolean announced = false;
                    while (view.predictions() + view.deadLetters() < produced && System.nanoTime() < deadline) {
                        if (stopping.get() && !announced) {
                            announced = true;
                            deadline = Math.min(deadline, System.nanoTime() + Duration.ofSeconds(10).toNanos());
                            out.println("stopping: waiting up to 10 s for the predictions of the events already produced");
                        }
                        Thread.sleep(200);
                        if (System.nanoTime() - lastRender > 1_000_000_000L) {
                            show(view, produced, live, System.nanoTime() - start);
                            lastRender = System.nanoTime();
                        }
                    }
                }
                if (live) {
                    show(view, produced, live, System.nanoTime() - start); // the final state, in place
                }
                view.summary(out, produced, (System.nanoTime() - start) / 1e9);
            } finally {
                stop.countDown();
                watcher.join(5000);
            }
        }
        return 0;
    }

    /**
     * With {@code fresh}, removes what an earlier demo left; otherwise says whether there is any. Returns
     * whether this demo resumes from an earlier one.
     */
    private boolean earlierRun(boolean fresh, PrintStream out) throws java.io.IOException {
        boolean earlier = nonEmpty(stream.brokerDataDir) || nonEmpty(stream.stateDir);
        if (earlier && fresh) {
            for (java.nio.file.Path d : List.of(stream.brokerDataDir, stream.stateDir)) {
                if (java.nio.file.Files.exists(d)) {
                    io.polyhead.stream.StateOwnership.delete(d);
                }
            }
            out.println("--fresh: removed " + stream.brokerDataDir + " and " + stream.stateDir);
            return false;
        }
        return earlier;
    }

    private static boolean nonEmpty(java.nio.file.Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return false;
        }
        try (var list = java.nio.file.Files.list(dir)) {
            return list.findAny().isPresent();
        }
    }

    private void show(LiveView view, long produced, boolean live, long elapsedNanos) {
        String text = view.render(rows, produced);
        if (live) {
            out.print("\033[H\033[2J" + text);
        } else {
            out.println(text.lines().limit(2).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
        out.flush();
    }

    /** Reads predictions and dead letters (read_committed, from their ends now) into the view. */
    private static Thread watch(Properties client, StreamOptions options, LiveView view, CountDownLatch stop,
                                AtomicBoolean stopping) {
        Properties p = OutputReader.consumerConfig(client, null, "latest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            // The end offsets are taken before anything is produced.
            OutputReader.assignAll(consumer, List.of(options.predictionsTopic(), options.deadLetterTopic()), false);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        Thread t = new Thread(() -> {
            try (consumer) {
                while (stop.getCount() > 0) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.topic().equals(options.predictionsTopic())) {
                            try {
                                view.prediction(PredictionJson.read(r.value()));
                            } catch (IllegalArgumentException e) {
                                // not a prediction: someone else writes to the topic; the view ignores it
                            }
                        } else {
                            view.deadLetter();
                        }
                    }
                }
            }
        }, "polyhead-demo-view");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
