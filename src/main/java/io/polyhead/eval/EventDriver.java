package io.polyhead.eval;

import io.polyhead.event.Event;
import io.polyhead.event.Rejection;

/**
 * What drives a learner over a stream, event by event, recording every prediction: one learner
 * ({@link PrequentialRun}) or the replicas of a shared model ({@link ReplicatedRun}). {@link JsonlEvaluator}
 * feeds either.
 */
public interface EventDriver {
    /** Offers one parsed event: it is admitted and batched, or rejected with its reason. */
    void offer(Event event);

    /** Counts an input that could not even be parsed. */
    void reject(Rejection rejection);

    /** Learns whatever is waiting (the end of the stream). */
    void flush();

    /** The figures of every prediction so far. */
    PrequentialMetrics metrics();
}
