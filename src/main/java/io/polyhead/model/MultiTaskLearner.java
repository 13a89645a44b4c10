package io.polyhead.model;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.event.Rejection;
import io.polyhead.event.TaskType;
import io.polyhead.meta.HeadPrior;
import io.polyhead.meta.NewTaskStart;
import io.polyhead.meta.RateMixture;
import io.polyhead.optim.Adam;
import io.polyhead.optim.AutostepRate;
import io.polyhead.optim.HypergradientAdam;
import io.polyhead.optim.FixedRate;
import io.polyhead.optim.FollowedRate;
import io.polyhead.optim.HeadRate;
import io.polyhead.optim.NormalizedRate;
import io.polyhead.optim.Sgd;
import io.polyhead.optim.TrunkOptimizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * The multi-task learner: one {@link Trunk} shared by all tasks, one {@link Head} per task, learning
 * prequentially in micro-batches. This is the one implementation of the math; {@code evaluate}, the
 * benchmarks and the Kafka Streams processor all drive it.
 *
 * <p>Use: {@link #admit} each event (a rejection comes back as a reason, the event is then not to be
 * learned), collect admitted events into a batch and call {@link #learn}. Every prediction comes from the
 * trunk as it was before the batch and from heads that have learned every earlier label, those of the
 * same batch too; the trunk then takes one optimiser step on the batch's mean gradient.
 *
 * <p>Not thread-safe: one learner per thread (per Kafka Streams task).
 */
public final class MultiTaskLearner {
    private final LearnerConfig config;
    private int inputDim;
    private Standardizer scaler;
    private Trunk trunk;
    private TrunkOptimizer optimizer;
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final Map<String, TaskHead> heads = new LinkedHashMap<>();
    private long modelVersion;
    private long labeledEvents;
    private final Set<String> touched = new LinkedHashSet<>();
    private final Map<String, HeadPrior> priors = new HashMap<>();
    /** The labels of every regression task: what a regression task's own label scale is shrunk toward. */
    private final TargetScale labelScale = new TargetScale();
    private int maxTasks = Integer.MAX_VALUE;
    private long skippedTrunkSteps;
    private long headResets;
    /** The trunk's parameters before a step, to undo one that went non-finite. */
    private double[] paramsBackup;
    /** Whether this learner is one replica of a shared model ({@link #share}); its bookkeeping once built. */
    private ReplicaGroup group;
    private ReplicaShare share;
    /** The board's version when this replica last absorbed from it. */
    private long absorbedVersion = -1;

    /** A head joins the priors once it has learned from this many labeled events. */
    static final int ESTABLISHED = 50;
    /**
     * The meta-learner's trunk rate: hypergradient step 0.1 down and 0.3 up (at most -10% / +35% per
     * learning step) against a trace of past directions decaying by 0.99, kept in [1e-6, 0.01].
     * Measured on lowrank and sinusoid from starts 1e-4..1, seeds 1-3 (`polyhead bench meta`): β 0.02
     * was too slow to climb from 1e-4; without the trace the rate settled near 1e-3, below what learns
     * fastest; with a symmetric β 0.1 a start of 1e-4 was still climbing after 10k events (lowrank 1.57x
     * the best fixed rate), a symmetric β 0.3 climbed but then annealed too fast (lowrank 1.2x); rates
     * above 0.01 damaged the sinusoid trunk before they could come down (1.22x). A long streak of
     * positive cosines makes the rise up to 3x faster again ({@link HypergradientAdam#withStreakBoost}):
     * without it lowrank from 1e-4 was 1.24x the best fixed rate on stream seed 2; a rise factor of 5
     * instead fixed that too but cost the letters stream 7% (0.2049 -> 0.2189), the streak boost 1%.
     */
    static final double TRUNK_HYPER_RATE = 0.1;
    static final double TRUNK_STREAK_BOOST = 3;
    static final double TRUNK_RISE_FACTOR = 3;
    static final double TRUNK_TRACE = 0.99;
    static final double TRUNK_MIN_RATE = 1e-6;
    static final double TRUNK_MAX_RATE = 0.01;

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }


    public MultiTaskLearner(LearnerConfig config) {
        this(config, null);
    }

    /**
     * A learner that is one replica of a shared model, in {@code group} with the replicas of its process:
     * it keeps its own part of the model apart ({@link #contribution}) from what it takes from the other
     * replicas ({@link #absorb}), and steps the trunk with the group's optimiser. What a learner restored
     * from state written without a group had learned counts as its own.
     *
     * @param group null for a learner on its own
     */
    public MultiTaskLearner(LearnerConfig config, ReplicaGroup group) {
        this.config = config;
        this.group = group;
        if (config.inputDim() > 0) {
            build(config.inputDim());
        }
    }

    private void build(int dim) {
        this.inputDim = dim;
        this.scaler = new Standardizer(dim, config.standardize());
        this.trunk = new Trunk(dim, config.effectiveHidden(), config.dataType(), config.seed());
        this.optimizer = newTrunkOptimizer();
        if (group != null) {
            optimizer = group.adopt(optimizer);
            startSharing();
        }
    }

    private void startSharing() {
        double[] initial = new Trunk(inputDim, config.effectiveHidden(), config.dataType(), config.seed()).params();
        share = new ReplicaShare(initial, scaler.copy(), labelScale.copy());
        double[] params = trunk.params();
        share.addStep(params, initial);
    }

    /**
     * Brings this replica up to date with its group's board when the board changed since it last did
     * ({@link #absorb}); then learn, then {@link #publish}. Call both under the group's lock.
     */
    public void absorbIfChanged(String self) {
        ReplicaBoard board = group.board();
        long v = board.version();
        if (v != absorbedVersion && share != null) {
            absorbedVersion = v;
            absorb(board.latest(), self);
        }
    }

    /** Offers this replica's contribution to its group's board; returns it (null before the trunk is built). */
    public Contribution publish(String self) {
        group.stepped(version());
        Contribution c = contribution(self);
        if (c != null) {
            group.board().offerOwn(c);
            // Its own offer is no news to itself.
            if (absorbedVersion == group.board().version() - 1) {
                absorbedVersion = group.board().version();
            }
        }
        return c;
    }

    /**
     * This replica's contribution to the shared model: everything it learned itself, as a whole (see
     * {@link Contribution}). Null while the input dimension is unknown.
     *
     * @throws IllegalStateException when the learner does not {@link #share}
     */
    public Contribution contribution(String replica) {
        if (group == null) {
            throw new IllegalStateException("this learner is not a replica of a shared model");
        }
        if (share == null) {
            return null;
        }
        float[] delta = new float[share.own.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = (float) share.own[i];
        }
        Map<String, Map<String, double[]>> established = new LinkedHashMap<>();
        priors.forEach((shape, prior) -> established.put(shape, new LinkedHashMap<>(prior.heads())));
        // The latest EVIDENCE_TASKS heads of each kind that chose a start, in one pass; only those are copied.
        Map<TaskType, java.util.ArrayDeque<TaskHead>> latestStarts = new java.util.EnumMap<>(TaskType.class);
        for (TaskHead th : heads.values()) {
            if (th.trunkHead().outputs() == 1 && th.hasStartLosses()) {
                java.util.ArrayDeque<TaskHead> q = latestStarts.computeIfAbsent(th.trunkHead().type(),
                        t -> new java.util.ArrayDeque<>());
                q.addLast(th);
                if (q.size() > NewTaskStart.EVIDENCE_TASKS) {
                    q.removeFirst();
                }
            }
        }
        Map<TaskType, List<double[]>> starts = new java.util.EnumMap<>(TaskType.class);
        latestStarts.forEach((type, q) -> starts.put(type, q.stream().map(TaskHead::startLosses).toList()));
        return new Contribution(replica, group.name(), share.generation, modelVersion, delta, share.ownFeatures.copy(),
                share.ownLabels.copy(), established, starts, null);
    }

    /**
     * Takes the other replicas' latest contributions: the trunk becomes the initial trunk plus every
     * replica's own steps, the stream's feature and label moments those of every replica's events, and
     * new tasks start from every replica's heads. Contributions of this replica or of another shape are
     * skipped (the board holds only finite ones).
     */
    private void absorb(Collection<Contribution> latest, String self) {
        share.absorb(latest, self, trunk.params(), scaler, labelScale, modelVersion >= ReplicaShare.DRIFT_AFTER);
        OptimizerState newest = null;
        for (Contribution c : latest) {
            OptimizerState s = c.optimizer();
            // Only another process's, of a replica not this process's own (a restart's earlier self), and of a
            // trunk of this one's shape (a state of another shape would not fit the moments).
            if (s != null && !c.origin().equals(group.name()) && !group.isMember(c.replica())
                    && c.trunkDelta().length == trunk.params().length
                    && (newest == null || s.version() > newest.version())) {
                newest = s;
            }
        }
        group.adoptNewer(newest);
    }

    /**
     * The model's version, which only grows: its learning steps, plus, for a replica of a shared model,
     * the other replicas' steps it has absorbed.
     */
    public long version() {
        return modelVersion + (share == null ? 0 : share.otherSteps);
    }

    /**
     * The largest distance seen at an {@link #absorb} between this replica's trunk and the shared trunk it
     * took, relative to the shared trunk's distance from its start (0 unless it {@link #share}s).
     */
    public double replicaDrift() {
        return share == null ? 0 : share.maxDrift;
    }

    /** Other replicas whose contributions the model holds (0 unless it {@link #share}s). */
    public int replicasAbsorbed() {
        return share == null ? 0 : share.replicasKnown();
    }

    /** Counts everything the learner holds as its own part (a learner that did not share until now). */
    void restartShare() {
        if (share != null) {
            startSharing();
        }
    }

    ReplicaShare replicaShare() {
        return share;
    }

    public LearnerConfig config() {
        return config;
    }

    /** The input dimension, or 0 while no event has fixed it. */
    public int inputDim() {
        return inputDim;
    }

    /** Learning steps taken (batches with at least one label). */
    public long modelVersion() {
        return modelVersion;
    }

    /** Labeled events learned from. */
    public long labeledEvents() {
        return labeledEvents;
    }

    /** The trunk, or null while the input dimension is unknown. */
    public Trunk trunk() {
        return trunk;
    }

    /** The trunk's optimiser, or null while the input dimension is unknown. */
    public TrunkOptimizer trunkOptimizer() {
        return optimizer;
    }

    private TrunkOptimizer newTrunkOptimizer() {
        return switch (config.trunkOptimizer()) {
            // With the meta-learner the trunk's rate adapts: hypergradient descent on Adam.
            case ADAM -> config.meta() ? new HypergradientAdam(clamp(config.trunkRate(), TRUNK_MIN_RATE, TRUNK_MAX_RATE),
                    TRUNK_HYPER_RATE, TRUNK_MIN_RATE, TRUNK_MAX_RATE,
                    HypergradientAdam.DEFAULT_MAX_GRAD_NORM).withTrace(TRUNK_TRACE).withRiseFactor(TRUNK_RISE_FACTOR)
                    .withStreakBoost(TRUNK_STREAK_BOOST) : new Adam(config.trunkRate());
            case SGD -> new Sgd(config.trunkRate());
        };
    }

    /**
     * Reads the trunk optimiser's stored state ({@link TrunkOptimizer#writeState}) into the optimiser, unless it
     * is a group's that already moved (another replica of the process stepped it, or it took another process's
     * state): a partition that moves into a running process brings an older state, which must not replace the
     * live one (the stored state is read all the same, and left).
     */
    void restoreTrunkOptimizer(java.io.DataInput in) throws java.io.IOException {
        if (group != null && group.optimizerMoved()) {
            newTrunkOptimizer().readState(in);
        } else {
            optimizer.readState(in);
        }
    }

    /** The scale of all regression tasks' labels together. Never null. */
    public TargetScale labelScale() {
        return labelScale;
    }

    /** The feature standardiser, or null while the input dimension is unknown. */
    public Standardizer standardizer() {
        return scaler;
    }

    /** Known tasks in order of first appearance (read-only view). */
    public Map<String, TaskState> tasks() {
        return Collections.unmodifiableMap(tasks);
    }

    /** Heads by head key (the task id; for {@code pooled} one key per head kind). Read-only view. */
    public Map<String, TaskHead> heads() {
        return Collections.unmodifiableMap(heads);
    }

    /** Trainable parameters: the trunk's and every head's (trunk head and local head), one copy of each. */
    public long parameterCount() {
        long n = trunk == null ? 0 : trunk.parameterCount();
        for (TaskHead h : heads.values()) {
            n += h.trunkHead().weightArray().length;
            if (h.localHead() != null) {
                n += h.localHead().weightArray().length;
            }
        }
        return n;
    }

    /** Width of a head's input: trunk features, plus the raw features when heads see them. */
    public int headInputs() {
        return trunk.outputDim() + (config.effectiveHeadSeesInput() ? inputDim : 0);
    }

    /**
     * Limits the live tasks: a new task's event beyond {@code max} is rejected (field {@code task}). The
     * stream layer sets it from {@code --max-tasks}, per stream task; evicting idle tasks
     * ({@link #forget}) makes room. Not part of the configuration a snapshot keeps.
     */
    public void limitTasks(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the task limit must be at least 1. Got: " + max);
        }
        this.maxTasks = max;
    }

    /**
     * Checks an event against what the learner knows and, if it is acceptable, registers a new task's
     * kind (so later events of the same batch are checked against it). The rules that need the model:
     * the input dimension, a task's kind fixed by its first event, the classes of a multiclass task, its
     * label ({@link TaskType#checkLabel}), the task limit ({@link #limitTasks}).
     *
     * @return null when the event is accepted, else why it cannot be learned
     */
    public Rejection admit(Event event) {
        int dim = event.dimension();
        if (inputDim != 0 && dim != inputDim) {
            return new Rejection("features", "has " + dim + " values, the model's input dimension is " + inputDim);
        }
        TaskState known = tasks.get(event.task());
        TaskType type;
        int classes;
        if (known != null) {
            type = known.type();
            classes = known.classes();
            if (event.type() != null && event.type() != type) {
                return new Rejection("type", "task " + event.task() + " is " + type.jsonName() + ", this event says "
                        + event.type().jsonName() + " (a task's kind is fixed by its first event)");
            }
            if (type == TaskType.MULTICLASS && event.classes() != null && event.classes() != classes) {
                return new Rejection("classes", "task " + event.task() + " has " + classes + " classes, this event says "
                        + event.classes());
            }
        } else {
            if (tasks.size() >= maxTasks) {
                return new Rejection("task", tasks.size() + " live tasks already, the limit is " + maxTasks
                        + " (--max-tasks); idle tasks are evicted after --task-ttl");
            }
            type = event.type() != null ? event.type() : config.defaultType();
            classes = type == TaskType.MULTICLASS ? (event.classes() == null ? 0 : event.classes()) : 0;
            if (type == TaskType.MULTICLASS && classes < 2) {
                return new Rejection("classes", "a multiclass task needs \"classes\" >= 2 on its first event. Got: "
                        + event.classes());
            }
        }
        Rejection label = event.label() == null ? null : type.checkLabel(classes, event.label());
        if (label != null) {
            return label;
        }
        if (inputDim == 0) {
            build(dim);
        }
        if (known == null) {
            tasks.put(event.task(), new TaskState(type, classes, 0, 0, inputDim, config.standardize()));
        }
        return null;
    }

    /**
     * Predicts every event of {@code batch} with the model as it is, then learns the labeled ones.
     * Every event must have been {@link #admit admitted}.
     *
     * <p>The step, in order: each event's features are scaled by its task's statistics; the trunk runs
     * forward once for the batch; then, event by event, each is answered ({@link #answer}) and, if
     * labeled, learned ({@link #learnEvent}) at once, so that a task with several events in one batch
     * answers each with the heads that learned the ones before it (prequential within the batch as well
     * as across batches); last the trunk takes one guarded step ({@link #stepTrunk}) on the mean gradient
     * of the events that fed it. Answering the whole batch first cost the batches of a partition, where a
     * task has about twice as many events per batch as in the whole stream, 1.7x one learner's late tasks'
     * first-10 loss on {@code sinusoid} (one learner fed a partition's batches, model seed 42: 1.98 against
     * 1.14 on the stream's own order); answering as it learns, 1.18 against 1.01.
     *
     * @return one prediction per event, in order. Never null.
     * @throws IllegalArgumentException naming the event when one was not admitted
     */
    public List<Prediction> learn(List<Event> batch) {
        int n = batch.size();
        touched.clear();
        if (n == 0) {
            return List.of();
        }
        for (Event e : batch) {
            if (!tasks.containsKey(e.task()) || e.dimension() != inputDim) {
                throw new IllegalArgumentException("event was not admitted: " + e);
            }
        }
        int d = inputDim;
        double[] x = scaleFeatures(batch);
        Trunk.Pass pass = trunk.forward(x, n);
        int h = trunk.outputDim();
        int m = headInputs();
        double[] in = headInput(pass.output(), x, n);

        List<Prediction> predictions = new ArrayList<>(n);
        int labeled = 0;
        boolean trainTrunk = trunk.parameterCount() > 0;
        double[] dFeatures = trainTrunk ? new double[n * h] : null;
        int trunkLabeled = 0;
        for (int i = 0; i < n; i++) {
            Answer a = answer(batch.get(i), in, i * m, x, i * d);
            predictions.add(a.prediction);
            if (batch.get(i).labeled()) {
                labeled++;
                if (learnEvent(a, in, i * m, x, i * d, dFeatures, i * h)) {
                    trunkLabeled++;
                }
            }
        }
        if (labeled == 0) {
            return predictions;
        }
        if (trainTrunk && trunkLabeled > 0) {
            trunk.backward(pass, dFeatures, 1.0 / trunkLabeled);
            stepTrunk();
        }
        labeledEvents += labeled;
        modelVersion++;
        if (config.meta()) {
            for (String key : touched) {
                TaskHead th = heads.get(key);
                // A head's entry in the prior is refreshed every 16 labels, not after every batch.
                if (th != null && th.trunkHead().labeledEvents() / 16 != th.priorObservedAt) {
                    th.priorObservedAt = th.trunkHead().labeledEvents() / 16;
                    observe(key, th);
                }
            }
        }
        return predictions;
    }

    /**
     * The batch's features, each event scaled by its task's statistics or the stream's
     * ({@link Standardizer#transformRow}) as they were before the batch; then every event is added to
     * both, so that every event of the batch is scaled as it would have been at the batch's start.
     */
    private double[] scaleFeatures(List<Event> batch) {
        int d = inputDim;
        int n = batch.size();
        float[] raw = new float[n * d];
        double[] x = new double[n * d];
        Standardizer[] own = new Standardizer[n];
        // One scale per task and batch: every event of a task in the batch is scaled by the same statistics.
        Map<Standardizer, Standardizer.Scale> scales = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Event e = batch.get(i);
            e.copyFeaturesTo(raw, i * d);
            own[i] = tasks.get(e.task()).features();
            scales.computeIfAbsent(own[i], f -> f.scaleAgainst(scaler)).apply(raw, i * d, x, i * d);
        }
        for (int i = 0; i < n; i++) {
            scaler.update(raw, i * d);
            own[i].update(raw, i * d);
            if (share != null) {
                share.ownFeatures.update(raw, i * d);
            }
        }
        return x;
    }

    /** The heads' input rows: trunk features, followed by the scaled raw features when heads see them. */
    private double[] headInput(double[] features, double[] x, int n) {
        int h = trunk.outputDim();
        int m = headInputs();
        if (m == h) {
            return features;
        }
        int d = inputDim;
        double[] in = new double[n * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(features, i * h, in, i * m, h);
            System.arraycopy(x, i * d, in, i * m + h, d);
        }
        return in;
    }

    /** One event's answer, and what its learning step needs from the prediction. */
    private static final class Answer {
        Event event;
        TaskState task;
        TaskHead head;
        Prediction prediction;
        /** Prequential losses in the heads' own units (standardised targets): trunk head, local head. */
        double trunkLoss;
        double localLoss;
        /**
         * Whether the answer had a label scale to go by: false for a regression task's first labels when no
         * regression task had two labels yet (the loss is then in raw units and is no evidence for the rate
         * mixture or the blend).
         */
        boolean scaled = true;
        /** Each rate copy's prequential loss, trunk head and local head; null when not answered by them. */
        double[] trunkCopyLosses;
        double[] localCopyLosses;
        /** Each copy's outputs when answered, and the heads' step counts then (to tell whether still current). */
        double[][] trunkCopyOutputs;
        double[][] localCopyOutputs;
        long trunkSteps;
        long localSteps;
        /** The candidates' prequential losses while a new task chooses its start, else null. */
        double[] startLosses;
    }

    /**
     * Answers one event with the heads as they are: the trunk head (or a new task's candidate starts,
     * blended), blended with the local head by the task's {@link LossBlend}. A regression head's output
     * is in standard units of its task's labels and is reported in the labels' own units.
     */
    private Answer answer(Event e, double[] in, int off, double[] x, int xOff) {
        Answer a = new Answer();
        TaskState task = tasks.get(e.task());
        boolean newTask = task.events() == 0;
        String headKey = headKey(e.task(), task);
        TaskHead th = heads.computeIfAbsent(headKey, key -> newTaskHead(task));
        touched.add(e.task());
        touched.add(headKey);
        a.event = e;
        a.task = task;
        a.head = th;
        RatedHead head = th.trunkHead();
        TaskType type = head.type();
        int k = head.outputs();
        double[] probs = new double[k];
        double[][] trunkCopies = null;
        NewTaskStart start = th.start();
        double[][] startProbs = null;
        if (start != null) {
            startProbs = candidateScores(start, type, in, off);
            double[] weights = new double[NewTaskStart.CANDIDATES];
            start.blendWeights(weights);
            for (int c = 0; c < NewTaskStart.CANDIDATES; c++) {
                probs[0] += weights[c] * startProbs[c][0];
            }
        } else {
            trunkCopies = head.newCopyScores();
            a.trunkCopyOutputs = head.newCopyScores();
            a.trunkSteps = head.steps();
            head.scores(in, off, a.trunkCopyOutputs, trunkCopies, probs);
        }
        double[] probsLocal = null;
        double[][] localCopies = null;
        double[] blended = probs;
        if (th.blended()) {
            probsLocal = new double[k];
            localCopies = th.localHead().newCopyScores();
            a.localCopyOutputs = th.localHead().newCopyScores();
            a.localSteps = th.localHead().steps();
            th.localHead().scores(x, xOff, a.localCopyOutputs, localCopies, probsLocal);
            double w = th.trunkWeight();
            blended = new double[k];
            for (int r = 0; r < k; r++) {
                blended[r] = w * probs[r] + (1 - w) * probsLocal[r];
            }
        }
        TargetScale target = task.target();
        double[] scale = null;
        if (target != null) {
            scale = new double[2];
            target.scale(labelScale, scale);
        }
        double[] reported = target == null ? blended : new double[] {scale[0] + scale[1] * blended[0]};
        Double loss = null;
        if (e.labeled()) {
            double y = e.label();
            double own = target == null ? y : (y - scale[0]) / scale[1];
            a.scaled = target == null || target.count() >= 2 || labelScale.count() >= 2;
            a.trunkLoss = HeadLoss.lossOfScores(type, probs, own);
            a.localLoss = probsLocal == null ? 0 : HeadLoss.lossOfScores(type, probsLocal, own);
            a.trunkCopyLosses = copyLosses(type, trunkCopies, own);
            a.localCopyLosses = copyLosses(type, localCopies, own);
            if (startProbs != null) {
                a.startLosses = new double[NewTaskStart.CANDIDATES];
                for (int c = 0; c < NewTaskStart.CANDIDATES; c++) {
                    a.startLosses[c] = HeadLoss.lossOfScores(type, startProbs[c], own);
                }
            }
            loss = HeadLoss.lossOfScores(type, reported, y);
        }
        task.countEvent(e.timestamp());
        head.countEvent(e.labeled());
        a.prediction = new Prediction(e.task(), e.id(), type,
                HeadLoss.prediction(type, reported, k), HeadLoss.score(type, reported, k),
                type == TaskType.MULTICLASS ? toFloats(blended) : null,
                e.label(), loss, e.labeled(), task.events(), newTask, version());
        return a;
    }

    /** Each copy's loss of its scores for a label; null without scores. */
    private static double[] copyLosses(TaskType type, double[][] copyScores, double label) {
        if (copyScores == null) {
            return null;
        }
        double[] losses = new double[copyScores.length];
        for (int c = 0; c < losses.length; c++) {
            losses[c] = HeadLoss.lossOfScores(type, copyScores[c], label);
        }
        return losses;
    }

    /** Each candidate start's scores ({@link HeadLoss#scores}) for one head input row. */
    private static double[][] candidateScores(NewTaskStart start, TaskType type, double[] in, int off) {
        double[] z = new double[NewTaskStart.CANDIDATES];
        start.outputs(in, off, z);
        double[][] scores = new double[NewTaskStart.CANDIDATES][1];
        for (int c = 0; c < NewTaskStart.CANDIDATES; c++) {
            HeadLoss.scores(type, new double[] {z[c]}, 1, scores[c]);
        }
        return scores;
    }

    /**
     * Largest {@code |δ|} a regression event sends into the trunk: an error of 3 standard deviations
     * of its task's labels (a Huber-style bound), so that one outlying label cannot jerk the trunk that
     * every task shares. Classifiers' {@code δ} are probabilities' errors, at most 1.
     */
    static final double TRUNK_DELTA_BOUND = 6;

    /**
     * Learns one labeled event: its task's label scale takes the label, then its heads step from their
     * current weights (a new task's candidate starts instead of its trunk head while it chooses), and
     * the trunk head's gradient with respect to its input is added to {@code dFeatures}. A head whose
     * step is refused as non-finite starts over from zero, so one task's trouble stays its own.
     *
     * @return whether the event fed the trunk's gradient
     */
    private boolean learnEvent(Answer a, double[] in, int off, double[] x, int xOff, double[] dFeatures, int dOff) {
        double y = a.event.label();
        TargetScale target = a.task.target();
        if (target != null) {
            target.update(y);
            labelScale.update(y);
            if (share != null) {
                share.ownLabels.update(y);
            }
            double[] scale = new double[2];
            target.scale(labelScale, scale);
            y = (y - scale[0]) / scale[1];
        }
        TaskHead th = a.head;
        RatedHead head = th.trunkHead();
        TaskType type = head.type();
        boolean fedTrunk = false;
        NewTaskStart start = th.start();
        if (a.startLosses != null && start != null) {
            // Each candidate steps from its current output (fresh, as the heads do).
            double[] z = new double[NewTaskStart.CANDIDATES];
            start.outputs(in, off, z);
            double[] deltas = new double[NewTaskStart.CANDIDATES];
            double[] one = new double[1];
            double[] score = new double[1];
            for (int c = 0; c < NewTaskStart.CANDIDATES; c++) {
                double[] zc = {z[c]};
                HeadLoss.scores(type, zc, 1, score);
                HeadLoss.lossAndDelta(type, zc, 1, y, score, one);
                deltas[c] = one[0];
            }
            start.learn(in, off, y, a.startLosses, deltas);
            if (th.start() == null) {
                th.keepBestStart();
            }
        } else {
            // A task still choosing its start when this event was predicted does not feed the trunk.
            fedTrunk = dFeatures != null && a.startLosses == null;
            headResets += head.learn(in, off, y, a.scaled ? a.trunkCopyLosses : null,
                    a.trunkCopyOutputs != null && head.steps() == a.trunkSteps ? a.trunkCopyOutputs : null,
                    fedTrunk ? dFeatures : null, dOff, trunk.outputDim(), TRUNK_DELTA_BOUND);
        }
        if (th.blended()) {
            RatedHead local = th.localHead();
            headResets += local.learn(x, xOff, y, a.localCopyLosses,
                    local.steps() == a.localSteps ? a.localCopyOutputs : null, null, 0, 0, 0);
            local.countEvent(true);
            if (a.startLosses == null && a.scaled) {
                // A task choosing its start keeps trusting its prior-started trunk head until it has
                // chosen; the local head learns meanwhile.
                th.blend().update(a.trunkLoss, a.localLoss);
            }
        }
        return fedTrunk;
    }

    private static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The trunk's optimiser step, guarded: a gradient that is not finite is not applied, and a step that
     * would leave a parameter non-finite is undone (both counted in {@link #skippedTrunkSteps}).
     */
    private void stepTrunk() {
        double[] params = trunk.params();
        double[] gradient = trunk.gradient();
        double norm = 0;
        for (double g : gradient) {
            norm += g * g;
        }
        if (!Double.isFinite(norm)) {
            skippedTrunkSteps++;
            return;
        }
        if (paramsBackup == null || paramsBackup.length != params.length) {
            paramsBackup = new double[params.length];
        }
        System.arraycopy(params, 0, paramsBackup, 0, params.length);
        optimizer.step(params, gradient, group == null ? 1 : group.elapsed(version()));
        for (double p : params) {
            if (!Double.isFinite(p)) {
                System.arraycopy(paramsBackup, 0, params, 0, params.length);
                skippedTrunkSteps++;
                return;
            }
        }
        if (share != null) {
            share.addStep(params, paramsBackup);
        }
    }

    /** Trunk steps not taken because the gradient or the step was not finite. */
    public long skippedTrunkSteps() {
        return skippedTrunkSteps;
    }

    /** Heads that started over from zero because a step would have made them non-finite. */
    public long headResets() {
        return headResets;
    }

    /**
     * What in the model is not finite — the trunk's parameters or its learning rate, or a head's weights —
     * or null when everything is. The guards of {@link #learn} are there so that this stays null.
     */
    public String nonFinite() {
        if (trunk == null) {
            return null;
        }
        for (double p : trunk.params()) {
            if (!Double.isFinite(p)) {
                return "the trunk's parameters";
            }
        }
        if (!Double.isFinite(optimizer.learningRate())) {
            return "the trunk's learning rate (" + optimizer.learningRate() + ")";
        }
        for (Map.Entry<String, TaskHead> e : heads.entrySet()) {
            TaskHead th = e.getValue();
            if (!th.trunkHead().finite() || (th.blended() && !th.localHead().finite())) {
                return "the head of " + e.getKey();
            }
        }
        return null;
    }

    /** Adds an established head (not choosing its start any more) to the prior of its shape. */
    private void observe(String key, TaskHead th) {
        RatedHead head = th.trunkHead();
        if (th.start() != null || head.outputs() != 1 || head.labeledEvents() < ESTABLISHED) {
            return;
        }
        priors.computeIfAbsent(shapeKey(head.type()), s -> new HeadPrior(head.inputs() + 1))
                .observe(key, head.weightArray());
    }

    private String shapeKey(TaskType type) {
        return type.jsonName() + ":" + headInputs();
    }

    /** Rebuilds the priors from the established heads (after loading a snapshot or restoring stores). */
    public void rebuildPriors() {
        priors.clear();
        if (config.meta()) {
            heads.forEach(this::observe);
        }
    }

    /** The prior of a head kind (one-output heads), or null when none has formed yet. */
    public HeadPrior prior(TaskType type) {
        return priors.get(shapeKey(type));
    }

    /**
     * The task ids and head keys the last {@link #learn} call changed: what a store of key entries
     * must write back ({@link ModelCodec#encodeKey}). Read-only view, valid until the next call.
     */
    public Set<String> lastTouched() {
        return Collections.unmodifiableSet(touched);
    }

    /**
     * Forgets a task: its state and, unless the head is shared by a pooled model, its head. Returns
     * whether the task was known. Used to evict idle tasks.
     */
    public boolean forget(String task) {
        TaskState state = tasks.remove(task);
        if (state == null) {
            return false;
        }
        if (headKey(task, state).equals(task)) {
            heads.remove(task);
        }
        for (HeadPrior prior : priors.values()) {
            prior.forget(task);
        }
        return true;
    }

    private String headKey(String task, TaskState state) {
        if (config.model() == ModelKind.POOLED) {
            return "*" + state.type().jsonName() + (state.classes() > 0 ? ":" + state.classes() : "");
        }
        return task;
    }

    private TaskHead newTaskHead(TaskState task) {
        TaskHead th = emptyTaskHead(task.type(), task.type() == TaskType.MULTICLASS ? task.classes() : 1);
        HeadPrior prior = config.meta() && th.trunkHead().outputs() == 1 ? sharedPrior(shapeKey(task.type())) : null;
        NewTaskStart start = NewTaskStart.offer(prior, headInputs(), task.type() != TaskType.REGRESSION,
                startLosses(task.type()));
        if (start != null) {
            th.beginStart(start);
            if (th.blend() != null) {
                th.blend().trustTrunkAtFirst();
            }
        }
        return th;
    }

    /**
     * The prior of a head shape: this learner's, joined for a replica by the other replicas' established
     * heads (theirs first, so that its own are the most recent); null when none has formed.
     */
    private HeadPrior sharedPrior(String shape) {
        HeadPrior local = priors.get(shape);
        Map<String, double[]> others = share == null ? Map.of() : share.otherHeads(shape);
        if (others.isEmpty()) {
            return local;
        }
        HeadPrior merged = new HeadPrior(others.values().iterator().next().length);
        others.forEach(merged::observe);
        if (local != null) {
            local.heads().forEach(merged::observe);
        }
        return merged;
    }

    /**
     * The window losses of the tasks of this kind that chose a start: the other replicas' first, then
     * this learner's in order of first appearance.
     */
    private List<double[]> startLosses(TaskType type) {
        List<double[]> losses = share == null ? new ArrayList<>() : share.otherStartLosses(type);
        losses.addAll(ownStartLosses(type));
        return losses;
    }

    private List<double[]> ownStartLosses(TaskType type) {
        List<double[]> losses = new ArrayList<>();
        for (TaskHead th : heads.values()) {
            double[] l = th.trunkHead().type() == type && th.trunkHead().outputs() == 1 ? th.startLosses() : null;
            if (l != null) {
                losses.add(l);
            }
        }
        return losses;
    }

    /** Whether tasks get a local head beside the trunk head (the shared model with a real trunk). */
    boolean blendsLocalHeads() {
        return config.model() == ModelKind.SHARED && config.localHeads() && trunk.parameterCount() > 0;
    }

    private HeadRate newRate(int inputs, double rate) {
        return switch (config.headOptimizer()) {
            // Autostep: per-weight rates that adapt; starts at the head rate spread over the inputs.
            case AUTOSTEP -> new AutostepRate(Math.min(AutostepRate.MAX_RATE, rate / (inputs + 1)));
            case NLMS -> new NormalizedRate(rate);
            case SGD -> new FixedRate(rate);
        };
    }

    /**
     * A head of this kind and width: with the meta-learner and NLMS, one copy per rate of
     * {@link RateMixture#RATES} weighed by a mixture that starts near {@code --head-lr}; else one copy at
     * {@code --head-lr} (Autostep adapts its own rates).
     */
    private RatedHead newRatedHead(TaskType type, int outputs, int inputs) {
        if (!config.meta() || config.headOptimizer() != LearnerConfig.HeadOptimizerKind.NLMS) {
            return new RatedHead(new Head[] {new Head(type, outputs, inputs, null, newRate(inputs, config.headRate()))}, null);
        }
        double[] rates = RateMixture.ratesFor(type != TaskType.REGRESSION);
        Head[] copies = new Head[rates.length];
        for (int c = 0; c < copies.length; c++) {
            copies[c] = new Head(type, outputs, inputs, null, newRate(inputs, rates[c]));
        }
        return new RatedHead(copies, new RateMixture(config.headRate(), type != TaskType.REGRESSION));
    }

    // Registers a head read from a snapshot.
    void putHead(String key, TaskHead head) {
        heads.put(key, head);
    }

    void putTask(String task, TaskState state) {
        tasks.put(task, state);
    }

    void restoreCounters(int inputDim, long modelVersion, long labeledEvents) {
        if (inputDim > 0 && this.inputDim == 0) {
            build(inputDim);
        }
        this.modelVersion = modelVersion;
        this.labeledEvents = labeledEvents;
    }

    /** A new, zero head for a task of this kind, with the configured rules. */
    TaskHead emptyTaskHead(TaskType type, int outputs) {
        RatedHead trunkHead = newRatedHead(type, outputs, headInputs());
        if (!blendsLocalHeads()) {
            return new TaskHead(trunkHead, null, null);
        }
        // The local head steps at the rate the trunk head's mixture has in force: tuned for life by the same
        // evidence, without copies of its own (measured, four copies of both heads cost the meta-learner 29%
        // of bench core's throughput at batch 256; three of the trunk head's alone 11%, with every head-rate
        // bound still met).
        HeadRate localRate = trunkHead.mixture() != null ? new FollowedRate(trunkHead.mixture()::meanRate)
                : newRate(inputDim, config.headRate());
        RatedHead local = new RatedHead(new Head[] {new Head(type, outputs, inputDim, null, localRate)}, null);
        return new TaskHead(trunkHead, local, new LossBlend());
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
