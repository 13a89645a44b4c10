package io.polyhead.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyhead.event.Event;
import io.polyhead.event.Prediction;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay of a run's order: one learner's own predictions, replayed, give that learner's figures. */
class LayoutBenchTest {

    @Test
    void replayOfOneLearnersOrderIsThatLearner() {
        List<Event> events = LayoutBench.events(LayoutBench.Stream.LOWRANK).subList(0, 4000);
        List<Prediction> out = new ArrayList<>();
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(LearnerConfig.defaults()), new PrequentialMetrics(), out::add);
        events.forEach(run::offer);
        run.flush();
        LayoutBench.Figures one = LayoutBench.figures(events, out, 50, Double.NaN, List.of(), 0);
        LayoutBench.OrderReplay replay = LayoutBench.replay(events, out, Collections.nCopies(out.size(), 0), 1, 50);
        assertEquals(4000 / LearnerConfig.defaults().batchSize(), replay.batches());
        assertEquals(one.secondHalf(), replay.asLearned().secondHalf(), 0);
        assertEquals(one.lateFirst10(), replay.asLearned().lateFirst10(), 0);
        assertEquals(one.secondHalf(), replay.streamOrder().secondHalf(), 0, "full batches in the stream's order: evaluate's");
        assertEquals(0, replay.sharedVersions(), "one learner takes one step at a time");
        assertEquals(List.of(), replay.partial(), "every batch full (4000 is 125 of 32)");

        // The same steps again on a second partition: every version is had by two batches.
        List<Prediction> twice = new ArrayList<>(out);
        twice.addAll(out);
        List<Integer> partitions = new ArrayList<>(Collections.nCopies(out.size(), 0));
        partitions.addAll(Collections.nCopies(out.size(), 1));
        LayoutBench.OrderReplay doubled = LayoutBench.replay(events, twice, partitions, 2, 50);
        assertEquals(2 * replay.batches(), doubled.sharedVersions());
    }

    @Test
    void aBatchCutShortIsNamedWithItsPlaceInTheStream() {
        List<Event> events = LayoutBench.events(LayoutBench.Stream.LOWRANK).subList(0, 1000);
        List<Prediction> out = new ArrayList<>();
        PrequentialRun run = new PrequentialRun(new MultiTaskLearner(LearnerConfig.defaults()), new PrequentialMetrics(), out::add);
        for (int i = 0; i < events.size(); i++) {
            if (i == 69) {
                run.flush(); // events 64..68 as one batch, as a linger cuts it
            }
            run.offer(events.get(i));
        }
        run.flush();
        LayoutBench.OrderReplay replay = LayoutBench.replay(events, out, Collections.nCopies(out.size(), 0), 1, 50);
        // The last batch is whatever the stream left (1000 - 69 = 29 * 32 + 3 events), not a cut.
        assertEquals(List.of(new LayoutBench.Cut(5, 64)), replay.partial());
        assertEquals(-1, replay.departsAt());
    }
}
