package dev.baton;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The time the engine lives by: state timestamps, retry delays, timeouts and cache expiry
 * all go through it, so tests can run them on fake time ({@code dev.baton.testing.FakeClock})
 * instead of sleeping.
 */
public interface Clock {

    /** Now, in nanoseconds since the epoch. */
    long epochNanos();

    /** Now, as an instant. */
    default Instant now() {
        return Instant.ofEpochSecond(0, epochNanos());
    }

    /** Blocks the calling thread for {@code duration} of this clock's time. */
    void sleep(Duration duration) throws InterruptedException;

    /** Runs {@code action} once {@code delay} of this clock's time has passed, on a thread of the clock's. */
    Timer schedule(Runnable action, Duration delay);

    /** A scheduled action that has not run yet. */
    interface Timer {
        /** Stops the action from running, if it has not started. */
        void cancel();
    }

    /** The system clock, with one daemon thread for scheduled actions. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** The wall clock and a shared timer thread. */
    final class SystemClock implements Clock {
        static final SystemClock INSTANCE = new SystemClock();
        private final ScheduledThreadPoolExecutor timer;

        private SystemClock() {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "baton-clock");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
        }

        @Override
        public long epochNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            long nanos = duration.toNanos();
            if (nanos > 0) TimeUnit.NANOSECONDS.sleep(nanos);
        }

        @Override
        public Timer schedule(Runnable action, Duration delay) {
            ScheduledFuture<?> f = timer.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public String toString() {
            return "Clock.system()";
        }
    }
}
