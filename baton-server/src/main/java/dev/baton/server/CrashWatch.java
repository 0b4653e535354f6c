package dev.baton.server;

import dev.baton.StateType;
import dev.baton.spi.StateRecord;
import dev.baton.store.jdbc.CrashDetector;
import dev.baton.store.jdbc.JdbcRunStore;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's crash detection: every {@link #period} a {@link CrashDetector} pass marks CRASHED
 * the flow runs whose process has not been heard of (heartbeat or state) for longer than the
 * crash timeout, with their unfinished task runs. Each run is marked while the server holds its
 * lock, after what it accepted for the run is written, and the server's view of the runs learns
 * the CRASHED states at once: states a process reports for them later are refused.
 *
 * <p>The first pass waits for one crash timeout after the server started: a client that kept
 * running through a server outage longer than the timeout has had the time to report again
 * (its heartbeats wait in its outbox) before anyone judges it.
 */
final class CrashWatch implements AutoCloseable {
    private static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);

    private final CrashDetector detector;
    private final ActiveRuns runs;
    private final JdbcRunStore store;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("baton-crash-watch").daemon().factory());

    CrashWatch(JdbcRunStore store, Duration timeout, ActiveRuns runs) {
        this.detector = CrashDetector.of(store, timeout);
        this.runs = runs;
        this.store = store;
    }

    /** How often a pass runs: a quarter of the crash timeout, at least a second. */
    static Duration period(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        return quarter.compareTo(SHORTEST_PERIOD) < 0 ? SHORTEST_PERIOD : quarter;
    }

    /** Starts the passes: the first once a crash timeout has passed, then every {@link #period}. */
    CrashWatch start() {
        scheduler.scheduleWithFixedDelay(this::passQuietly, detector.timeout().toNanos(),
                period(detector.timeout()).toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    /** One pass: marks what is silent in the database and in the server's view; returns what it marked. */
    List<CrashDetector.Crash> pass() {
        return detector.detect((flowRunId, mark) -> runs.holdingFlowRun(flowRunId, () -> {
            // what the server accepted for the run before it took the lock is written first: the
            // detector then judges by the latest heartbeat, and nothing of the run lands after CRASHED
            if (!store.flush(FLUSH_TIMEOUT)) return null;
            CrashDetector.Crash crash = mark.get();
            if (crash != null) {
                runs.crashed(flowRunId, new StateRecord(StateType.CRASHED, "Crashed", crash.at(), crash.message(),
                        null, null), crash.taskRunIds(), new StateRecord(StateType.CRASHED, "Crashed", crash.at(),
                        crash.taskRunMessage(), null, null));
            }
            return crash;
        }));
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            // the database may be away for a while: the next pass tries again
            ApiServer.LOG.warn("Crash detection failed; trying again in {} s: {}",
                    period(detector.timeout()).toSeconds(), e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                ApiServer.LOG.warn("Crash detection did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "CrashWatch[" + detector + ", every " + period(detector.timeout()) + "]";
    }
}
