package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polyhead.eval.EvaluationReport;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code polyhead evaluate} over generated files, through the real command line. */
class EvaluateCommandTest {
    @TempDir
    static Path dir;
    static Path stream;

    @BeforeAll
    static void generate() {
        stream = dir.resolve("lowrank.jsonl");
        assertEquals(0, GenerateCommandTest.run(new StringWriter(), "generate", "lowrank", "--events", "3000",
                "--output", stream.toString()));
    }

    private static EvaluationReport evaluate(Path file, Path report) throws Exception {
        StringWriter err = new StringWriter();
        int code = GenerateCommandTest.run(err, "evaluate", file.toString(), "--report", report.toString(), "--quiet");
        assertEquals(0, code, err.toString());
        return EvaluationReport.fromJson(Files.readString(report, StandardCharsets.UTF_8));
    }

    @Test
    void reportCoversEveryEventAndTask() throws Exception {
        EvaluationReport r = evaluate(stream, dir.resolve("report.json"));
        assertEquals(3000, r.overall().events());
        assertEquals(3000, r.overall().labeled());
        assertEquals(0, r.overall().rejected());
        assertEquals(20, r.overall().tasks());
        assertEquals(20, r.tasks().size());
        assertNotNull(r.overall().secondHalfLoss());
        assertTrue(Double.isFinite(r.overall().secondHalfLoss()), "secondHalfLoss " + r.overall().secondHalfLoss());
        assertEquals(3000, r.tasks().stream().mapToLong(EvaluationReport.TaskRow::events).sum());
        assertEquals(64, r.model().inputDim());
    }

    @Test
    void badLinesAreCountedAsRejected() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(stream, StandardCharsets.UTF_8).subList(0, 200));
        lines.add(50, "not json");
        lines.add(100, "{\"task\":\"a b\",\"features\":[1]}");
        lines.add(150, "{\"task\":\"task-001\",\"features\":[1,2,3]}");
        Path mixed = dir.resolve("mixed.jsonl");
        Files.write(mixed, lines, StandardCharsets.UTF_8);
        EvaluationReport r = evaluate(mixed, dir.resolve("mixed-report.json"));
        assertEquals(3, r.overall().rejected());
        assertEquals(200, r.overall().events());
        assertEquals(3L, r.rejections().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void sameOptionsSameReportApartFromThroughput() throws Exception {
        evaluate(stream, dir.resolve("r1.json"));
        evaluate(stream, dir.resolve("r2.json"));
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode a = (ObjectNode) mapper.readTree(Files.readString(dir.resolve("r1.json")));
        ObjectNode b = (ObjectNode) mapper.readTree(Files.readString(dir.resolve("r2.json")));
        assertNotNull(a.remove("throughput"));
        assertNotNull(b.remove("throughput"));
        assertEquals(a, b);
    }
    @Test
    void aModelThatIsNotFiniteFailsTheRunNamingWhatIsNot() throws Exception {
        // The learner's guards keep every model finite; a snapshot damaged outside Polyhead is the way in.
        io.polyhead.model.MultiTaskLearner learner = new io.polyhead.model.MultiTaskLearner(
                io.polyhead.model.LearnerConfig.defaults());
        io.polyhead.eval.PrequentialRun run = new io.polyhead.eval.PrequentialRun(learner,
                new io.polyhead.eval.PrequentialMetrics(), null);
        io.polyhead.eval.JsonlEvaluator.evaluate(Files.newInputStream(stream), run, 0, null);
        run.flush();
        learner.trunk().params()[0] = Double.NaN;
        Path damaged = dir.resolve("damaged.snap");
        io.polyhead.model.LearnerSnapshot.save(learner, damaged);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            code = GenerateCommandTest.run(new StringWriter(), "evaluate", stream.toString(), "--load", damaged.toString(),
                    "--quiet");
        } finally {
            System.setErr(before);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, message);
        assertTrue(message.contains("the model is not finite (the trunk's parameters)"), message);
        assertTrue(!message.contains("Exception"), message);
    }
}
