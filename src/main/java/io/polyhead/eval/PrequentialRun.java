package io.polyhead.eval;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.event.Rejection;
import io.polyhead.eval.gen.StreamGenerator;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a learner over a stream the way the Kafka processor does, without Kafka: admit each event,
 * collect a micro-batch, learn it, record every prediction. Rejected events are counted with their
 * reason, never dropped silently.
 */
public final class PrequentialRun implements EventDriver {
    private final MultiTaskLearner learner;
    private final PrequentialMetrics metrics;
    private final Consumer<Prediction> sink;
    private final List<Event> batch;
    private final int batchSize;

    /**
     * @param sink receives every prediction in order (e.g. to write them out). May be null.
     */
    public PrequentialRun(MultiTaskLearner learner, PrequentialMetrics metrics, Consumer<Prediction> sink) {
        this.learner = learner;
        this.metrics = metrics;
        this.sink = sink;
        this.batchSize = learner.config().batchSize();
        this.batch = new ArrayList<>(batchSize);
    }

    /** Offers one parsed event: it is admitted and batched, or rejected with its reason. */
    @Override
    public void offer(Event event) {
        Rejection rejection = learner.admit(event);
        if (rejection != null) {
            metrics.reject(rejection);
            return;
        }
        batch.add(event);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /** Counts an input that could not even be parsed. */
    @Override
    public void reject(Rejection rejection) {
        metrics.reject(rejection);
    }

    /** Learns whatever is waiting (the end of the stream). */
    @Override
    public void flush() {
        if (batch.isEmpty()) {
            return;
        }
        for (Prediction p : learner.learn(batch)) {
            metrics.update(p);
            if (sink != null) {
                sink.accept(p);
            }
        }
        batch.clear();
    }

    /**
     * Runs a fresh learner of {@code config} over {@code events} events of {@code generator}: the
     * benchmarks' and tests' way to evaluate without a file.
     */
    public static PrequentialRun over(StreamGenerator generator, long events, LearnerConfig config) {
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(config), new PrequentialMetrics(), null);
        for (long i = 0; i < events; i++) {
            run.offer(generator.next());
        }
        run.flush();
        return run;
    }

    @Override
    public PrequentialMetrics metrics() {
        return metrics;
    }

    public MultiTaskLearner learner() {
        return learner;
    }
}
