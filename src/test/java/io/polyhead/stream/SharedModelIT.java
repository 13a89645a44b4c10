package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.bench.LayoutBench;
import io.polyhead.event.Event;
import io.polyhead.model.LearnerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One shared model whatever the layout: the shared-model issue's {@code lowrank} binary stream (100 tasks,
 * 20k events, produced without keys) through {@code polyhead run} with 1 partition, with 4 partitions on one
 * instance and with 4 partitions on two (each its own JVM), against {@code evaluate}'s one learner on the
 * same events: the prequential loss over the second half and the late tasks' first-10 loss are within 10%,
 * no two steps were taken at once, and the run's batches replayed in one process give its own predictions.
 *
 * <p>Measured (this machine, trunk 128-128), second half: 1 partition 1.012x, 1.036x, 1.041x; 4 partitions
 * on one instance 0.989x-1.019x over six runs, on two 0.985x-1.042x over eleven, since the replicas take
 * turns and the instances share one optimiser state (before: 1.072x-1.123x on one instance, 1.014x-1.108x
 * on two); late first 10 0.99x-1.00x throughout.
 *
 * <p>Not asserted, because the bound is not met: the issue's {@code sinusoid} stream, whose one learner's
 * own figure moves by ±25% when 1% of its batches are cut short (as a linger cuts them); on Kafka 0.94x to
 * 1.29x on one instance, 1.13x to 2.48x on two. {@code polyhead bench e2e --instances 1|2} prints both.
 */
class SharedModelIT {

    @ParameterizedTest(name = "lowrank: {0} partitions on {1} instances")
    @CsvSource({"1, 1", "4, 1", "4, 2"})
    void qualityDoesNotDependOnTheLayout(int partitions, int instances, @TempDir Path dir) throws Exception {
        List<Event> events = LayoutBench.events(LayoutBench.Stream.LOWRANK);
        int skip = LayoutBench.Stream.LOWRANK.lateAfter();
        LayoutBench.Figures one = LayoutBench.evaluate(events, LearnerConfig.defaults(), skip);
        LayoutBench.Figures kafka = LayoutBench.onKafka(dir, events, partitions, instances, skip, System.out::println);
        String figures = String.format(Locale.ROOT, "%d partitions on %d instances: %s", partitions, instances,
                LayoutBench.describe(kafka, one));
        System.out.println(figures);
        assertEquals(events.size(), kafka.predictions(), figures);
        assertTrue(kafka.secondHalf() <= 1.10 * one.secondHalf(), figures);
        assertTrue(kafka.lateFirst10() <= 1.10 * one.lateFirst10(), figures);
        // The replicas took turns, and each step saw every step before it, on any layout: replayed in one
        // process in the order of their model versions, the run's batches give the run's own predictions.
        assertEquals(0, kafka.order().sharedVersions(), figures);
        assertEquals(-1, kafka.order().departsAt(), figures);
    }
}
