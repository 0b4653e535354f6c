package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.TaskRunDetail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The run history in a database, for the CLI and the API server to read and administer: flows
 * by name, flow runs by filter with paging, a flow run in full (state history, its first task runs
 * with their histories and dependencies, subflow runs), a flow run's task runs a page at a time,
 * task runs, log lines, tag concurrency limits, and deployments with their scheduled runs.
 *
 * <pre>{@code
 * try (RunHistory history = JdbcRunHistory.open(BatonRuntime.defaultHome())) {
 *     history.flowRuns(FlowRunFilter.all(20)).items().forEach(r -> System.out.println(r.name() + " " + r.state()));
 * }
 * }</pre>
 *
 * <p>Opened on its own it connects to the database itself (applying the schema migrations if the
 * database has none yet); opened {@linkplain #of(JdbcRunStore) over a store} it shares that store's
 * database and first writes what the store still has queued, so a reader sees what was recorded.
 * Every value from a caller reaches the database as a bound parameter.
 */
public final class JdbcRunHistory implements RunHistory {
    /** How many open connections are kept between calls. */
    private static final int IDLE_CONNECTIONS = 4;

    private final Database db;
    private final JdbcRunStore store;
    private final HistoryQueries queries;
    private final FlowRunAdministration administration;
    private final IdleConnections connections;
    private final JdbcDeployments deployments;

    private JdbcRunHistory(Database db, JdbcRunStore store) {
        this.db = db;
        this.store = store;
        this.queries = new HistoryQueries(db);
        this.administration = new FlowRunAdministration(db);
        this.connections = new IdleConnections(db, IDLE_CONNECTIONS);
        this.deployments = new JdbcDeployments(db, connections, store == null ? () -> {} : store::flushBeforeReading);
    }

    /**
     * The history this process would record in: the database named by
     * {@value JdbcRunStore#DATABASE_URL_PROPERTY} or {@value JdbcRunStore#DATABASE_URL_ENVIRONMENT},
     * else the embedded database file under {@code batonHome} (made if missing).
     *
     * @throws IllegalStateException if the database cannot be opened, saying why
     */
    public static JdbcRunHistory open(Path batonHome) {
        String url = JdbcRunStore.configuredUrl();
        if (url != null) return open(url, null);
        try {
            Files.createDirectories(batonHome);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the run history under " + batonHome + ": " + e.getMessage()
                    + " (set BATON_HOME to a writable directory)", e);
        }
        return open(Database.embeddedUrl(batonHome), null);
    }

    /**
     * The history in the database at {@code jdbcUrl}, its tables in {@code schema} (null: the
     * connection's default schema).
     *
     * @throws IllegalArgumentException if the URL names an unsupported database or the schema is not a plain name
     * @throws IllegalStateException if the database cannot be opened, saying why
     */
    public static JdbcRunHistory open(String jdbcUrl, String schema) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        JdbcRunStore.Builder.checkSchema(schema);
        Database db = new Database(jdbcUrl, schema);
        try {
            Migrations.apply(db);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot open the run history at " + db.describe() + ": "
                    + JdbcRunStore.Builder.rootMessage(e) + JdbcRunStore.Builder.hint(db), e);
        }
        return new JdbcRunHistory(db, null);
    }

    /** The history of {@code store}'s database; closing it leaves the store open. */
    public static JdbcRunHistory of(JdbcRunStore store) {
        return new JdbcRunHistory(store.database(), store);
    }

    @Override
    public Page<FlowSummary> flows(int offset, int limit) {
        FlowSummary.checkPage(offset, limit);
        return read("flows", c -> queries.flows(c, offset, limit));
    }

    @Override
    public Optional<FlowSummary> flow(String name) {
        Objects.requireNonNull(name, "name");
        return read("flow '" + name + "'", c -> queries.flow(c, name));
    }

    @Override
    public Page<FlowRunSummary> flowRuns(FlowRunFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return read("flow runs", c -> queries.flowRuns(c, filter));
    }

    @Override
    public Optional<FlowRunDetail> flowRun(UUID id) {
        Objects.requireNonNull(id, "id");
        return read("flow run " + id, c -> queries.flowRun(c, id));
    }

    @Override
    public List<FlowRunSummary> flowRunsByReference(String reference, int limit) {
        checkReference(reference, limit);
        return read("flow runs matching '" + reference + "'", c -> queries.flowRunsByReference(c, reference, limit));
    }

    static void checkReference(String reference, int limit) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("A flow run reference must be an id, the start of one, or a name;"
                    + " got '" + reference + "'");
        }
        if (limit < 1 || limit > FlowRunFilter.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + FlowRunFilter.MAX_LIMIT + ", not "
                    + limit);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the flow run's row and history go CANCELLING at once; its process, which reads its
     * runs' states with every heartbeat ({@code BATON_HEARTBEAT_INTERVAL}), cancels it within one.
     */
    @Override
    public Optional<FlowRunSummary> cancelFlowRun(UUID id) {
        Objects.requireNonNull(id, "id");
        if (store != null) store.flushBeforeReading();
        FlowRunAdministration.Cancelled done = write("the cancellation of flow run " + id,
                c -> administration.cancel(c, id));
        if (done == FlowRunAdministration.Cancelled.NO_SUCH_RUN) return Optional.empty();
        return flowRun(id).map(FlowRunDetail::run);
    }

    @Override
    public boolean deleteFlowRun(UUID id) {
        Objects.requireNonNull(id, "id");
        if (store != null) store.flushBeforeReading();
        return write("the deletion of flow run " + id, c -> administration.delete(c, id));
    }

    @Override
    public Optional<Page<TaskRunDetail>> taskRuns(UUID flowRunId, int offset, int limit) {
        Objects.requireNonNull(flowRunId, "flowRunId");
        RunHistory.checkTaskRunPage(offset, limit);
        return read("task runs of flow run " + flowRunId, c -> queries.taskRuns(c, flowRunId, offset, limit));
    }

    @Override
    public Optional<TaskRunDetail> taskRun(UUID id) {
        Objects.requireNonNull(id, "id");
        return read("task run " + id, c -> queries.taskRun(c, id));
    }

    @Override
    public Page<LogLine> logs(LogFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return read("log lines", c -> queries.logs(c, filter));
    }

    /**
     * One crash detection pass over this history's database ({@link CrashDetector}): each flow
     * run whose process has not been heard of for longer than {@code timeout} is marked CRASHED,
     * with its unfinished task runs, and the slots they held are freed. A reader that makes one
     * first (the CLI does) shows a flow run whose process was killed as Crashed, not as Running
     * with a growing duration until another flow process opens the database. It costs one query
     * when no run is stale. Returns the ids of the flow runs it marked.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if the database cannot be read, saying why
     */
    public List<UUID> markCrashed(Duration timeout) {
        return new CrashDetector(db, store, CrashDetector.checked(timeout), Clock.system()).detect();
    }

    /** The deployments in this database, with their scheduled runs (which are flow runs here too). */
    @Override
    public Deployments deployments() {
        return deployments;
    }

    // ----- concurrency limits -----

    @Override
    public List<ConcurrencyLimit> concurrencyLimits() {
        return read("the concurrency limits", c -> {
            List<ConcurrencyLimit> limits = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT tag, slot_limit, created_ns FROM concurrency_limit ORDER BY tag");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String tag = r.getString(1);
                    limits.add(new ConcurrencyLimit(tag, r.getInt(2), HistoryQueries.instant(r.getLong(3)),
                            activeSlots(c, tag)));
                }
            }
            return limits;
        });
    }

    @Override
    public Optional<ConcurrencyLimit> concurrencyLimit(String tag) {
        checkTag(tag);
        return read("the concurrency limit of tag '" + tag + "'", c -> limit(c, tag));
    }

    private Optional<ConcurrencyLimit> limit(Connection c, String tag) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT slot_limit, created_ns FROM concurrency_limit WHERE tag = ?")) {
            s.setString(1, tag);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return Optional.of(new ConcurrencyLimit(tag, r.getInt(1), HistoryQueries.instant(r.getLong(2)),
                        activeSlots(c, tag)));
            }
        }
    }

    private List<UUID> activeSlots(Connection c, String tag) throws SQLException {
        List<UUID> holders = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT task_run_id FROM concurrency_slot WHERE tag = ? ORDER BY acquired_ns, task_run_id")) {
            s.setString(1, tag);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) holders.add(db.getUuid(r, 1));
            }
        }
        return holders;
    }

    /**
     * Creates the limit of {@code tag}, or changes it (keeping when it was created and the slots
     * held now: a lower limit only makes new task runs wait).
     *
     * @throws IllegalArgumentException if the tag is blank or too long, or the limit negative
     */
    @Override
    public ConcurrencyLimit putConcurrencyLimit(String tag, int limit) {
        checkTag(tag);
        if (limit < 0) {
            throw new IllegalArgumentException("The concurrency limit of tag '" + tag + "' must be 0 or more (0 lets"
                    + " no task run with the tag start), not " + limit);
        }
        return write("the concurrency limit of tag '" + tag + "'", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE concurrency_limit SET slot_limit = ? WHERE tag = ?")) {
                u.setInt(1, limit);
                u.setString(2, tag);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement i = c.prepareStatement(
                            "INSERT INTO concurrency_limit (tag, slot_limit, created_ns) VALUES (?, ?, ?)")) {
                        i.setString(1, tag);
                        i.setInt(2, limit);
                        i.setLong(3, Clock.system().epochNanos());
                        i.executeUpdate();
                    }
                }
            }
            c.commit();
            return limit(c, tag).orElseThrow();
        });
    }

    /** Deletes the limit of {@code tag} and forgets its slots; false if there was none. */
    @Override
    public boolean deleteConcurrencyLimit(String tag) {
        checkTag(tag);
        return write("the concurrency limit of tag '" + tag + "'", c -> {
            int deleted;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM concurrency_limit WHERE tag = ?")) {
                s.setString(1, tag);
                deleted = s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM concurrency_slot WHERE tag = ?")) {
                s.setString(1, tag);
                s.executeUpdate();
            }
            c.commit();
            return deleted > 0;
        });
    }

    static void checkTag(String tag) {
        if (tag == null || tag.isBlank()) throw new IllegalArgumentException("A concurrency limit needs a tag, not '"
                + tag + "'");
        if (tag.length() > 200) {
            throw new IllegalArgumentException("A tag is at most 200 characters; this one has " + tag.length() + ": '"
                    + tag.substring(0, 40) + "...'");
        }
    }

    // ----- plumbing -----

    @Override
    public String description() {
        return db.describe();
    }

    /** Closes the kept connections (not the store it was opened over). */
    @Override
    public void close() {
        connections.close();
    }

    @Override
    public String toString() {
        return "JdbcRunHistory[" + db.describe() + "]";
    }

    private <T> T read(String what, IdleConnections.Work<T> work) {
        if (store != null) store.flushBeforeReading();
        return run("read " + what + " from", work);
    }

    private <T> T write(String what, IdleConnections.Work<T> work) {
        return run("write " + what + " to", work);
    }

    private <T> T run(String action, IdleConnections.Work<T> work) {
        try {
            // a kept connection that went stale is dropped, and the next try takes a new one
            return connections.withRetries(3, 0, work);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not " + action + " the run history at " + db.describe() + ": "
                    + e.getMessage(), e);
        }
    }
}
