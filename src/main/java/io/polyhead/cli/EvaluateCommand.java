package io.polyhead.cli;

import io.polyhead.eval.EvaluationReport;
import io.polyhead.eval.JsonlEvaluator;
import io.polyhead.eval.PrequentialMetrics;
import io.polyhead.eval.PrequentialRun;
import io.polyhead.eval.ReportTable;
import io.polyhead.event.PredictionJson;
import io.polyhead.model.LearnerSnapshot;
import io.polyhead.model.MultiTaskLearner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code polyhead evaluate}: the learner over a JSONL file of contract events, prequentially and
 * without Kafka. The same learner, in the same micro-batches, as the stream processor.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prequential evaluation of the learner over a JSONL file of events (no Kafka): every event is",
            "predicted first and learned second, exactly as the stream processor does.",
            "",
            "Prints a table per task (events, loss, accuracy, loss over the task's first 10 and 20 events),",
            "the overall and second-half loss, and the throughput; --report writes the same as JSON.",
            "Lines that are not valid events are counted as rejected with their reason, never dropped silently.",
            "",
            "Example:",
            "  polyhead generate lowrank --events 50000 --tasks 20 > s.jsonl",
            "  polyhead evaluate s.jsonl --report report.json",
            "  polyhead evaluate s.jsonl --model independent"})
public final class EvaluateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL events, one per line; '-' reads standard input.")
    String file;

    @Mixin
    LearnerOptions learnerOptions;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
    Path report;

    @Option(names = "--predictions", paramLabel = "FILE",
            description = "Write every prediction as JSONL (the prediction topic's format) to FILE.")
    Path predictions;

    @Option(names = "--load", paramLabel = "FILE",
            description = "Start from a saved snapshot instead of a new learner (learner options are then ignored).")
    Path load;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the learner as a snapshot at the end.")
    Path save;

    @Option(names = "--show-tasks", paramLabel = "N", defaultValue = "30",
            description = "Task rows to print (default ${DEFAULT-VALUE}); the report has all of them.")
    int showTasks;

    @Option(names = "--quiet", description = "No progress lines on standard error.")
    boolean quiet;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        UserErrors.readableFile(spec, "FILE", file, true);
        if (load != null) {
            UserErrors.readableFile(spec, "--load", load.toString(), false);
        }
        MultiTaskLearner learner = load != null ? LearnerSnapshot.load(load)
                : new MultiTaskLearner(learnerOptions.toConfig());
        PrequentialMetrics metrics = new PrequentialMetrics();
        OutputStream predictionOut = predictions == null ? null
                : new BufferedOutputStream(Files.newOutputStream(predictions), 1 << 16);
        Consumer<io.polyhead.event.Prediction> sink = predictionOut == null ? null : p -> {
            try {
                predictionOut.write(PredictionJson.write(p));
                predictionOut.write('\n');
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        PrequentialRun run = new PrequentialRun(learner, metrics, sink);
        JsonlEvaluator.InputNotes notes = new JsonlEvaluator.InputNotes();
        Progress progress = new Progress(err, quiet ? Long.MAX_VALUE : 2000);
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            JsonlEvaluator.evaluate(in, run, learner.inputDim(), lines -> progress.tick(() -> String.format(Locale.ROOT,
                    "%d lines, %.0f events/s, loss %.4f", lines, lines / progress.seconds(), metrics.meanLoss())), notes);
        } finally {
            if (predictionOut != null) {
                predictionOut.close();
            }
        }
        double seconds = progress.seconds();
        EvaluationReport r = EvaluationReport.of(file, run, seconds);
        ReportTable.print(r, out, showTasks);
        if (report != null) {
            Files.writeString(report, r.toJson(), StandardCharsets.UTF_8);
            out.println("report: " + report);
        }
        if (r.model().nonFinite() != null || (r.overall().labeled() > 0 && r.overall().loss() == null)) {
            // The learner's guards exist so that this never happens; if it does, say so and fail.
            err.println("polyhead evaluate: the model is not finite ("
                    + (r.model().nonFinite() != null ? r.model().nonFinite() : "the mean loss") + "); its figures cannot be trusted"
                    + (save != null ? " and no snapshot was saved" : ""));
            return 1;
        }
        if (!notes.unknownFields().isEmpty()) {
            // Allowed by the contract, and so silent in the figures: a misspelt "lable" would make events unlabeled.
            err.println("polyhead evaluate: note: fields the contract does not define were ignored: " + notes.unknownFields()
                    + " (events carrying each)");
        }
        if (notes.blankLines() > 0) {
            err.println("polyhead evaluate: note: " + notes.blankLines() + " blank line" + (notes.blankLines() == 1 ? "" : "s")
                    + " skipped");
        }
        long accepted = r.overall().events();
        long rejected = r.overall().rejected();
        if (accepted == 0 && rejected > 0) {
            // Nothing was learned: that is not a success, whatever else was printed.
            err.println("polyhead evaluate: every line was rejected (" + rejected + "), nothing was learned; reasons: "
                    + metrics.rejections() + (metrics.rejectionExamples().isEmpty() ? ""
                    : "; first: " + metrics.rejectionExamples().get(0)));
            return 1;
        }
        if (rejected > accepted) {
            err.println("polyhead evaluate: note: most lines were rejected (" + rejected + " of " + (accepted + rejected)
                    + "); reasons: " + metrics.rejections());
        }
        if (save != null) {
            LearnerSnapshot.save(learner, save);
            out.println("snapshot: " + save);
        }
        return 0;
    }
}
