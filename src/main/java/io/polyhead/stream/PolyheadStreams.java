package io.polyhead.stream;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Polyhead Kafka Streams application: starts the topology, waits until it runs, and closes
 * it leaving the consumer group so that a restart rebalances at once. A processing error stops the
 * application (its transaction aborts, nothing is lost) and is reported by {@link #failure()}.
 */
public final class PolyheadStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolyheadStreams.class);

    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public PolyheadStreams(Topology topology, Properties properties) {
        this.streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream processing failed; stopping the application (uncommitted work is redone on restart)", e);
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    /** Starts and waits until the application runs (all tasks assigned and restored). */
    public PolyheadStreams start(Duration timeout) throws InterruptedException {
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the stream application stopped while starting: " + failure.get(),
                        failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stream application did not reach RUNNING within " + timeout
                        + " (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** The Kafka Streams instance (for metrics binding and state queries). */
    public KafkaStreams streams() {
        return streams;
    }

    /** The error that stopped the application, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits until the application stops by itself (an error) or the timeout passes; true if stopped. */
    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
