package io.polyhead.cli;

import io.polyhead.bench.CoreBench;
import io.polyhead.bench.JsonlBench;
import io.polyhead.bench.PeerComparison;
import io.polyhead.eval.gen.GeneratorOptions;
import io.polyhead.eval.gen.Generators;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyhead bench}: benchmarks that print figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (run them with OMP_NUM_THREADS=1; the polyhead launcher sets it).",
        subcommands = {BenchCommand.Core.class, BenchCommand.EndToEnd.class, BenchTrackingCommand.class,
            BenchMetaCommand.class, BenchRealCommand.class})
public final class BenchCommand implements Runnable {
    /**
     * Model seeds a benchmark repeats a run over to show how far a figure moves with the seed alone; the
     * default seed first.
     */
    static final long[] MODEL_SEEDS = {LearnerConfig.defaults().seed(), 1, 2, 3, 7};


    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code polyhead bench core}. */
    @Command(name = "core", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Times the learning core on the default model (input 64, trunk 128-128, 100 binary tasks of the",
                "lowrank family) with events already parsed, at batch 1, 32 and 256; then the same stream through",
                "the original design written with DL4J's ComputationGraph (shared dense layers, one output per task,",
                "labels masked for the other tasks, fit per mini-batch); then 'evaluate' reading the stream as JSONL.",
                "Prints events/s, microseconds per event and prequential loss of each, and the ratios.",
                "",
                "Example: ./polyhead bench core --events 200000"})
    static final class Core implements Callable<Integer> {
        @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
                description = "Events per timed run at batch 32 and 256 (default ${DEFAULT-VALUE}); batch 1 runs N/10.")
        int events;

        @Option(names = "--tasks", paramLabel = "T", defaultValue = "100", description = "Binary tasks (default ${DEFAULT-VALUE}).")
        int tasks;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of stream and models.")
        long seed;

        @Option(names = "--peer-events", paramLabel = "M", defaultValue = "20000",
                description = "Events for the side-by-side runs with the DL4J peer, which is slow (default ${DEFAULT-VALUE}).")
        int peerEvents;

        @Option(names = "--overhead-pairs", paramLabel = "K", defaultValue = "3",
                description = "Pairs of runs with the meta-learner on then off, per batch size; the overhead is the pair with the "
                        + "median ratio, so a noisy moment on a shared machine does not decide it (default ${DEFAULT-VALUE}).")
        int overheadPairs;

        @Option(names = "--skip-dl4j", description = "Leave out the DL4J peer.")
        boolean skipDl4j;

        PrintStream out = System.out;

        @Override
        public Integer call() throws Exception {
            if (overheadPairs < 1) {
                throw new IllegalArgumentException("--overhead-pairs must be at least 1. Got: " + overheadPairs);
            }
            StreamGenerator generator = Generators.create(Generators.Name.LOWRANK, GeneratorOptions.defaults()
                    .withTasks(tasks).withDim(64).withKind(TaskType.BINARY).withSeed(seed));
            List<Event> stream = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                stream.add(generator.next());
            }
            LearnerConfig base = LearnerConfig.defaults().toBuilder().inputDim(64).seed(seed).build();
            out.printf(Locale.ROOT, "stream: lowrank binary, %d tasks, input 64, %d events; OMP_NUM_THREADS=%s, %d cores%n",
                    tasks, events, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                    Runtime.getRuntime().availableProcessors());
            out.println("warming up (JIT, ND4J) ...");
            CoreBench.run("warm-up", base.toBuilder().batchSize(256).build(), stream.subList(0, Math.min(events, 50_000)));
            CoreBench.run("warm-up", base.toBuilder().batchSize(32).build(), stream.subList(0, Math.min(events, 20_000)));

            out.printf(Locale.ROOT, "%n%-24s %6s %10s %12s %10s %12s%n", "model", "batch", "events", "events/s", "us/event",
                    "loss (2nd half)");
            List<CoreBench.Result> core = new ArrayList<>();
            for (int bs : new int[] {1, 32, 256}) {
                List<Event> part = bs == 1 ? stream.subList(0, Math.max(1, events / 10)) : stream;
                CoreBench.Result r = CoreBench.run("polyhead shared", base.toBuilder().batchSize(bs).build(), part);
                core.add(r);
                print(r);
            }
            for (int i = 1; i < core.size(); i++) {
                int bs = core.get(i).batchSize();
                CoreBench.Result[][] pairs = new CoreBench.Result[overheadPairs][];
                for (int k = 0; k < overheadPairs; k++) {
                    pairs[k] = new CoreBench.Result[] {
                        CoreBench.run("  --meta on, pair", base.toBuilder().batchSize(bs).build(), stream),
                        CoreBench.run("  --meta off, pair", base.toBuilder().batchSize(bs).meta(false).build(), stream)};
                }
                Arrays.sort(pairs, java.util.Comparator.comparingDouble(Core::ratio));
                CoreBench.Result[] median = pairs[overheadPairs / 2];
                print(median[0]);
                print(median[1]);
                out.printf(Locale.ROOT, "  meta-learner overhead at batch %d: throughput with it on is %.0f%% of off "
                                + "(the median of %d alternating pairs, shown above; all %.0f%%-%.0f%%)%n", bs,
                        100 * ratio(median), overheadPairs, 100 * ratio(pairs[0]), 100 * ratio(pairs[overheadPairs - 1]));
            }
            for (int bs : new int[] {32, 256}) {
                CoreBench.Result[][] pairs = new CoreBench.Result[overheadPairs][];
                for (int k = 0; k < overheadPairs; k++) {
                    pairs[k] = new CoreBench.Result[] {
                        CoreBench.run("  metrics on, pair", base.toBuilder().batchSize(bs).build(), stream, true),
                        CoreBench.run("  metrics off, pair", base.toBuilder().batchSize(bs).build(), stream, false)};
                }
                Arrays.sort(pairs, java.util.Comparator.comparingDouble(Core::ratio));
                CoreBench.Result[] median = pairs[overheadPairs / 2];
                print(median[0]);
                print(median[1]);
                out.printf(Locale.ROOT, "  metrics overhead at batch %d (every batch through the watch and its Prometheus "
                                + "meters, a scrape every second): throughput with them is %.0f%% of without (median of %d "
                                + "pairs; all %.0f%%-%.0f%%)%n", bs, 100 * ratio(median), overheadPairs,
                        100 * ratio(pairs[0]), 100 * ratio(pairs[overheadPairs - 1]));
            }
            if (!skipDl4j) {
                List<Event> part = stream.subList(0, Math.min(events, peerEvents));
                out.printf(Locale.ROOT, "%nside by side with the DL4J peer on the first %d events:%n", part.size());
                List<String> ratios = new ArrayList<>();
                for (int bs : new int[] {32, 256}) {
                    LearnerConfig config = base.toBuilder().batchSize(bs).build();
                    CoreBench.Result ours = CoreBench.run("polyhead shared", config, part);
                    CoreBench.Result peer = PeerComparison.dl4j(config, part);
                    print(ours);
                    print(peer);
                    ratios.add(String.format(Locale.ROOT, "batch %3d: polyhead %.1fx the DL4J peer's events/s; "
                                    + "prequential loss %.4f vs %.4f (second half %.4f vs %.4f)", bs,
                            ours.eventsPerSecond() / peer.eventsPerSecond(), ours.meanLoss(), peer.meanLoss(),
                            ours.secondHalfLoss(), peer.secondHalfLoss()));
                }
                out.println();
                ratios.forEach(out::println);
            }
            JsonlBench.Result j = JsonlBench.run(base, stream);
            out.printf(Locale.ROOT, "%nevaluate reading a JSONL file (batch %d): %d events, %.0f events/s (write+parse alone: %.2f us/event)%n",
                    base.batchSize(), j.events(), j.eventsPerSecond(), j.parseMicrosPerEvent());
            return 0;
        }

        private static double ratio(CoreBench.Result[] onOff) {
            return onOff[0].eventsPerSecond() / onOff[1].eventsPerSecond();
        }

        private void print(CoreBench.Result r) {
            out.printf(Locale.ROOT, "%-24s %6d %10d %12.0f %10.2f %7.4f (%.4f)%n", r.name(), r.batchSize(), r.events(),
                    r.eventsPerSecond(), r.microsPerEvent(), r.meanLoss(), r.secondHalfLoss());
        }
    }

    /** {@code polyhead bench e2e}. */
    @Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "End to end on a real broker (an embedded one unless -b is given): N events are produced first;",
                "then the time for the learner topology to turn all of them into predictions, against a pass-through",
                "topology (same validation and re-keying, then parse and forward) on the same events; then the",
                "latency from event timestamp to prediction (p50, p99) at a steady offered load.",
                "",
                "With --instances N: the shared model by layout instead. The shared-model issue's two streams",
                "(sinusoid, 60 tasks arriving every 300 events; lowrank binary, 100 tasks; 20k events each, produced",
                "without keys) through N instances of 'polyhead run' (each its own JVM, one application id) on 4",
                "partitions, against evaluate's one learner on the same events: throughput, the loss over the second",
                "half and the late tasks' first-10 loss.",
                "",
                "Examples:",
                "  ./polyhead bench e2e --events 100000 --rate 5000",
                "  ./polyhead bench e2e --instances 2",
                "  ./polyhead bench e2e --instances 2 --no-event-timestamps"})
    static final class EndToEnd implements Callable<Integer> {
        /** Seconds of offered load before latencies count: the application's start (JIT, first transactions). */
        static final int WARMUP_SECONDS = 5;

        @Option(names = "--events", paramLabel = "N", defaultValue = "100000",
                description = "Events pre-produced for the throughput runs (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "5000",
                description = "Offered load for the latency run, events/s (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "20",
                description = "Length of the latency run (default ${DEFAULT-VALUE}).")
        int latencySeconds;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "4", description = "Partitions per topic.")
        int partitions;

        @Option(names = "--instances", paramLabel = "N", defaultValue = "0",
                description = "Compare the shared model on N instances (each its own JVM) with evaluate instead; 0 for "
                        + "the throughput and latency benchmark (default ${DEFAULT-VALUE}).")
        int instances;

        @Option(names = "--event-spacing", paramLabel = "MS", defaultValue = "0",
                description = "With --instances: stamp the records MS milliseconds apart, the last one now, as a stream "
                        + "that happened over time and is read as a backlog; 0 stamps each as it is sent, 20k records within "
                        + "a few hundred milliseconds (default ${DEFAULT-VALUE}). The events carry timestamps of their own, "
                        + "1 ms apart, and those order them; see --no-event-timestamps.")
        long eventSpacing;

        @Option(names = "--no-event-timestamps",
                description = "With --instances: produce the events without their own timestamps, so that only their "
                        + "records' order them, to the millisecond (as sent, up to a few hundred events share one).")
        boolean noEventTimestamps;

        @picocli.CommandLine.Mixin
        KafkaOptions kafka;

        PrintStream out = System.out;

        @Override
        public Integer call() throws Exception {
            if (instances < 0) {
                throw new UserErrors.UserError("--instances must be 0 or more. Got: " + instances);
            }
            if (eventSpacing < 0 || eventSpacing > 60_000) {
                throw new UserErrors.UserError("--event-spacing must be 0 to 60000 milliseconds. Got: " + eventSpacing);
            }
            if (eventSpacing > 0 && instances == 0) {
                throw new UserErrors.UserError("--event-spacing is used with --instances only");
            }
            if (noEventTimestamps && instances == 0) {
                throw new UserErrors.UserError("--no-event-timestamps is used with --instances only");
            }
            PolyheadCli.announceLogFile(out, "Kafka's clients, the embedded broker");
            if (instances > 0) {
                if (kafka.bootstrapServers != null) {
                    throw new UserErrors.UserError(
                            "-b is not used with --instances: each stream runs on an embedded broker of its own");
                }
                java.util.List<String> runArgs = new java.util.ArrayList<>();
                if (kafka.kafkaConfig != null) {
                    kafka.clientProperties(null); // a missing or unreadable file is a usage error here, not in an instance
                    runArgs.addAll(java.util.List.of("--kafka-config", kafka.kafkaConfig.toAbsolutePath().toString()));
                }
                return layouts(runArgs);
            }
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("polyhead-bench-e2e");
            io.polyhead.broker.EmbeddedKafkaBroker broker = null;
            try {
                java.util.Properties client = kafka.clientProperties(null);
                if (!client.containsKey("bootstrap.servers")) {
                    broker = io.polyhead.broker.EmbeddedKafkaBroker.builder().dataDir(dir.resolve("broker")).build();
                    broker.start();
                    client.setProperty("bootstrap.servers", broker.bootstrapServers());
                }
                String bootstrap = client.getProperty("bootstrap.servers");
                io.polyhead.bench.EndToEndBench bench = new io.polyhead.bench.EndToEndBench(client, dir, partitions);
                String run = "bench-" + Long.toHexString(System.nanoTime());
                GeneratorOptions gen = GeneratorOptions.defaults().withTasks(100).withDim(64)
                        .withKind(TaskType.BINARY).withSeed(42);
                LearnerConfig config = LearnerConfig.defaults();
                io.polyhead.stream.StreamOptions pass = bench.topics(run + ".events", run + ".pass");
                io.polyhead.stream.StreamOptions learn = bench.topics(run + ".events", run + ".learn");
                bench.createTopics(pass, true);
                bench.createTopics(learn, false);
                out.printf(Locale.ROOT, "broker %s, %d partitions, 1 stream thread, exactly_once_v2, batch %d; "
                        + "OMP_NUM_THREADS=%s%n", bootstrap, partitions, config.batchSize(),
                        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
                out.printf(Locale.ROOT, "producing %d lowrank binary events (100 tasks, input 64) ...%n", events);
                bench.produce(pass.eventsTopic(), Generators.create(Generators.Name.LOWRANK, gen), events);
                var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
                var p = bench.throughput("pass-through", io.polyhead.stream.PolyheadTopology.passThrough(pass, registry),
                        pass, events);
                out.printf(Locale.ROOT, "pass-through topology: %d events in %.2f s = %.0f events/s%n", p.events(),
                        p.seconds(), p.eventsPerSecond());
                var offGroup = new io.polyhead.model.ReplicaGroup();
                var l = bench.throughput("learner", io.polyhead.stream.PolyheadTopology.build(config, learn, registry,
                        offGroup, null, new io.polyhead.observe.LearningWatch(offGroup, 50)), learn, events);
                out.printf(Locale.ROOT, "learner topology:      %d events in %.2f s = %.0f events/s%n", l.events(),
                        l.seconds(), l.eventsPerSecond());
                out.printf(Locale.ROOT, "ratio learner / pass-through: %.2f%n", l.eventsPerSecond() / p.eventsPerSecond());
                io.polyhead.stream.StreamOptions metered = bench.topics(run + ".events", run + ".metered");
                bench.createTopics(metered, false);
                var m = metered(bench, config, metered);
                out.printf(Locale.ROOT, "learner with metrics:  %d events in %.2f s = %.0f events/s (Prometheus registry with "
                        + "Polyhead's, Kafka's and the JVM's meters, scraped every second): %.0f%% of the learner without%n",
                        m.events(), m.seconds(), m.eventsPerSecond(), 100 * m.eventsPerSecond() / l.eventsPerSecond());

                io.polyhead.stream.StreamOptions lat = bench.topics(run + ".latency.events", run + ".latency");
                bench.createTopics(lat, true);
                int n = (int) (rate * latencySeconds);
                out.printf(Locale.ROOT, "latency at %.0f events/s offered for %d s after a %d s warm-up ...%n", rate,
                        latencySeconds, WARMUP_SECONDS);
                var latency = bench.latency(config, lat, Generators.create(Generators.Name.LOWRANK, gen.withSeed(7)),
                        rate, n, (int) (rate * WARMUP_SECONDS));
                out.printf(Locale.ROOT, "latency event timestamp -> prediction (read_committed): p50 %.0f ms, p99 %.0f ms, "
                        + "max %.0f ms over %d predictions%n", latency.p50(), latency.p99(), latency.max(), latency.events());
                return 0;
            } finally {
                if (broker != null) {
                    broker.close();
                }
            }
        }

        /** The learner topology with every meter of {@code run} registered and scraped every second. */
        private io.polyhead.bench.EndToEndBench.Throughput metered(io.polyhead.bench.EndToEndBench bench,
                LearnerConfig config, io.polyhead.stream.StreamOptions options) throws Exception {
            try (Observability observe = new Observability("127.0.0.1", 0, io.polyhead.observe.LearningWatch.DEFAULT_TOP_TASKS)) {
                var group = new io.polyhead.model.ReplicaGroup();
                var watch = observe.watch(group);
                var scraper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
                scraper.scheduleAtFixedRate(() -> {
                    watch.refresh();
                    observe.registry.scrape();
                }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
                try {
                    return bench.throughput("learner, metrics on", io.polyhead.stream.PolyheadTopology.build(config, options,
                            observe.registry, group, null, watch), options, events, observe::bindKafka);
                } finally {
                    scraper.shutdownNow();
                }
            }
        }

        /** {@code --instances N}: both streams through N instances on 4 partitions, against evaluate. */
        private int layouts(java.util.List<String> runArgs) throws Exception {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("polyhead-bench-layout");
            out.printf(Locale.ROOT, "%d partitions on %d instance%s (each its own JVM), embedded broker, OMP_NUM_THREADS=%s, %s%n",
                    partitions, instances, instances == 1 ? "" : "s", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                    (eventSpacing == 0 ? "records stamped as sent" : "records stamped " + eventSpacing + " ms apart")
                            + (noEventTimestamps ? ", events without timestamps of their own" : ", events with timestamps of "
                                    + "their own 1 ms apart"));
            for (io.polyhead.bench.LayoutBench.Stream stream : io.polyhead.bench.LayoutBench.Stream.values()) {
                java.util.List<io.polyhead.event.Event> events = io.polyhead.bench.LayoutBench.events(stream);
                // The first seed is the default one: its figures are evaluate's, the reference of the layouts.
                var spread = io.polyhead.bench.LayoutBench.seedSpread(events, stream.lateAfter(), MODEL_SEEDS);
                var one = spread.first();
                out.printf(Locale.ROOT, "%s: %d events; %s; %s ...%n", stream.name().toLowerCase(Locale.ROOT), events.size(),
                        spread.line(), io.polyhead.bench.LayoutBench.cutSpread(events, stream.lateAfter(), one,
                                io.polyhead.bench.LayoutBench.CUTS));
                var kafka = io.polyhead.bench.LayoutBench.onKafka(dir.resolve(stream.name().toLowerCase(Locale.ROOT)),
                        noEventTimestamps ? io.polyhead.bench.LayoutBench.withoutTimestamps(events) : events, partitions, instances, stream.lateAfter(), runArgs, eventSpacing, out::println);
                out.printf(Locale.ROOT, "%s on %d instance%s: %s%n", stream.name().toLowerCase(Locale.ROOT), instances,
                        instances == 1 ? "" : "s", io.polyhead.bench.LayoutBench.describe(kafka, one));
            }
            io.polyhead.stream.StateOwnership.delete(dir); // brokers, state and instance logs; kept when a run fails
            return 0;
        }
    }
}
