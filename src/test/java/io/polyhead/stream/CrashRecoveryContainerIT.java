package io.polyhead.stream;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The kill -9 scenario of {@link CrashRecoveryIT} against Kafka in a container ({@code apache/kafka}).
 * Skipped where no Docker engine runs; the embedded-broker variant always runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class CrashRecoveryContainerIT extends StreamTestBase {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @BeforeAll
    static void useContainer() {
        bootstrap = KAFKA.getBootstrapServers();
    }

    @Test
    void killNineMidStreamLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        new CrashRecoveryIT().killNineMidStreamLosesNothingAndDuplicatesNothing(dir);
    }
}
