package io.polyhead.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.model.TaskHead;
import io.polyhead.model.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * How the model learns, as the stream sees it: every batch's predictions go through here, and this is
 * what the meters, the HTTP API and the live page read. One per instance, shared by its stream tasks
 * (replicas); thread-safe. No Kafka in here.
 *
 * <p>Per-task meters are bounded: the {@code topTasks} busiest tasks (by events) get their own {@code task}
 * label, every other task is summed under {@value #OTHER_TASKS}; the choice is renewed at {@link #refresh}.
 * Every meter name keeps the same label keys, as Prometheus requires. The full per-task table is
 * {@link #tasks()}.
 */
public final class LearningWatch {
    /** Tasks with their own label by default. */
    public static final int DEFAULT_TOP_TASKS = 50;
    /** The label value of all tasks outside the busiest. */
    public static final String OTHER_TASKS = "_other";
    /** Predictions kept for the recent latency quantiles of {@link #model()}. */
    private static final int LATENCY_WINDOW = 2048;
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60)};
    /** A replica reports its parameter count at most this often (it walks every head). */
    private static final long PARAMETERS_EVERY_MS = 5000;

    private final ReplicaGroup group;
    private final int topTasks;
    private final Map<String, TaskWatch> tasks = new HashMap<>();
    private final Map<String, Long> startsTaken = new TreeMap<>();
    private final Map<String, Long> parameters = new HashMap<>();
    private final Map<String, Long> parametersAt = new HashMap<>();
    private final long[] latencyMs = new long[LATENCY_WINDOW];
    private int latencyCount;
    private int latencyNext;
    private long trained;
    private long arrived;
    private long evictedTasks;
    private long predictedOnly;
    private long trunkParameters;
    private double trunkRate = Double.NaN;

    private MeterRegistry registry;
    private Counter created;
    private Counter evicted;
    private DistributionSummary batchSize;
    private DistributionSummary early10;
    private DistributionSummary early20;
    private Timer batchTime;
    private Timer latency;
    private final Map<String, List<Meter>> taskMeters = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per label, the events and labels counters: real counters, so that a count never goes back. */
    private final Map<String, Counter[]> taskCounters = new java.util.concurrent.ConcurrentHashMap<>();
    /** Held while per-task meters are registered or removed, so that an eviction cannot slip in between. */
    private final Object metersLock = new Object();
    /** Tasks with their own label now (guarded by this, unlike {@link #taskMeters}). */
    private final Set<String> labelled = new HashSet<>();

    /**
     * @param group    the instance's replicas (model version, drift, events waiting, sync)
     * @param topTasks tasks with their own label in the meters, at least 0
     */
    public LearningWatch(ReplicaGroup group, int topTasks) {
        if (topTasks < 0) {
            throw new IllegalArgumentException("--metrics-top-tasks must be 0 or more. Got: " + topTasks);
        }
        this.group = group;
        this.topTasks = topTasks;
    }

    /** Registers the watch's meters; before it, the watch only keeps figures. Call once. */
    public synchronized LearningWatch bindTo(MeterRegistry r) {
        if (registry != null) {
            throw new IllegalStateException("the watch's meters are registered already");
        }
        registry = r;
        FunctionCounter.builder("polyhead.events", this, w -> w.count(true)).tag("outcome", "trained")
                .description("Events predicted, then learned from (they had a label)").register(r);
        FunctionCounter.builder("polyhead.events", this, w -> w.count(false)).tag("outcome", "predicted")
                .description("Events predicted only (no label)").register(r);
        created = Counter.builder("polyhead.tasks.arrived").description("Tasks that arrived (a head was made)")
                .register(r);
        evicted = Counter.builder("polyhead.tasks.evicted").description("Idle tasks evicted").register(r);
        gauge("polyhead.tasks.live", "Tasks this instance holds", w -> w.tasks.size());
        gauge("polyhead.model.version", "The shared model's version: learning steps of every replica it holds",
                w -> w.group.board().modelVersion());
        gauge("polyhead.model.parameters", "Trainable parameters: trunk and every head of this instance",
                LearningWatch::parameterCount);
        gauge("polyhead.trunk.learning.rate", "The trunk's learning rate in force", w -> w.trunkRate);
        gauge("polyhead.replicas", "Replicas (stream tasks, every instance's) the model is made of",
                w -> w.group.board().replicas());
        gauge("polyhead.replica.drift", "Largest relative distance of a replica's trunk from the shared one",
                w -> w.group.maxDrift());
        gauge("polyhead.sync.lag.seconds", "Seconds since the last contribution from another instance arrived "
                + "(NaN while alone)", w -> w.group.board().secondsSinceOthers());
        gauge("polyhead.pending.events", "Events waiting for their batch",
                w -> w.group.waiting().values().stream().mapToInt(Integer::intValue).sum());
        batchSize = DistributionSummary.builder("polyhead.batch.size").description("Events per learned batch")
                .register(r);
        batchTime = Timer.builder("polyhead.batch.learn").description("Time to predict and learn one batch")
                .register(r);
        latency = Timer.builder("polyhead.prediction.latency")
                .description("From an event's timestamp to its prediction").serviceLevelObjectives(LATENCY_BUCKETS)
                .register(r);
        early10 = DistributionSummary.builder("polyhead.new.task.loss").tag("window", "first10")
                .description("A new task's mean loss over its first labels").register(r);
        early20 = DistributionSummary.builder("polyhead.new.task.loss").tag("window", "first20")
                .description("A new task's mean loss over its first labels").register(r);
        registerTask(OTHER_TASKS);
        return this;
    }

    private void gauge(String name, String description, ToDoubleFunction<LearningWatch> f) {
        Gauge.builder(name, this, w -> {
            synchronized (w) {
                return f.applyAsDouble(w);
            }
        }).description(description).strongReference(true).register(registry);
    }

    /**
     * Records one learned batch of {@code replica}: {@code out.get(i)} answers {@code events.get(i)};
     * {@code learner} is read for the touched heads' rates and starts, so call this on the thread that
     * owns it.
     */
    public void batch(String replica, List<Event> events, List<Prediction> out, MultiTaskLearner learner,
                      long batchNanos) {
        long now = System.currentTimeMillis();
        List<String> started = new ArrayList<>();
        // Each event's latency once: into the recent window here, into the histogram below (outside the lock).
        long[] latencies = new long[events.size()];
        int measured = 0;
        for (Event e : events) {
            if (e.timestamp() != null && e.timestamp() > 0 && now >= e.timestamp()) {
                latencies[measured++] = now - e.timestamp();
            }
        }
        synchronized (this) {
            Set<String> touched = new HashSet<>();
            for (Prediction p : out) {
                TaskWatch w = tasks.computeIfAbsent(p.task(), TaskWatch::new);
                w.replica = replica;
                w.update(p, now);
                Counter[] counters = taskCounters.getOrDefault(p.task(), taskCounters.get(OTHER_TASKS));
                if (counters != null) {
                    counters[0].increment();
                    if (p.loss() != null) {
                        counters[1].increment();
                    }
                }
                touched.add(p.task());
                if (p.trained()) {
                    trained++;
                } else {
                    predictedOnly++;
                }
                if (p.newTask()) {
                    arrived++;
                    if (created != null) {
                        created.increment();
                    }
                }
                if (w.arrivedHere && p.loss() != null && early10 != null) {
                    long labels = w.metrics.labeled();
                    if (labels == 10) {
                        early10.record(w.metrics.first10Loss());
                    } else if (labels == 20) {
                        early20.record(w.metrics.first20Loss());
                    }
                }
            }
            for (String task : touched) {
                TaskHead h = learner.heads().get(task);
                TaskWatch w = tasks.get(task);
                if (h == null) {
                    continue; // a pooled model: one head per kind, not per task
                }
                w.headRate = h.trunkHead().meanRate();
                if (w.start == null && h.startTaken() != null) {
                    w.start = h.startTaken().jsonName();
                    if (w.arrivedHere) {
                        startsTaken.merge(w.start, 1L, Long::sum);
                        started.add(w.start);
                    }
                }
            }
            if (learner.trunkOptimizer() != null) {
                trunkRate = learner.trunkOptimizer().learningRate();
                trunkParameters = learner.trunk().parameterCount();
            }
            if (now - parametersAt.getOrDefault(replica, 0L) >= PARAMETERS_EVERY_MS) {
                parameters.put(replica, learner.parameterCount() - trunkParameters);
                parametersAt.put(replica, now);
            }
            for (int i = 0; i < measured; i++) {
                latencyMs[latencyNext] = latencies[i];
                latencyNext = (latencyNext + 1) % LATENCY_WINDOW;
            }
            latencyCount = Math.min(latencyCount + measured, LATENCY_WINDOW);
        }
        if (registry != null) {
            for (String start : started) {
                Counter.builder("polyhead.tasks.started").tag("start", start)
                        .description("New tasks by the start they took").register(registry).increment();
            }
            batchSize.record(out.size());
            batchTime.record(batchNanos, TimeUnit.NANOSECONDS);
            for (int i = 0; i < measured; i++) {
                latency.record(latencies[i], TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * A replica restored its tasks from the stores (a restart, or a partition that moved here): they are
     * listed at once, with the events and labels the model had counted, the head's rate and start. Their
     * losses start again from the next label (the stores keep the model, not its history).
     */
    public synchronized void restored(String replica, MultiTaskLearner learner) {
        for (Map.Entry<String, TaskState> e : learner.tasks().entrySet()) {
            if (tasks.containsKey(e.getKey())) {
                continue;
            }
            TaskWatch w = new TaskWatch(e.getKey());
            w.replica = replica;
            w.restoredEvents = e.getValue().events();
            w.restoredType = e.getValue().type();
            TaskHead h = learner.heads().get(e.getKey());
            if (h != null) {
                w.restoredLabels = h.trunkHead().labeledEvents();
                w.headRate = h.trunkHead().meanRate();
                w.start = h.startTaken() == null ? null : h.startTaken().jsonName();
            }
            w.lastSeenMs = e.getValue().lastSeen();
            tasks.put(e.getKey(), w);
        }
    }

    /** An idle task was evicted by its replica. */
    public void evicted(String task) {
        synchronized (metersLock) {
            synchronized (this) {
                tasks.remove(task);
                labelled.remove(task);
                evictedTasks++;
                if (evicted != null) {
                    evicted.increment();
                }
            }
            removeTaskMeters(task);
        }
    }

    /** A stream task left this instance (closed, moved): its tasks' figures go with it. */
    public synchronized void replicaClosed(String replica) {
        tasks.values().removeIf(w -> replica.equals(w.replica));
        parameters.remove(replica);
        parametersAt.remove(replica);
    }

    /**
     * Gives the busiest {@code topTasks} tasks their own meters and removes those of tasks that fell out;
     * call every few seconds (the HTTP server does).
     */
    public void refresh() {
        synchronized (metersLock) {
            List<String> gone = new ArrayList<>();
            List<String> come = new ArrayList<>();
            synchronized (this) {
                if (registry == null) {
                    return;
                }
                Set<String> top = new HashSet<>(busiest(topTasks));
                for (String task : labelled) {
                    if (!top.contains(task)) {
                        gone.add(task);
                    }
                }
                for (String task : top) {
                    if (!labelled.contains(task)) {
                        come.add(task);
                    }
                }
                labelled.removeAll(gone);
                labelled.addAll(come);
            }
            // Registering takes the registry's locks, and a scrape takes this watch's: never both at once. An
            // eviction waits for the meters lock, so a task evicted meanwhile is not registered after it left.
            gone.forEach(this::removeTaskMeters);
            for (String task : come) {
                boolean still;
                synchronized (this) {
                    still = labelled.contains(task);
                }
                if (still) {
                    registerTask(task);
                }
            }
        }
    }

    private List<String> busiest(int n) {
        return tasks.values().stream()
                .sorted(Comparator.comparingLong(TaskWatch::events).reversed()
                        .thenComparing(w -> w.metrics.task()))
                .limit(n).map(w -> w.metrics.task()).toList();
    }

    private void registerTask(String task) {
        List<Meter> meters = new ArrayList<>();
        meters.add(taskGauge(task, "polyhead.task.loss", "window", "recent", "Mean loss over the task's last 100 labels",
                TaskFigures::recentLoss));
        meters.add(taskGauge(task, "polyhead.task.loss", "window", "cumulative", "Mean loss over all the task's labels",
                TaskFigures::loss));
        meters.add(taskGauge(task, "polyhead.task.accuracy", "window", "recent", "Accuracy over the last 100 labels",
                TaskFigures::recentAccuracy));
        meters.add(taskGauge(task, "polyhead.task.accuracy", "window", "cumulative", "Accuracy over all labels",
                TaskFigures::accuracy));
        meters.add(taskGauge(task, "polyhead.task.head.learning.rate", null, null, "The head's learning rate in force",
                TaskFigures::headRate));
        // Counted from when the task got its label (before, its events counted under _other): each event once.
        Counter events = Counter.builder("polyhead.task.events").tag("task", task)
                .description("Events predicted, since the task has its own label").register(registry);
        Counter labels = Counter.builder("polyhead.task.labels").tag("task", task)
                .description("Labels learned from, since the task has its own label").register(registry);
        meters.add(events);
        meters.add(labels);
        taskMeters.put(task, meters);
        taskCounters.put(task, new Counter[] {events, labels});
    }

    private Meter taskGauge(String task, String name, String key, String value, String description,
                            ToDoubleFunction<TaskFigures> f) {
        Gauge.Builder<LearningWatch> b = Gauge.builder(name, this, w -> f.applyAsDouble(w.figures(task)))
                .tag("task", task).description(description).strongReference(true);
        if (key != null) {
            b.tag(key, value);
        }
        return b.register(registry);
    }

    private void removeTaskMeters(String task) {
        taskCounters.remove(task);
        List<Meter> meters = taskMeters.remove(task);
        if (meters != null && registry != null) {
            meters.forEach(registry::remove);
        }
    }

    /** The figures one label of the per-task meters shows: one task, or all outside the busiest summed. */
    private synchronized TaskFigures figures(String label) {
        if (!label.equals(OTHER_TASKS)) {
            TaskWatch w = tasks.get(label);
            return w == null ? TaskFigures.NONE : TaskFigures.of(w);
        }
        TaskFigures sum = new TaskFigures();
        for (TaskWatch w : tasks.values()) {
            if (!labelled.contains(w.metrics.task())) {
                sum.add(w);
            }
        }
        return sum;
    }

    private double count(boolean wasTrained) {
        synchronized (this) {
            return wasTrained ? trained : predictedOnly;
        }
    }

    private double parameterCount() {
        return trunkParameters + parameters.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every task this instance holds, busiest first. */
    public List<TaskView> tasks() {
        return tasks(Integer.MAX_VALUE);
    }

    /** The {@code limit} busiest tasks this instance holds, busiest first. */
    public synchronized List<TaskView> tasks(int limit) {
        List<TaskView> out = new ArrayList<>(Math.min(limit, tasks.size()));
        for (String task : busiest(limit)) {
            out.add(tasks.get(task).view());
        }
        return out;
    }

    /** One task, or null when this instance does not hold it. */
    public synchronized TaskView task(String id) {
        TaskWatch w = tasks.get(id);
        return w == null ? null : w.view();
    }

    /** The model as this instance sees it. */
    public synchronized ModelView model() {
        long[] recent = Arrays.copyOf(latencyMs, latencyCount);
        Arrays.sort(recent);
        double newTaskFirst10 = 0;
        int newTasks = 0;
        for (TaskWatch w : tasks.values()) {
            if (w.arrivedHere && w.metrics.hasAtLeast(10)) {
                newTaskFirst10 += w.metrics.first10Loss();
                newTasks++;
            }
        }
        return new ModelView(group.board().modelVersion(), group.board().replicas(), (long) parameterCount(),
                trunkParameters, TaskView.finite(trunkRate), tasks.size(), arrived, evictedTasks, Map.copyOf(startsTaken), trained, predictedOnly,
                newTasks == 0 ? null : newTaskFirst10 / newTasks, quantile(recent, 0.5), quantile(recent, 0.99),
                group.waiting().values().stream().mapToInt(Integer::intValue).sum(), TaskView.finite(group.maxDrift()),
                TaskView.finite(group.board().secondsSinceOthers()));
    }

    private static Double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1000.0;
    }

    /** Figures of one task or of many summed, for the meters. */
    private static final class TaskFigures {
        static final TaskFigures NONE = new TaskFigures();
        double lossSum;
        long lossLabels;
        double recentSum;
        long recentCount;
        double correct;
        long classified;
        double recentCorrect;
        long recentClassified;
        double rateSum;
        int rates;

        static TaskFigures of(TaskWatch w) {
            TaskFigures f = new TaskFigures();
            f.add(w);
            return f;
        }

        void add(TaskWatch w) {
            long l = w.metrics.labeled();
            if (l > 0) {
                lossSum += w.metrics.meanLoss() * l;
                lossLabels += l;
                recentSum += w.recentSum();
                recentCount += w.recentCount();
                if (!Double.isNaN(w.metrics.accuracy())) {
                    correct += w.metrics.accuracy() * l;
                    classified += l;
                    recentCorrect += w.recentAccuracy() * w.recentCount();
                    recentClassified += w.recentCount();
                }
            }
            if (!Double.isNaN(w.headRate)) {
                rateSum += w.headRate;
                rates++;
            }
        }

        double recentLoss() {
            return recentCount == 0 ? Double.NaN : recentSum / recentCount;
        }

        double loss() {
            return lossLabels == 0 ? Double.NaN : lossSum / lossLabels;
        }

        double accuracy() {
            return classified == 0 ? Double.NaN : correct / classified;
        }

        double recentAccuracy() {
            return recentClassified == 0 ? Double.NaN : recentCorrect / recentClassified;
        }

        double headRate() {
            return rates == 0 ? Double.NaN : rateSum / rates;
        }
    }
}
