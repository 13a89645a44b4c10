package io.polyhead.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, SIGTERM) for a command that must finish its own work first: a shutdown hook runs
 * {@code onSignal} (tell the command to stop), then keeps the JVM alive until the command calls
 * {@link #close} (summary printed, clients closed), for at most the given time. Closing removes the
 * hook when the command ends on its own.
 */
final class GracefulStop implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param name     the hook thread's name
     * @param seconds  longest wait for {@link #close} after the signal
     * @param onSignal what the hook does first; runs on the hook's thread
     */
    GracefulStop(String name, long seconds, Runnable onSignal) {
        hook = new Thread(() -> {
            onSignal.run();
            try {
                done.await(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command has finished: a waiting hook lets the JVM exit; otherwise the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and was waiting for this.
        }
    }
}
