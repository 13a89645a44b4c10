package io.polyhead.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.Test;

class KafkaExitGuardTest {

    @Test
    void replacesTheProceduresWhileHeldAndRestoresThemAfterTheLastRelease() {
        Exit.Procedure exitBefore = KafkaExitGuard.current("exitProcedure");
        Exit.Procedure haltBefore = KafkaExitGuard.current("haltProcedure");
        assertNotNull(exitBefore, "Exit's private fields are readable in this Kafka version");
        assertNotNull(haltBefore);

        KafkaExitGuard.acquire();
        KafkaExitGuard.acquire(); // a second broker in the same JVM
        try {
            assertNotSame(exitBefore, KafkaExitGuard.current("exitProcedure"));
            assertNotSame(haltBefore, KafkaExitGuard.current("haltProcedure"));
            // Would end this test JVM without the guard; with it, Kafka's request is only logged.
            Exit.exit(3, "test: a broker fault");
            Exit.halt(4, "test: a broker fault");

            KafkaExitGuard.release();
            assertEquals(1, KafkaExitGuard.holders());
            assertNotSame(exitBefore, KafkaExitGuard.current("exitProcedure"), "still held by the other broker");
        } finally {
            KafkaExitGuard.release();
        }
        assertEquals(0, KafkaExitGuard.holders());
        assertSame(exitBefore, KafkaExitGuard.current("exitProcedure"));
        assertSame(haltBefore, KafkaExitGuard.current("haltProcedure"));

        KafkaExitGuard.release(); // an extra release changes nothing
        assertEquals(0, KafkaExitGuard.holders());
        assertSame(exitBefore, KafkaExitGuard.current("exitProcedure"));
    }
}
