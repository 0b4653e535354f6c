package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.SharedTagSlots;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Tag concurrency slots kept in the database, so a tag's limit holds across every process using
 * it (directly, or through the API server): a task run carrying tags with limits takes a slot of
 * each, all or none, before it may run, and gives them back when it leaves RUNNING. The limits
 * themselves are set through {@link JdbcRunHistory#putConcurrencyLimit}.
 *
 * <pre>{@code
 * JdbcConcurrencySlots slots = JdbcConcurrencySlots.of(store);
 * if (slots.acquire(taskRunId, flowRunId, Set.of("db")) instanceof Acquisition.RetryAfter wait) { ... }
 * slots.release(taskRunId);
 * }</pre>
 *
 * <p>Taking slots is one transaction that first locks the limits of the run's tags (in tag
 * order, so two acquirers never deadlock; on SQLite, by starting with a write, which serializes
 * writers), then counts the slots held and takes them: concurrent acquirers in any number of
 * processes never hold more slots of a tag than its limit. It answers at once: a tag whose slots
 * are all taken gives {@link Acquisition.RetryAfter}, never a wait here.
 */
public final class JdbcConcurrencySlots implements ConcurrencySlots, AutoCloseable {
    /** How long a run that found a tag's slots taken is told to wait before asking again, by default. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    /** Stands for the flow run of a task run not (yet) in the database. */
    private static final UUID UNKNOWN_FLOW_RUN = new UUID(0, 0);
    private static final int ATTEMPTS = 5;

    private final Database db;
    private final JdbcRunStore store;
    private final IdleConnections connections;
    private final Duration retryAfter;

    private JdbcConcurrencySlots(Database db, JdbcRunStore store, Duration retryAfter) {
        this.db = db;
        this.store = store;
        this.retryAfter = retryAfter;
        this.connections = new IdleConnections(db, 8);
    }

    /** Slots in {@code store}'s database; closing them leaves the store open. */
    public static JdbcConcurrencySlots of(JdbcRunStore store) {
        return new JdbcConcurrencySlots(store.database(), Objects.requireNonNull(store, "store"), DEFAULT_RETRY_AFTER);
    }

