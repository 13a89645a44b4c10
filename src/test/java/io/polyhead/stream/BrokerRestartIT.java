package io.polyhead.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.bench.InstanceProcess;
import io.polyhead.broker.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is stopped and started again on the same data dir and ports while {@code polyhead run} runs:
 * the instance recovers by itself, and every input still has exactly one prediction or dead letter.
 */
class BrokerRestartIT extends StreamTestBase {

    @Test
    void theInstanceRecoversFromABrokerRestart(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path data = dir.resolve("broker");
        EmbeddedKafkaBroker own = EmbeddedKafkaBroker.builder().port(port).controllerPort(controllerPort).dataDir(data)
                .build();
        own.start();
        String classBroker = bootstrap;
        bootstrap = own.bootstrapServers(); // this test's broker, the one it restarts
        try {
            StreamOptions o = StreamOptions.defaults();
            createTopics(o, 4);
            int n = 20_000;
            List<String> ids = produce(o, n);
            Outputs outputs = new Outputs(o);
            try (InstanceProcess run = InstanceProcess.start(dir.resolve("run.log"),
                    runArgs(dir.resolve("state"), "polyhead-broker-restart", "--status-every", "500ms"))) {
                outputs.readUntil(n / 3, Duration.ofSeconds(120));
                assertTrue(outputs.total() < n, "restarted mid-stream: " + outputs.total() + " of " + n);
                long t0 = System.nanoTime();
                own.close();
                Thread.sleep(3000);
                own = EmbeddedKafkaBroker.builder().port(port).controllerPort(controllerPort).dataDir(data).build();
                own.start();
                outputs.readUntil(n, Duration.ofSeconds(180));
                double seconds = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(2000);
                outputs.readUntil(n + 1, Duration.ofSeconds(3));
                assertTrue(run.process().isAlive(), "the instance kept running; its log:\n" + tail(run.log(), 30));
                System.out.printf(Locale.ROOT, "broker restart: every output %.1f s after the broker stopped (3 s down)%n",
                        seconds);
                assertExactlyOnce(ids, outputs, "after a broker restart; the run's log:\n" + tail(run.log(), 30));
            } finally {
                outputs.close();
            }
        } finally {
            bootstrap = classBroker;
            own.close();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

}
