package io.polyhead.broker;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerBuilderTest {

    @Test
    void rejectsOptionsThatCannotWork() {
        var b = EmbeddedKafkaBroker.builder();
        assertThrows(IllegalArgumentException.class, () -> b.host("0.0.0.0"));
        assertThrows(IllegalArgumentException.class, () -> b.host(" "));
        assertThrows(IllegalArgumentException.class, () -> b.port(-1));
        assertThrows(IllegalArgumentException.class, () -> b.controllerPort(70_000));
        assertThrows(IllegalArgumentException.class, () -> b.startTimeout(Duration.ZERO));
    }

    @Test
    void answersNoAddressBeforeStart() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        assertThrows(IllegalStateException.class, broker::bootstrapServers);
        broker.close(); // closing a broker that never started is fine
        assertThrows(IllegalStateException.class, broker::start);
    }
}
