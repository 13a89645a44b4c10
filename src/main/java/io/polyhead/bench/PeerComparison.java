package io.polyhead.bench;

import io.polyhead.event.Event;
import io.polyhead.model.LearnerConfig;
import java.util.List;

/** Runs the DL4J peer with the learner configuration's trunk shape, rate and batch size. */
public final class PeerComparison {
    private PeerComparison() {
    }

    /** The peer on {@code events}, sized and seeded like {@code config}. */
    public static CoreBench.Result dl4j(LearnerConfig config, List<Event> events) {
        return PeerBench.run(events.get(0).dimension(), config.hidden(), config.trunkRate(), config.seed(),
                config.batchSize(), events);
    }
}
