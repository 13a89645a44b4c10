package io.polyhead.broker;

import java.lang.reflect.Field;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an in-process Kafka server from ending the host JVM. Kafka's fatal fault handlers call
 * {@link Exit#exit} and {@link Exit#halt}, which default to {@code System.exit} and
 * {@code Runtime.halt}; inside Polyhead that would take the learner down with the broker.
 *
 * <p>The procedures are JVM-wide statics, so this guard counts the brokers that hold it: the first
 * {@link #acquire()} saves the current procedures and installs ones that only log; the last
 * {@link #release()} puts the saved ones back. While any embedded broker runs, every Kafka
 * component in the JVM sees the logging procedures.
 *
 * <p>{@code Exit.resetExitProcedure()} is no way to restore: in Kafka 4.4 it installs a procedure
 * that throws ("Exit called after resetting procedures"), not the default. Exit has no getter, so
 * the current procedures are read from its private fields; if that ever fails, release installs
 * procedures equivalent to the defaults.
 */
final class KafkaExitGuard {
    private static final Logger log = LoggerFactory.getLogger(KafkaExitGuard.class);

    private static int holders;
    private static Exit.Procedure savedExit;
    private static Exit.Procedure savedHalt;

    private KafkaExitGuard() {
    }

    /** Installs the logging procedures unless another broker already did. */
    static synchronized void acquire() {
        if (holders++ > 0) {
            return;
        }
        savedExit = current("exitProcedure");
        savedHalt = current("haltProcedure");
        Exit.setExitProcedure((status, message) -> log.error(
                "Kafka asked to exit the JVM with status {} ({}); ignored, the embedded broker may be unusable",
                status, message));
        Exit.setHaltProcedure((status, message) -> log.error(
                "Kafka asked to halt the JVM with status {} ({}); ignored, the embedded broker may be unusable",
                status, message));
    }

    /** Restores the saved procedures when the last holder lets go. Extra calls are ignored. */
    static synchronized void release() {
        if (holders == 0 || --holders > 0) {
            return;
        }
        Exit.setExitProcedure(savedExit != null ? savedExit : (status, message) -> System.exit(status));
        Exit.setHaltProcedure(savedHalt != null ? savedHalt : (status, message) -> Runtime.getRuntime().halt(status));
        savedExit = null;
        savedHalt = null;
    }

    /** How many brokers hold the guard now; for tests. */
    static synchronized int holders() {
        return holders;
    }

    /** The procedure Exit would run now, or null if its private field cannot be read. */
    static Exit.Procedure current(String fieldName) {
        try {
            Field field = Exit.class.getDeclaredField(fieldName);
            field.setAccessible(true);
            return (Exit.Procedure) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Cannot read Exit.{}; the default will be restored instead", fieldName, e);
            return null;
        }
    }
}
