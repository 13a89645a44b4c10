package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local state belongs to the cluster it was built against; state of another cluster is removed, with a line. */
class StateOwnershipTest {

    @Test
    void stateOfAnotherClusterIsRemovedWithALine(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        assertFalse(StateOwnership.claim("cluster-a", dir, "app", lines::add), "nothing to remove at the first start");
        Path task = Files.createDirectories(dir.resolve("app").resolve("0_1"));
        Files.writeString(task.resolve("store"), "model of cluster a");

        assertFalse(StateOwnership.claim("cluster-a", dir, "app", lines::add), "the same cluster keeps its state");
        assertTrue(Files.exists(task.resolve("store")));
        assertTrue(lines.isEmpty(), lines.toString());

        assertTrue(StateOwnership.claim("cluster-b", dir, "app", lines::add));
        assertFalse(Files.exists(dir.resolve("app")), "cluster a's state is gone");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("built against Kafka cluster cluster-a, not this one (cluster-b)"), lines.get(0));
        assertEquals("cluster-b", Files.readString(StateOwnership.marker(dir, "app")).trim());
    }

    @Test
    void otherApplicationsStateIsLeftAlone(@TempDir Path dir) throws Exception {
        StateOwnership.claim("cluster-a", dir, "app", line -> { });
        Path other = Files.createDirectories(dir.resolve("other").resolve("0_0"));
        StateOwnership.claim("cluster-b", dir, "app", line -> { });
        assertTrue(Files.exists(other), "only the application's own state is checked");
    }
}
