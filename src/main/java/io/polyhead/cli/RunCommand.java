package io.polyhead.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import io.polyhead.observe.ModelView;
import io.polyhead.stream.PolyheadStreams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.streams.ThreadMetadata;
import io.polyhead.stream.PolyheadStreams;
import io.polyhead.stream.StreamOptions;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code polyhead run}: the learner on Kafka until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the learner on Kafka: events in on polyhead.events, one prediction per accepted event out on",
            "polyhead.predictions, rejected inputs with their reason on polyhead.events.dlq. Exactly once: a crash",
            "neither loses an event nor learns one twice; a restart continues from the stored model.",
            "",
            "Without --bootstrap-server an embedded broker starts on 127.0.0.1:9092 (data in data/broker).",
            "Missing topics are created. Start more instances with the same --application-id to share the",
            "partitions. Ctrl-C stops cleanly.",
            "",
            "Examples:",
            "  polyhead run",
            "  polyhead run -b kafka:9092 --kafka-config client.properties --partitions 12"})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LearnerOptions learner;

    @Mixin
    StreamLayerOptions stream;

    @Option(names = "--status-every", paramLabel = "DURATION", converter = StreamLayerOptions.DurationConverter.class, defaultValue = "10s",
            description = "Print a status line this often (default ${DEFAULT-VALUE}); 0 for none.")
    java.time.Duration statusEvery;

    PrintStream out = System.out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LearnerConfig config = learner.toConfig();
        StreamOptions base = stream.toStreamOptions(config.inputDim());
        long statusMs = statusEvery.toMillis();
        kafka.clientProperties(null); // a missing --kafka-config is named before the HTTP port is taken
        CountDownLatch stop = new CountDownLatch(1);
        // Ctrl-C: ask the main thread to stop, and keep the JVM alive until it has closed everything.
        try (GracefulStop ctrlC = new GracefulStop("polyhead-shutdown", 60, stop::countDown);
                Observability observe = stream.observability(spec.commandLine());
                StreamRuntime runtime = new StreamRuntime()) {
            PolyheadCli.announceLogFile(out, "--log-file - shows them here");
            runtime.connect(kafka, stream.brokerPort, stream.brokerDataDir, out);
            StreamOptions options = runtime.ensureTopics(base, stream.partitions, out);
            PolyheadStreams app = runtime.startLearner(config, options, stream.applicationId, stream.stateDir,
                    stream.threads, stream.standbys, observe, out);
            out.printf(Locale.ROOT, "learning: %s -> %s (dead letters: %s); %s%n", options.eventsTopic(),
                    options.predictionsTopic(), options.deadLetterTopic(), config);
            if (observe.page() != null) {
                out.println("live page: " + observe.page() + " (Prometheus metrics: " + observe.page() + "metrics)");
            }
            out.println("running; Ctrl-C stops");
            Status status = new Status(observe.registry, observe.watch(), app, runtime.group());
            while (!stop.await(statusMs > 0 ? statusMs : 1000, TimeUnit.MILLISECONDS)) {
                if (app.failure() != null) {
                    out.println("stopped: " + app.failure());
                    return 1;
                }
                if (statusMs > 0) {
                    out.println(status.line());
                }
            }
            out.println("stopping ...");
        }
        out.println("stopped");
        return 0;
    }

    /**
     * One status line: predictions per second since the last line, dead letters, the partitions this
     * instance owns and the shared model's version (every replica's learning steps that reached it).
     */
    static final class Status {
        private final MeterRegistry registry;
        private final LearningWatch watch;
        private final PolyheadStreams app;
        private final ReplicaGroup group;
        private double lastPredictions;
        private long lastNanos = System.nanoTime();

        Status(MeterRegistry registry, LearningWatch watch, PolyheadStreams app, ReplicaGroup group) {
            this.registry = registry;
            this.watch = watch;
            this.app = app;
            this.group = group;
        }

        String line() {
            ModelView model = watch.model();
            double predictions = model.trained() + model.predictedOnly();
            double dead = registry.find("polyhead.dead.letters").counters().stream().mapToDouble(c -> c.count()).sum();
            long now = System.nanoTime();
            double rate = (predictions - lastPredictions) / ((now - lastNanos) / 1e9);
            lastPredictions = predictions;
            lastNanos = now;
            List<String> owned = new ArrayList<>();
            List<String> standby = new ArrayList<>();
            for (ThreadMetadata t : app.streams().metadataForLocalThreads()) {
                t.activeTasks().forEach(task -> owned.add(task.taskId().toString()));
                t.standbyTasks().forEach(task -> standby.add(task.taskId().toString()));
            }
            Collections.sort(owned);
            Collections.sort(standby);
            return String.format(Locale.ROOT, "predictions %.0f (%.0f/s), dead letters %.0f; tasks %s%s; model version %d "
                    + "(%d replicas, largest drift %.4f)%s", predictions, rate, dead, owned,
                    standby.isEmpty() ? "" : ", standby " + standby, group.board().modelVersion(), group.board().replicas(),
                    group.maxDrift(), group.waiting().isEmpty() ? "" : "; waiting for their batch " + group.waiting());
        }
    }
}
