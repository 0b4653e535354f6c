package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.ConfiguredDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Finds flow runs whose process died and marks them CRASHED. A process running flow runs stamps
 * their heartbeat every few seconds ({@code BATON_HEARTBEAT_INTERVAL}); a flow run still RUNNING
 * (or CANCELLING), or PENDING, SCHEDULED or PAUSED with a heartbeat, whose heartbeat is older than
 * the crash timeout ({@value #TIMEOUT_ENVIRONMENT}, default 30 s) is marked CRASHED with a message
 * naming its process and its last heartbeat, its unfinished task runs with it, and the concurrency
 * slots they held are freed.
 *
 * <pre>{@code
 * CrashDetector detector = CrashDetector.of(store, CrashDetector.configuredTimeout());
 * List<UUID> crashed = detector.detect();   // e.g. every 10 s in the API server
 * }</pre>
 *
 * <p>An embedded store runs one pass when it opens: the next session finds what the last one left.
 * Marking is one conditional update per flow run, so detectors running at once (several servers,
 * several processes opening stores) never give a run two final states. An API server, which
 * holds its runs' current states in memory, passes a {@link RunLock} to {@link #detect(RunLock)}:
 * each run is checked and marked while the server holds its own lock on it, so no state the
 * server accepts meanwhile can land after CRASHED, and the server learns what was marked.
 */
public final class CrashDetector {
    /** The environment variable with the crash timeout ({@code 30s}, {@code 2m}, {@code PT30S}). */
    public static final String TIMEOUT_ENVIRONMENT = "BATON_CRASH_TIMEOUT";

    /** The crash timeout when {@value #TIMEOUT_ENVIRONMENT} is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.store");
    private static final String UNFINISHED = "'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'";
    /** When a run was last heard of: its heartbeat, else its start, else its creation. */
    private static final String LAST_HEARD = "COALESCE(heartbeat_ns, start_ns, created_ns)";
    private static final String CANDIDATES = "SELECT id, name, flow_name, process, heartbeat_ns, state_type, "
            + LAST_HEARD + " FROM flow_run WHERE (state_type IN ('RUNNING', 'CANCELLING') AND " + LAST_HEARD + " < ?)"
            + " OR (state_type IN ('PENDING', 'SCHEDULED', 'PAUSED') AND heartbeat_ns < ?)"
            // created by a flow process that died before its run started (a process starts its runs at once)
            + " OR (state_type = 'PENDING' AND heartbeat_ns IS NULL AND process IS NOT NULL AND created_ns < ?)";
    // the atomic step: only the detector whose update finds the run still in its state marks it
    private static final String MARK_FLOW_RUN = "UPDATE flow_run SET state_type = 'CRASHED', state_name = 'Crashed',"
            + " end_ns = ? WHERE id = ? AND state_type = ? AND " + LAST_HEARD + " < ?";

    private final Database db;
    private final JdbcRunStore store;
    private final Duration timeout;
    private final Clock clock;

    CrashDetector(Database db, JdbcRunStore store, Duration timeout, Clock clock) {
        this.db = db;
        this.store = store;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * A detector over {@code store}'s database; it writes what the store has queued (heartbeats
     * among it) before each pass.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public static CrashDetector of(JdbcRunStore store, Duration timeout) {
        Objects.requireNonNull(store, "store");
        return new CrashDetector(store.database(), store, checked(timeout), Clock.system());
    }

    /**
     * The crash timeout from {@value #TIMEOUT_ENVIRONMENT}, else {@link #DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if the variable is set to something that is not a positive duration
     */
    public static Duration configuredTimeout() {
        return ConfiguredDuration.fromEnvironment(TIMEOUT_ENVIRONMENT, DEFAULT_TIMEOUT);
    }

    static Duration checked(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The crash timeout must be positive, got " + timeout);
        }
        return timeout;
    }

    /** The timeout after which a silent flow run counts as crashed. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * One flow run a pass marked CRASHED, with its unfinished task runs.
     *
     * @param flowRunId      the flow run
     * @param at             the time of the CRASHED states
     * @param message        the flow run's CRASHED state message: its process and when it was last heard of
     * @param taskRunIds     the task runs marked CRASHED with it (those not in a final state)
     * @param taskRunMessage the message of their CRASHED states
     */
    public record Crash(UUID flowRunId, Instant at, String message, List<UUID> taskRunIds, String taskRunMessage) {}

    /**
     * Lets the caller hold its own lock on a flow run while the detector checks and marks it (an
     * API server: so that no state of the run it accepts meanwhile is written after CRASHED).
     */
    @FunctionalInterface
    public interface RunLock {
        /** No lock: marks at once. */
        RunLock NONE = (flowRunId, mark) -> mark.get();

        /**
         * Calls {@code mark} while holding the lock on {@code flowRunId}; returns what it returns:
         * the crash, or null when the run was not marked (heard from again, finished, marked elsewhere).
         */
        Crash whileHeld(UUID flowRunId, Supplier<Crash> mark);
    }

    /**
     * One pass: marks every flow run whose process has been silent for longer than the timeout
     * CRASHED, with its unfinished task runs, and frees their concurrency slots. Returns the ids of
     * the flow runs this pass marked (not those another detector marked meanwhile).
     *
     * @throws IllegalStateException if the database cannot be read or written, saying why
     */
    public List<UUID> detect() {
        return detect(RunLock.NONE).stream().map(Crash::flowRunId).toList();
    }

    /**
     * One pass, as {@link #detect()}, marking each flow run inside {@code lock}; returns the
     * crashes this pass marked.
     *
     * @throws IllegalStateException if the database cannot be read, saying why
     */
    public List<Crash> detect(RunLock lock) {
        Objects.requireNonNull(lock, "lock");
        if (store != null) store.flushBeforeReading();
        long now = clock.epochNanos();
        long cutoff = now - Math.min(timeout.toNanos(), now);
        List<Candidate> candidates = new ArrayList<>();
        List<Crash> crashed = new ArrayList<>();
        try (Connection c = db.connect()) {
            try (PreparedStatement s = c.prepareStatement(CANDIDATES)) {
                s.setLong(1, cutoff);
                s.setLong(2, cutoff);
                s.setLong(3, cutoff);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        candidates.add(new Candidate(db.getUuid(r, 1), r.getString(2), r.getString(3), r.getString(4),
                                Database.getLong(r, 5), r.getString(6), r.getLong(7)));
                    }
                }
            }
            // the next transactions start with their write: SQLite then never has to upgrade a stale read
            c.rollback();
            for (Candidate candidate : candidates) {
                Crash crash = lock.whileHeld(candidate.id, () -> {
                    try {
                        return mark(c, candidate, cutoff, now);
                    } catch (SQLException e) {
                        rollbackQuietly(c);
                        // a lock another detector holds, or a passing failure: the next pass tries again
                        LOG.warn("Crash detection: could not mark flow run {} ({}) crashed in {}: {}", candidate.id,
                                candidate.label(), db.describe(), e.toString());
                        return null;
                    }
                });
                if (crash != null) crashed.add(crash);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Crash detection could not read the flow runs in " + db.describe() + ": "
                    + e.getMessage(), e);
        }
        return crashed;
    }

    /** Marks one flow run in one transaction; null when it no longer qualifies. */
    private Crash mark(Connection c, Candidate run, long cutoff, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(MARK_FLOW_RUN)) {
            s.setLong(1, now);
            db.setUuid(s, 2, run.id);
            s.setString(3, run.stateType);
            s.setLong(4, cutoff);
            if (s.executeUpdate() == 0) {
                c.rollback(); // heard from again, finished, or marked by another detector
                return null;
            }
        }
        String message = message(run, now);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO flow_run_state (flow_run_id, seq, type, name,"
                + " timestamp_ns, message) VALUES (?, ?, 'CRASHED', 'Crashed', ?, ?)")) {
            db.setUuid(s, 1, run.id);
            s.setInt(2, nextSeq(c, "SELECT MAX(seq) FROM flow_run_state WHERE flow_run_id = ?", run.id));
            s.setLong(3, now);
            s.setString(4, message);
            s.executeUpdate();
        }
        String taskMessage = "Flow run '" + run.name + "' crashed while this task run was unfinished";
        List<UUID> tasks = markTaskRuns(c, run, now, taskMessage);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM concurrency_slot WHERE flow_run_id = ?")) {
            db.setUuid(s, 1, run.id);
            s.executeUpdate();
        }
        c.commit();
        LOG.warn("Flow run {} ({}) marked CRASHED, with {} unfinished task runs: {}", run.id, run.label(),
                tasks.size(), message);
        return new Crash(run.id, Instant.ofEpochSecond(0, now), message, List.copyOf(tasks), taskMessage);
    }

    /** Marks the unfinished task runs of a crashed flow run CRASHED; returns their ids. */
    private List<UUID> markTaskRuns(Connection c, Candidate run, long now, String message) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        String unfinished = " AND (state_type IS NULL OR state_type NOT IN (" + UNFINISHED + "))";
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM task_run WHERE flow_run_id = ?" + unfinished)) {
            db.setUuid(s, 1, run.id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) ids.add(db.getUuid(r, 1));
            }
        }
        if (ids.isEmpty()) return ids;
        String crashed = StateHistory.line(State.of(StateType.CRASHED, null, now, message, null), null);
        try (PreparedStatement row = c.prepareStatement("UPDATE task_run SET state_type = 'CRASHED',"
                + " state_name = 'Crashed', end_ns = ?, history = COALESCE(history, '') || ?,"
                + " state_count = state_count + 1 WHERE id = ?" + unfinished)) {
            for (UUID id : ids) {
                row.setLong(1, now);
                row.setString(2, crashed);
                db.setUuid(row, 3, id);
                row.addBatch();
            }
            row.executeBatch();
        }
        return ids;
    }

    private int nextSeq(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return 0;
                int last = r.getInt(1);
                return r.wasNull() ? 0 : last + 1;
            }
        }
    }

    private String message(Candidate run, long now) {
        String process = run.process == null ? "its process" : "its process (" + run.process + ")";
        String last = run.heartbeatNs == null ? "was last heard of at " + Instant.ofEpochSecond(0, run.lastHeardNs)
                + " (it sent no heartbeat)" : "sent its last heartbeat at " + Instant.ofEpochSecond(0, run.heartbeatNs);
        long silentSeconds = Math.max(0, (now - run.lastHeardNs) / 1_000_000_000L);
        return "Flow run '" + run.name + "' crashed: " + process + " " + last + ", " + silentSeconds
                + " s before it was found, longer than the crash timeout of " + timeout.toMillis() / 1000.0 + " s";
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed after the pass
        }
    }

    @Override
    public String toString() {
        return "CrashDetector[" + db.describe() + ", timeout " + timeout + "]";
    }

    private record Candidate(UUID id, String name, String flowName, String process, Long heartbeatNs, String stateType,
                             long lastHeardNs) {
        String label() {
            return "'" + name + "' of flow '" + flowName + "'";
        }
    }
}
