package io.polyhead.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * Which Kafka cluster the local state of an application belongs to. Kafka Streams restores a store from
 * its local copy when the checkpoint allows it, without asking whether the changelog it came from is the
 * one on this broker: state kept for cluster A, reused against a fresh cluster B, would give B's events
 * A's model (and dead-letter every event whose task kind differs). The application's state directory
 * therefore records the id of the cluster it was built against ({@code APP.cluster-id} beside it); state
 * found for another cluster is removed, with a line saying so, and the application starts clean.
 */
public final class StateOwnership {
    private StateOwnership() {
    }

    /** The file that names the cluster of an application's state. */
    static Path marker(Path stateDir, String applicationId) {
        return stateDir.resolve(applicationId + ".cluster-id");
    }

    /**
     * Checks the state of {@code applicationId} under {@code stateDir} against the cluster {@code admin}
     * talks to, removes it when it belongs to another cluster, and records this one. Returns whether state
     * was removed.
     */
    public static boolean claim(Admin admin, Path stateDir, String applicationId, Consumer<String> log)
            throws Exception {
        String cluster = admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        return claim(cluster, stateDir, applicationId, log);
    }

    static boolean claim(String cluster, Path stateDir, String applicationId, Consumer<String> log) throws IOException {
        Path marker = marker(stateDir, applicationId);
        Path appState = stateDir.resolve(applicationId);
        boolean removed = false;
        if (Files.exists(marker)) {
            String owner = Files.readString(marker, StandardCharsets.UTF_8).trim();
            if (!owner.equals(cluster) && Files.exists(appState)) {
                log.accept("the state in " + appState + " was built against Kafka cluster " + owner + ", not this one ("
                        + cluster + "): removing it, the model starts from this cluster's changelogs");
                delete(appState);
                removed = true;
            }
        }
        Files.createDirectories(stateDir);
        Files.writeString(marker, cluster + "\n", StandardCharsets.UTF_8);
        return removed;
    }

    /** Removes {@code dir} and everything in it (the one home of that; the CLI uses it too). */
    public static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
