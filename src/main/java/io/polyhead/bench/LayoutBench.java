package io.polyhead.bench;

import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.Prediction;
import io.polyhead.event.PredictionJson;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.model.LearnerConfig;
import io.polyhead.topics.TopicAdmin;
import io.polyhead.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The shared model's quality by layout: the same events through {@code polyhead run} with a given number
 * of partitions and instances (each instance its own JVM, all with the same application id, on a broker
 * of their own), against {@code polyhead evaluate}'s driver (one learner) on the same events. The figures
 * are read from the prediction topic ({@code read_committed}) exactly as from evaluate's predictions.
 */
public final class LayoutBench {
    private LayoutBench() {
    }

    /**
     * What a run gave.
     *
     * @param secondHalf   mean loss over the predictions of the second half of the input
     * @param lateFirst10  mean over the late tasks (after the first {@code skip} to appear) of their first
     *                     10 labeled events' loss
     * @param predictions  predictions read
     * @param seconds      from the first event produced to the last prediction read (Kafka only)
     * @param versions     each instance's model version at the end (Kafka only)
     * @param drift        the largest replica drift any instance reported (Kafka only)
     * @param order        the run's order replayed without Kafka (Kafka only; else null)
     */
    public record Figures(double secondHalf, double lateFirst10, long predictions, double seconds, List<Long> versions,
                          double drift, OrderReplay order) {
        Figures withOrder(OrderReplay o) {
            return new Figures(secondHalf, lateFirst10, predictions, seconds, versions, drift, o);
        }

        public double eventsPerSecond() {
            return predictions / seconds;
        }
    }

    /** The streams of the shared-model issue, 20k events each. */
    public enum Stream {
        /** {@code generate sinusoid --tasks 60 --new-task-every 300 --initial-tasks 5 --seed 3}. */
        SINUSOID(5),
        /** {@code generate lowrank --tasks 100 --kind binary --seed 5}. */
        LOWRANK(50);

        private final int lateAfter;

        Stream(int lateAfter) {
            this.lateAfter = lateAfter;
        }

        /** Tasks count as late after this many have appeared. */
        public int lateAfter() {
            return lateAfter;
        }
    }