    /**
     * Slots in the database at {@code jdbcUrl} (tables in {@code schema}, null for the default),
     * applying the schema migrations if it has none yet.
     *
     * @throws IllegalStateException if the database cannot be opened, saying why
     */
    public static JdbcConcurrencySlots open(String jdbcUrl, String schema) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        JdbcRunStore.Builder.checkSchema(schema);
        Database db = new Database(jdbcUrl, schema);
        try {
            Migrations.apply(db);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot open the concurrency slots at " + db.describe() + ": "
                    + JdbcRunStore.Builder.rootMessage(e) + JdbcRunStore.Builder.hint(db), e);
        }
        return new JdbcConcurrencySlots(db, null, DEFAULT_RETRY_AFTER);
    }

    /** The same slots, telling runs that find a tag full to ask again after {@code delay}. */
    public JdbcConcurrencySlots retryAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) throw new IllegalArgumentException("retryAfter cannot be negative, got " + delay);
        return new JdbcConcurrencySlots(db, store, delay);
    }

    /**
     * Takes a slot of every limited tag of task run {@code runId} (its flow run looked up in the
     * database), all or none.
     */
    @Override
    public Acquisition acquire(UUID runId, Set<String> tags) {
        Objects.requireNonNull(runId, "runId");
        if (tags == null || tags.isEmpty()) return Acquisition.ACQUIRED;
        if (store != null) store.flushBeforeReading();
        UUID flowRunId = run("find the flow run of task run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT flow_run_id FROM task_run WHERE id = ?")) {
                db.setUuid(s, 1, runId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? db.getUuid(r, 1) : UNKNOWN_FLOW_RUN;
                }
            }
        });
        return acquire(runId, flowRunId, tags);
    }

    /**
     * Takes a slot of every limited tag in {@code tags} for task run {@code taskRunId} of flow run
     * {@code flowRunId}, all or none: {@link Acquisition#ACQUIRED} (also when none of the tags has
     * a limit, and when the run holds its slots already), or {@link Acquisition.RetryAfter} naming
     * a tag whose slots are all taken (a limit of 0 is never free).
     *
     * @throws IllegalStateException if the database cannot be reached, saying why
     */
    public Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) {
        Objects.requireNonNull(taskRunId, "taskRunId");
        if (tags == null || tags.isEmpty()) return Acquisition.ACQUIRED;
        TreeSet<String> sorted = new TreeSet<>();
        for (String tag : tags) {
            if (tag != null && !tag.isBlank() && tag.length() <= 200) sorted.add(tag);
        }
        if (sorted.isEmpty()) return Acquisition.ACQUIRED;
        UUID flowRun = flowRunId == null ? UNKNOWN_FLOW_RUN : flowRunId;
        return run("take concurrency slots of tags " + sorted + " for task run " + taskRunId,
                c -> take(c, taskRunId, flowRun, List.copyOf(sorted)));
    }

    private Acquisition take(Connection c, UUID taskRunId, UUID flowRunId, List<String> tags) throws SQLException {
        Map<String, Integer> limits = lockLimits(c, tags);
        if (limits.isEmpty()) {
            c.rollback();
            return Acquisition.ACQUIRED;
        }
        List<String> toTake = new ArrayList<>();
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            String tag = limit.getKey();
            int held = 0;
            boolean mine = false;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT task_run_id FROM concurrency_slot WHERE tag = ?")) {
                s.setString(1, tag);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (taskRunId.equals(db.getUuid(r, 1))) mine = true;
                        else held++;
                    }
                }
            }
            if (mine) continue;
            if (held >= limit.getValue()) {
                c.rollback();
                return new Acquisition.RetryAfter(retryAfter, tag);
            }
            toTake.add(tag);
        }
        if (!toTake.isEmpty()) {
            long now = Clock.system().epochNanos();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO concurrency_slot (tag, task_run_id, flow_run_id,"
                    + " acquired_ns) VALUES (?, ?, ?, ?)")) {
                for (String tag : toTake) {
                    s.setString(1, tag);
                    db.setUuid(s, 2, taskRunId);
                    db.setUuid(s, 3, flowRunId);
                    s.setLong(4, now);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        c.commit();
        return Acquisition.ACQUIRED;
    }

    /**
     * Locks the limits of {@code tags} (sorted) for this transaction and returns them by tag:
     * PostgreSQL and H2 lock the rows in tag order; SQLite takes the database's write lock by
     * starting with a write, so its reads after it see every slot committed before.
     */
    private Map<String, Integer> lockLimits(Connection c, List<String> tags) throws SQLException {
        String in = "?" + ", ?".repeat(tags.size() - 1);
        if (db.dialect() == Database.Dialect.SQLITE) {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE concurrency_limit SET slot_limit = slot_limit WHERE tag IN (" + in + ")")) {
                for (int i = 0; i < tags.size(); i++) s.setString(i + 1, tags.get(i));
                if (s.executeUpdate() == 0) return Map.of();
            }
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tag, slot_limit FROM concurrency_limit WHERE tag IN ("
                + in + ") ORDER BY tag" + (db.dialect() == Database.Dialect.SQLITE ? "" : " FOR UPDATE"))) {
            for (int i = 0; i < tags.size(); i++) s.setString(i + 1, tags.get(i));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) limits.put(r.getString(1), r.getInt(2));
            }
        }
        return limits;
    }

    /** Gives back every slot task run {@code runId} holds; nothing if it holds none. */
    @Override
    public void release(UUID runId) {
        Objects.requireNonNull(runId, "runId");
        run("release the concurrency slots of task run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM concurrency_slot WHERE task_run_id = ?")) {
                db.setUuid(s, 1, runId);
                s.executeUpdate();
            }
            c.commit();
            return null;
        });
    }

    /** Every limit, by tag. @throws IllegalStateException if the database cannot be reached, saying why */
    public Map<String, Integer> limits() {
        return run("read the concurrency limits", c -> {
            Map<String, Integer> limits = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT tag, slot_limit FROM concurrency_limit");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) limits.put(r.getString(1), r.getInt(2));
            }
            c.rollback();
            return limits;
        });
    }

    /**
     * These slots as the engine uses them in embedded and database mode
     * ({@link JdbcRunStore#concurrencySlots()}): knowing which tags have limits (read again at
     * most every 2 s), so runs without a limited tag never reach the database, and waiting out
     * a database that cannot be reached instead of failing runs.
     */
    SharedTagSlots shared() {
        SharedTagSlots.Service service = new SharedTagSlots.Service() {
            @Override
            public Map<String, Integer> limits() {
                try {
                    return JdbcConcurrencySlots.this.limits();
                } catch (IllegalStateException e) {
                    throw new SharedTagSlots.Unavailable(e.getMessage(), e);
                }
            }

            @Override
            public Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) {
                try {
                    return JdbcConcurrencySlots.this.acquire(taskRunId, flowRunId, tags);
                } catch (IllegalStateException e) {
                    throw new SharedTagSlots.Unavailable(e.getMessage(), e);
                }
            }

            @Override
            public void release(UUID taskRunId) {
                try {
                    JdbcConcurrencySlots.this.release(taskRunId);
                } catch (IllegalStateException e) {
                    throw new SharedTagSlots.Unavailable(e.getMessage(), e);
                }
            }
        };
        return new SharedTagSlots(service, "the database " + db.describe(), Clock.system(), retryAfter);
    }

    /** Closes the kept connections (not the store it was made over). */
    @Override
    public void close() {
        connections.close();
    }

    @Override
    public String toString() {
        return "JdbcConcurrencySlots[" + db.describe() + "]";
    }

    /** Runs {@code work} in a transaction, again (with a short pause) after a deadlock, a busy database or a lost connection. */
    private <T> T run(String action, IdleConnections.Work<T> work) {
        try {
            return connections.withRetries(ATTEMPTS, 10, work);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not " + action + " in " + db.describe() + ": " + e.getMessage(), e);
        }
    }
}
