package io.polyhead.stream.client;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop to a mean rate of permits per second, token-bucket style: permits accrue at the rate
 * and at most {@code burst} of them may be banked, so after a stall (a full producer buffer, a slow
 * disk) the loop catches up by at most {@code burst} permits instead of flooding.
 *
 * <p>Each permit has a scheduled time {@code 1/rate} after the previous one; {@link #acquire} waits
 * until it. A sleep that wakes late is made up by the next permits being due at once, so the mean rate
 * stays accurate however coarse the sleeps are. Not thread-safe: one loop owns it.
 */
public final class RateLimiter {

    /** Where time comes from; tests pass a fake one whose sleeps only move its hands. */
    public interface Clock {
        /** Monotonic nanoseconds. */
        long nanoTime();

        /** Waits about {@code nanos} (positive). */
        void sleepNanos(long nanos) throws InterruptedException;

        /** The JVM's monotonic clock, sleeping with {@link LockSupport#parkNanos(long)}. */
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                LockSupport.parkNanos(nanos);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        };
    }

    private final double permitsPerSecond;
    private final double intervalNanos;
    private final double burstNanos;
    private final Clock clock;
    /** When the next permit is due; NaN until the first acquire. */
    private double nextFree = Double.NaN;

    /**
     * @param permitsPerSecond mean rate; 0 = unlimited ({@link #acquire} never waits)
     * @param burst            permits that may be banked while the loop is slow, at least 1. It also
     *                         absorbs late wake-ups: a bucket shorter than the sleep jitter (about
     *                         0.1 ms) loses that lateness and runs below the rate.
     * @param clock            time source. Never null.
     */
    public RateLimiter(double permitsPerSecond, double burst, Clock clock) {
        if (!(permitsPerSecond >= 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("rate must be 0 (unlimited) or a positive number of events per second. Got: "
                    + permitsPerSecond);
        }
        if (!(burst >= 1)) {
            throw new IllegalArgumentException("burst must be at least 1 permit. Got: " + burst);
        }
        this.permitsPerSecond = permitsPerSecond;
        this.intervalNanos = permitsPerSecond == 0 ? 0 : 1e9 / permitsPerSecond;
        this.burstNanos = (burst - 1) * intervalNanos;
        this.clock = clock;
    }

    /** {@code permitsPerSecond} on the system clock, banking at most 100 ms of permits (at least 1). */
    public static RateLimiter perSecond(double permitsPerSecond) {
        return new RateLimiter(permitsPerSecond, Math.max(1, permitsPerSecond * 0.1), Clock.SYSTEM);
    }

    /** A limiter that never waits. */
    public static RateLimiter unlimited() {
        return new RateLimiter(0, 1, Clock.SYSTEM);
    }

    /** Events per second; 0 = unlimited. */
    public double rate() {
        return permitsPerSecond;
    }

    /**
     * Takes one permit and returns how many nanoseconds its holder should wait before using it (0 when
     * it is due already). Does not wait; {@link #acquire} does.
     */
    public long reserve() {
        if (permitsPerSecond == 0) {
            return 0;
        }
        double now = clock.nanoTime();
        if (Double.isNaN(nextFree) || nextFree < now - burstNanos) {
            // Idle for longer than the bucket holds: bank a full bucket, no more.
            nextFree = now - burstNanos;
        }
        double due = nextFree;
        nextFree += intervalNanos;
        return due <= now ? 0 : (long) Math.ceil(due - now);
    }

    /** Takes one permit, waiting until it is due. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }
}