    /** The 20k events of a stream. */
    public static List<Event> events(Stream stream) {
        io.polyhead.eval.gen.GeneratorOptions o = stream == Stream.SINUSOID
                ? io.polyhead.eval.gen.GeneratorOptions.defaults().withTasks(60).withNewTaskEvery(300, 5).withSeed(3)
                : io.polyhead.eval.gen.GeneratorOptions.defaults().withTasks(100)
                        .withKind(io.polyhead.event.TaskType.BINARY).withSeed(5);
        io.polyhead.eval.gen.StreamGenerator gen = io.polyhead.eval.gen.Generators.create(stream == Stream.SINUSOID
                ? io.polyhead.eval.gen.Generators.Name.SINUSOID : io.polyhead.eval.gen.Generators.Name.LOWRANK, o);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            events.add(gen.next());
        }
        return events;
    }

    /** The same events without timestamps of their own: their records' times are all that orders them on Kafka. */
    public static List<Event> withoutTimestamps(List<Event> events) {
        List<Event> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(new Event(e.task(), e.id(), e.features(), e.label(), e.type(), e.classes(), null));
        }
        return out;
    }

    /** A line of figures: the run's against one learner's. */
    public static String describe(Figures kafka, Figures one) {
        return String.format(java.util.Locale.ROOT, "second half %.4f (evaluate %.4f, %.3fx), late tasks' first 10 %.4f "
                + "(evaluate %.4f, %.3fx), %d predictions in %.1f s (%.0f/s), model versions %s, largest drift %.4f",
                kafka.secondHalf(), one.secondHalf(), kafka.secondHalf() / one.secondHalf(), kafka.lateFirst10(),
                one.lateFirst10(), kafka.lateFirst10() / one.lateFirst10(), kafka.predictions(), kafka.seconds(),
                kafka.eventsPerSecond(), kafka.versions(), kafka.drift())
                + (kafka.order() == null ? "" : String.format(java.util.Locale.ROOT, "%n  its order replayed without Kafka, "
                + "one replica per partition in one process: as learned (%d batches, %d of them at a model version "
                + "another batch had too, median span %d stream events, %d partial%s; %s) "
                + "second half %.4f, late first 10 %.4f; the same partitions in the stream's order %.4f, %.4f",
                kafka.order().batches(), kafka.order().sharedVersions(), kafka.order().medianSpan(),
                kafka.order().partial().size(), kafka.order().partial().isEmpty() ? ""
                        : " (" + kafka.order().partial().stream().limit(5).map(Cut::toString)
                                .collect(java.util.stream.Collectors.joining(", ")) + ")",
                kafka.order().departsAt() < 0 ? "every prediction the run's own"
                        : "its predictions depart from the run's at batch " + (kafka.order().departsAt() + 1),
                kafka.order().asLearned().secondHalf(),
                kafka.order().asLearned().lateFirst10(), kafka.order().streamOrder().secondHalf(),
                kafka.order().streamOrder().lateFirst10()));
    }

    /**
     * One learner's figures over {@code seeds} (model seeds, nothing else changed): {@code first} is those of
     * {@code seeds[0]}, and {@code line} says how far they move — the reference's own spread, against which a
     * layout's distance from it is to be read.
     */
    public record SeedSpread(Figures first, String line) {
    }

    /** One learner with default settings but for the model seed, once per seed; see {@link SeedSpread}. */
    public static SeedSpread seedSpread(List<Event> events, int skip, long[] seeds) {
        double lo = Double.POSITIVE_INFINITY, hi = 0, sum = 0;
        double loLate = Double.POSITIVE_INFINITY, hiLate = 0;
        Figures first = null;
        for (long seed : seeds) {
            Figures f = evaluate(events, LearnerConfig.defaults().toBuilder().seed(seed).build(), skip);
            first = first == null ? f : first;
            lo = Math.min(lo, f.secondHalf());
            hi = Math.max(hi, f.secondHalf());
            sum += f.secondHalf();
            loLate = Math.min(loLate, f.lateFirst10());
            hiLate = Math.max(hiLate, f.lateFirst10());
        }
        return new SeedSpread(first, String.format(java.util.Locale.ROOT, "evaluate with model seeds %s: second half "
                + "%.4f-%.4f (mean %.4f), late tasks' first 10 %.4f-%.4f", java.util.Arrays.toString(seeds), lo, hi,
                sum / seeds.length, loLate, hiLate));
    }

    /** Where {@link #cutSpread} cuts one batch short, in stream events: early, as a live start does, and later. */
    public static final int[] CUTS = {7, 19, 45, 101, 150, 230, 333, 511, 777, 1000};

    /**
     * How far one learner's figures move when a single one of its batches is cut short (learned at event
     * {@code cut} of the stream with what waited then, every other batch full), once per cut: what a live
     * stream's linger does to a replica's batches, measured without Kafka. The line gives both figures' range
     * as multiples of {@code reference}'s (the uncut run's).
     */
    public static String cutSpread(List<Event> events, int skip, Figures reference, int[] cuts) {
        double lo = Double.POSITIVE_INFINITY, hi = 0, loLate = Double.POSITIVE_INFINITY, hiLate = 0;
        for (int cut : cuts) {
            Figures f = evaluate(events, LearnerConfig.defaults(), skip, cut);
            lo = Math.min(lo, f.secondHalf() / reference.secondHalf());
            hi = Math.max(hi, f.secondHalf() / reference.secondHalf());
            loLate = Math.min(loLate, f.lateFirst10() / reference.lateFirst10());
            hiLate = Math.max(hiLate, f.lateFirst10() / reference.lateFirst10());
        }
        return String.format(java.util.Locale.ROOT, "evaluate with one batch cut short (at event %s, one cut a run): "
                + "second half %.3fx-%.3fx, late tasks' first 10 %.3fx-%.3fx of its uncut figures",
                java.util.Arrays.stream(cuts).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(", ")),
                lo, hi, loLate, hiLate);
    }

    /** One learner over the events, as {@code polyhead evaluate} drives it. */
    public static Figures evaluate(List<Event> events, LearnerConfig config, int skip) {
        return evaluate(events, config, skip, -1);
    }

    /** As above, the batch that waits when event {@code cut} comes learned short of a full one (-1: none). */
    private static Figures evaluate(List<Event> events, LearnerConfig config, int skip, int cut) {
        List<Prediction> out = new ArrayList<>();
        PrequentialRun run = new PrequentialRun(new io.polyhead.model.MultiTaskLearner(config), new PrequentialMetrics(),
                out::add);
        for (int i = 0; i < events.size(); i++) {
            if (i == cut) {
                run.flush();
            }
            run.offer(events.get(i));
        }
        run.flush();
        return figures(events, out, skip, Double.NaN, List.of(), 0);
    }

    /**
     * The events through {@code instances} instances of {@code polyhead run} (default learner settings) on
     * a fresh embedded broker whose topics have {@code partitions} partitions. Events are produced without
     * keys (the learner re-keys them) once every instance owns its share of the stream tasks.
     */
    public static Figures onKafka(Path dir, List<Event> events, int partitions, int instances, int skip,
            Consumer<String> progress) throws Exception {
        return onKafka(dir, events, partitions, instances, skip, List.of(), progress);
    }

    /** As above, with {@code runArgs} added to every instance's {@code polyhead run} (say {@code --kafka-config F}). */
    public static Figures onKafka(Path dir, List<Event> events, int partitions, int instances, int skip,
            List<String> runArgs, Consumer<String> progress) throws Exception {
        return onKafka(dir, events, partitions, instances, skip, runArgs, 0, progress);
    }

    /**
     * As above, the events stamped {@code spacingMs} apart, the last one now (a stream that happened over time,
     * read as a backlog); 0 stamps each as it is sent (all within a few hundred milliseconds).
     */
    public static Figures onKafka(Path dir, List<Event> events, int partitions, int instances, int skip,
            List<String> runArgs, long spacingMs, Consumer<String> progress) throws Exception {
        Files.createDirectories(dir);
        try (io.polyhead.broker.EmbeddedKafkaBroker broker = io.polyhead.broker.EmbeddedKafkaBroker.builder()
                .dataDir(dir.resolve("broker")).build()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                TopicAdmin.ensure(admin, TopicCatalog.builtin().withPartitions(partitions));
            }
            List<InstanceProcess> running = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    List<String> args = new ArrayList<>(List.of("run", "-b", bootstrap,
                            "--state-dir", dir.resolve("state-" + i).toString(), "--application-id", "polyhead-layout",
                            "--status-every", "500ms", "--http-port", "0"));
                    args.addAll(runArgs);
                    running.add(InstanceProcess.start(dir.resolve("instance-" + i + ".log"), args.toArray(new String[0])));
                }
                awaitAssignment(running, partitions, progress); // one stream task per partition: validation and learning are one subtopology
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
                    consumer.poll(Duration.ofMillis(100));
                    long t0 = System.nanoTime();
                    produce(bootstrap, events, spacingMs);
                    List<Prediction> out = new ArrayList<>();
                    List<Integer> partitionOf = new ArrayList<>();
                    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    long lastProgress = System.nanoTime();
                    while (out.size() < events.size() && System.nanoTime() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            out.add(PredictionJson.read(r.value()));
                            partitionOf.add(r.partition());
                        }
                        if (System.nanoTime() - lastProgress > 5e9) {
                            lastProgress = System.nanoTime();
                            progress.accept("  " + out.size() + " of " + events.size() + " predictions");
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (out.size() < events.size()) {
                        throw new IllegalStateException("only " + out.size() + " of " + events.size()
                                + " predictions within 5 minutes; see " + dir);
                    }
                    Thread.sleep(2500); // the last contributions reach every instance, and a status line says so
                    List<Long> versions = new ArrayList<>();
                    double drift = 0;
                    for (InstanceProcess p : running) {
                        versions.add(p.modelVersion());
                        drift = Math.max(drift, p.drift());
                    }
                    return figures(events, out, skip, seconds, versions, drift)
                            .withOrder(replay(events, out, partitionOf, partitions, skip));
                }
            } finally {
                for (InstanceProcess p : running) {
                    p.stop();
                }
            }
        }
    }

    /** Waits until the instances together own every stream task, each its own share (3 minutes at most). */
    public static void awaitAssignment(List<InstanceProcess> running, int tasks, Consumer<String> progress)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            Set<String> owned = new HashSet<>();
            int total = 0;
            boolean everyone = true;
            for (InstanceProcess p : running) {
                if (!p.process().isAlive()) {
                    throw new IllegalStateException("an instance stopped: see " + p.log());
                }
                List<String> t = p.tasks();
                everyone &= !t.isEmpty();
                owned.addAll(t);
                total += t.size();
            }
            if (everyone && owned.size() == tasks && total == tasks) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the instances did not share the " + tasks + " stream tasks within 3 minutes");
    }

    private static void produce(String bootstrap, List<Event> events, long spacingMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: see EventProducer (a first batch to a new partition can be lost otherwise).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // The topic's metadata first: a cold producer sends its first record alone while it fetches it, and the
            // learner then learns that record alone after the linger (a cut batch, which moves sinusoid's figures).
            producer.partitionsFor(TopicCatalog.EVENTS);
            long first = System.currentTimeMillis() - spacingMs * (events.size() - 1);
            for (int i = 0; i < events.size(); i++) {
                Long stamp = spacingMs == 0 ? null : first + spacingMs * i;
                producer.send(new ProducerRecord<>(TopicCatalog.EVENTS, null, stamp, null, EventJson.toBytes(events.get(i))));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "layout-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(TopicCatalog.PREDICTIONS));
        return c;
    }

    /**
     * The figures of predictions for {@code events}, in any order: each prediction is matched to its
     * input by task and the task's event count (a task's events keep their order on any layout).
     */
    static Figures figures(List<Event> events, List<Prediction> predictions, int skip, double seconds, List<Long> versions,
            double drift) {
        Map<String, List<Integer>> indexOf = new LinkedHashMap<>();
        // Each event's rank among its task's labeled events (the first labeled is 0).
        int[] labeledRank = new int[events.size()];
        Map<String, Integer> labeledSoFar = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            indexOf.computeIfAbsent(e.task(), t -> new ArrayList<>()).add(i);
            labeledRank[i] = labeledSoFar.getOrDefault(e.task(), 0);
            if (e.labeled()) {
                labeledSoFar.merge(e.task(), 1, Integer::sum);
            }
        }
        Map<String, Integer> order = new HashMap<>();
        for (String task : indexOf.keySet()) {
            order.put(task, order.size());
        }
        double sum = 0;
        int n = 0;
        Map<String, double[]> early = new HashMap<>();
        Map<String, Integer> earlyCount = new HashMap<>();
        for (Prediction p : predictions) {
            if (!p.trained() || p.loss() == null) {
                continue;
            }
            int index = indexOf.get(p.task()).get((int) p.taskEvents() - 1);
            if (index >= events.size() / 2) {
                sum += p.loss();
                n++;
            }
            if (order.get(p.task()) >= skip) {
                double[] losses = early.computeIfAbsent(p.task(), t -> new double[10]);
                int k = labeledRank[index];
                if (k < 10) {
                    losses[k] = p.loss();
                    earlyCount.merge(p.task(), 1, Integer::sum);
                }
            }
        }
        double lateSum = 0;
        int late = 0;
        for (Map.Entry<String, double[]> e : early.entrySet()) {
            if (earlyCount.get(e.getKey()) == 10) {
                double s = 0;
                for (double v : e.getValue()) {
                    s += v;
                }
                lateSum += s / 10;
                late++;
            }
        }
        return new Figures(n == 0 ? Double.NaN : sum / n, late == 0 ? Double.NaN : lateSum / late, predictions.size(),
                seconds, versions, drift, null);
    }

    /**
     * What the order in which a Kafka run learned the events costs, measured without Kafka: the run's batches
     * (each partition's predictions with one model version) replayed in the order of their model versions, on
     * one replica per partition in one process (for one instance that is the order they were learned in, and
     * the replay gives the run's own figures); and the same tasks on the same replicas in batches of the run's
     * mean size taken in the stream's order, as {@code evaluate} reads it.
     *
     * @param asLearned     the replay in the run's order
     * @param streamOrder   the same partitions in the stream's order
     * @param batches       the run's batches
     * @param medianSpan    the median distance in the stream between a batch's first and last event
     * @param sharedVersions batches whose model version another batch (of another partition) had too: steps two
     *                      replicas took at once, each without the other's (0 when the replicas took turns)
     * @param departsAt     the first batch, in the order replayed, one of whose predictions differs from the run's
     *                      (relative difference of the loss over 1e-6); -1 when none does: the run learned exactly
     *                      as one process learning its batches in that order
     * @param partial       the batches short of a full one but the last of each partition, in the order learned
     *                      (where a run departed from evaluate's full batches)
     */
    public record OrderReplay(Figures asLearned, Figures streamOrder, int batches, int medianSpan, int sharedVersions,
                              int departsAt, List<Cut> partial) {
    }

    /** A batch learned short of a full one: {@code events} of them, the first at stream event {@code at}. */
    public record Cut(int events, int at) {
        @Override
        public String toString() {
            return events + " events at stream event " + at;
        }
    }

    /**
     * Replays a run ({@link OrderReplay}) from its predictions in the order they were read and the
     * partition of each.
     */
    static OrderReplay replay(List<Event> events, List<Prediction> predictions, List<Integer> partitionOf, int partitions,
            int skip) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            index.put(events.get(i).id(), i);
        }
        Map<String, List<Event>> batches = new LinkedHashMap<>();
        Map<String, Integer> batchPartition = new HashMap<>();
        Map<String, Integer> taskPartition = new HashMap<>();
        List<Integer> spans = new ArrayList<>();
        Map<String, int[]> range = new HashMap<>();
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            Integer at = index.get(p.id());
            if (at == null) {
                continue;
            }
            String key = partitionOf.get(i) + "/" + p.modelVersion();
            batches.computeIfAbsent(key, k -> new ArrayList<>()).add(events.get(at));
            batchPartition.put(key, partitionOf.get(i));
            taskPartition.put(p.task(), partitionOf.get(i));
            range.merge(key, new int[] {at, at}, (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        for (int[] r : range.values()) {
            spans.add(r[1] - r[0]);
        }
        java.util.Collections.sort(spans);
        List<Prediction> learned = new ArrayList<>();
        io.polyhead.eval.ReplicatedRun asLearned = new io.polyhead.eval.ReplicatedRun(LearnerConfig.defaults(), partitions,
                1, 1, taskPartition::get, new PrequentialMetrics(), learned::add);
        List<String> byVersion = new ArrayList<>(batches.keySet());
        byVersion.sort(java.util.Comparator.comparingLong(k -> Long.parseLong(k.substring(k.indexOf('/') + 1))));
        for (String key : byVersion) {
            asLearned.learnAsOneBatch(batchPartition.get(key), batches.get(key));
        }
        asLearned.flush();
        int departsAt = departure(byVersion, batches, predictions, learned);
        List<Cut> partial = new ArrayList<>();
        Map<Integer, String> lastOf = new HashMap<>();
        for (String key : byVersion) {
            lastOf.put(batchPartition.get(key), key);
        }
        for (String key : byVersion) {
            if (batches.get(key).size() < LearnerConfig.defaults().batchSize() && !key.equals(lastOf.get(batchPartition.get(key)))) {
                partial.add(new Cut(batches.get(key).size(), range.get(key)[0]));
            }
        }
        Map<String, Integer> perVersion = new HashMap<>();
        for (String key : byVersion) {
            perVersion.merge(key.substring(key.indexOf('/') + 1), 1, Integer::sum);
        }
        int shared = perVersion.values().stream().filter(n -> n > 1).mapToInt(Integer::intValue).sum();
        int size = Math.max(1, Math.round((float) predictions.size() / Math.max(1, batches.size())));
        List<Prediction> ordered = new ArrayList<>();
        io.polyhead.eval.ReplicatedRun inOrder = new io.polyhead.eval.ReplicatedRun(
                LearnerConfig.defaults().toBuilder().batchSize(size).build(), partitions, 1, 1,
                t -> taskPartition.getOrDefault(t, 0), new PrequentialMetrics(), ordered::add);
        events.forEach(inOrder::offer);
        inOrder.flush();
        return new OrderReplay(figures(events, learned, skip, Double.NaN, List.of(), 0),
                figures(events, ordered, skip, Double.NaN, List.of(), 0), batches.size(),
                spans.isEmpty() ? 0 : spans.get(spans.size() / 2), shared, departsAt, partial);
    }

    private static Map<String, Double> lossById(List<Prediction> predictions) {
        Map<String, Double> loss = new HashMap<>();
        for (Prediction p : predictions) {
            if (p.loss() != null) {
                loss.put(p.id(), p.loss());
            }
        }
        return loss;
    }

    /** The first of the batches (in {@code order}) whose replayed losses differ from the run's; -1 when none. */
    private static int departure(List<String> order, Map<String, List<Event>> batches, List<Prediction> run,
            List<Prediction> replayed) {
        Map<String, Double> replayLoss = lossById(replayed);
        Map<String, Double> runLoss = lossById(run);
        for (int b = 0; b < order.size(); b++) {
            for (Event e : batches.get(order.get(b))) {
                Double a = runLoss.get(e.id());
                Double r = replayLoss.get(e.id());
                if (a != null && r != null && Math.abs(a - r) > 1e-6 * Math.max(1e-3, Math.abs(a) + Math.abs(r))) {
                    return b;
                }
                if ((a == null) != (r == null)) {
                    return b;
                }
            }
        }
        return -1;
    }
}
