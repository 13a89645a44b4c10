package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code polyhead run} killed with SIGKILL mid-stream, then started again: every input still yields
 * exactly one prediction or dead letter (nothing lost, nothing learned twice), and the model continues.
 */
class CrashRecoveryIT extends StreamTestBase {

    @Test
    void killNineMidStreamLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        StreamOptions o = StreamOptions.defaults(); // the real topic names: `run` uses them
        createTopics(o, 4);
        int n = 20_000;
        List<String> ids = produce(o, n);
        Outputs outputs = new Outputs(o);
        String[] run = runArgs(dir.resolve("state"), "polyhead-crash", "--status-every", "1s");
        try {
            Process first = io.polyhead.bench.InstanceProcess.start(dir.resolve("first.log"), run).process();
            outputs.readUntil(n / 3, Duration.ofSeconds(120));
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            int beforeCrash = outputs.predictions.size();
            assertTrue(outputs.total() < n, "killed mid-stream: " + outputs.total() + " of " + n);

            Process second = io.polyhead.bench.InstanceProcess.start(dir.resolve("second.log"), run).process();
            try {
                outputs.readUntil(n, Duration.ofSeconds(120));
                if (outputs.total() < n) {
                    // Keep the evidence: both logs and a thread dump of the stalled run.
                    Path keep = Path.of("target", "crash-recovery-logs");
                    Files.createDirectories(keep);
                    Files.copy(dir.resolve("first.log"), keep.resolve("first.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    new ProcessBuilder("jcmd", Long.toString(second.pid()), "Thread.print")
                            .redirectOutput(keep.resolve("second-threads.txt").toFile()).start().waitFor();
                    Files.copy(dir.resolve("second.log"), keep.resolve("second.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.writeString(keep.resolve("transactions.txt"), transactions(o));
                    Files.writeString(keep.resolve("evidence.txt"), stallEvidence(ids, outputs, o, "polyhead-crash"));
                }
                Thread.sleep(2000);
                outputs.readUntil(n + 1, Duration.ofSeconds(3));
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            assertExactlyOnce(ids, outputs, "after kill -9; last lines of the second run:\n"
                    + String.join("\n", Files.readAllLines(dir.resolve("second.log")).stream()
                    .filter(l -> !l.contains("INFO")).toList().subList(0, 0)) + tail(dir.resolve("second.log"), 40));
            double start = meanLoss(outputs.predictions.stream().filter(p -> p.taskEvents() <= 5).toList());
            double afterCrash = meanLoss(outputs.predictions.subList(beforeCrash, Math.min(beforeCrash + 1000,
                    outputs.predictions.size())));
            assertTrue(afterCrash < 0.5 * start, "loss after the crash " + afterCrash + " vs at the start " + start);
        } finally {
            outputs.close();
        }
    }


    /**
     * What the broker knows of transactions when a run stalls: every transactional id with its state,
     * and every producer with an open transaction on a partition (an open one from the killed process
     * holds back read_committed readers until it is aborted).
     */
    private static String transactions(StreamOptions o) {
        StringBuilder sb = new StringBuilder();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrap))) {
            java.util.Collection<org.apache.kafka.clients.admin.TransactionListing> listings =
                    admin.listTransactions().all().get();
            for (org.apache.kafka.clients.admin.TransactionListing l : listings) {
                sb.append("transaction ").append(l.transactionalId()).append(" producer ").append(l.producerId())
                        .append(' ').append(l.state()).append('\n');
            }
            if (!listings.isEmpty()) {
                admin.describeTransactions(listings.stream().map(
                        org.apache.kafka.clients.admin.TransactionListing::transactionalId).toList())
                        .all().get().forEach((id, d) -> sb.append("  ").append(id).append(": ").append(d).append('\n'));
            }
            java.util.List<org.apache.kafka.common.TopicPartition> partitions = new java.util.ArrayList<>();
            for (var e : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().entrySet()) {
                e.getValue().partitions().forEach(pi -> partitions.add(
                        new org.apache.kafka.common.TopicPartition(e.getKey(), pi.partition())));
            }
            admin.describeProducers(partitions).all().get().forEach((tp, d) -> d.activeProducers().stream()
                    .filter(ps -> ps.currentTransactionStartOffset().isPresent())
                    .forEach(ps -> sb.append("open transaction on ").append(tp).append(": ").append(ps).append('\n')));
        } catch (Exception e) {
            sb.append("could not describe the transactions: ").append(e).append('\n');
        }
        return sb.toString();
    }
}
