package io.polyhead.bench;

import io.polyhead.eval.JsonlEvaluator;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Times what {@code polyhead evaluate} does: read a JSONL file, parse each line, learn. */
public final class JsonlBench {
    private JsonlBench() {
    }

    /** Figures of one run. */
    public record Result(long events, double seconds, double parseMicrosPerEvent) {
        public double eventsPerSecond() {
            return events / seconds;
        }
    }

    /** Writes {@code events} to a temporary JSONL file, then evaluates it as {@code evaluate} does, timed. */
    public static Result run(LearnerConfig config, List<Event> events) throws IOException, InvalidEventException {
        Path file = Files.createTempFile("polyhead-bench", ".jsonl");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                for (Event e : events) {
                    EventJson.write(e, out);
                    out.write('\n');
                }
            }
            EventParser parseOnly = new EventParser(EventParser.Config.defaults());
            long p0 = System.nanoTime();
            for (Event e : events) {
                parseOnly.parse(EventJson.toBytes(e), null);
            }
            double parseAndWriteMicros = (System.nanoTime() - p0) / 1e3 / events.size();

            PrequentialRun run = new PrequentialRun(new MultiTaskLearner(config), new PrequentialMetrics(), null);
            long t0 = System.nanoTime();
            long lines;
            try (InputStream in = Files.newInputStream(file)) {
                lines = JsonlEvaluator.evaluate(in, run, 0, null);
            }
            return new Result(lines, (System.nanoTime() - t0) / 1e9, parseAndWriteMicros);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
