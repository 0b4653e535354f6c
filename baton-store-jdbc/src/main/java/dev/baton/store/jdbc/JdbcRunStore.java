package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.ConfiguredDuration;
import dev.baton.spi.Deployments;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventKind;
import dev.baton.spi.RunEventQueue;
import dev.baton.spi.RunStore;
import dev.baton.spi.SharedTagSlots;

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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A run store in a database: the embedded database file under the Baton home by default, or
 * PostgreSQL. Runs recorded here outlive the process, and other processes (the CLI, a server)
 * can read them.
 *
 * <pre>{@code
 * try (JdbcRunStore store = JdbcRunStore.builder().url("jdbc:postgresql://127.0.0.1:5432/baton?user=baton").build()) {
 *     store.flowRuns().forEach(r -> System.out.println(r.name() + " " + r.state()));
 * }
 * }</pre>
 *
 * <p>Recording costs the engine no I/O: each call on the engine's hot path only appends to a
 * bounded queue (waiting when it is full), and one writer thread writes what has queued up in
 * batches, one transaction each, keeping every run's states in order. {@link #flowRunFinished}
 * returns once everything of that flow run is in the database, and a JVM shutdown hook writes
 * whatever is still queued. Flow runs read back ({@link #flowRuns()}, {@link #flowRun(UUID)})
 * are read-only, with their full state histories, task runs and dependencies, but no return
 * values; {@link JdbcRunHistory} reads more (filters, paging, log lines) for the CLI and server.
 *
 * <p>The same queue carries the log lines written during runs ({@link Builder#recordLogs}), what
 * other processes reported through the API server ({@link #record(List)}), and the heartbeats
 * of this process's running flow runs ({@link Builder#heartbeatInterval}), by which a
 * {@link CrashDetector} tells a dead process's runs from live ones. Opening a store makes one
 * detection pass: runs a killed process left RUNNING are marked CRASHED by the next session.
 *
 * <p>The database also keeps deployments and their scheduled runs ({@link #deployments()}), so
 * that runners and workers in any number of processes share them; a scheduled run is a flow run
 * that a runner claims and then runs as that same run ({@link #flowRunResumed}).
 */
public final class JdbcRunStore implements RunStore, AutoCloseable {

    /** The environment variable naming the database (a JDBC URL); unset means the embedded file. */
    public static final String DATABASE_URL_ENVIRONMENT = "BATON_DATABASE_URL";

    /** The system property naming the database; wins over the environment. */
    public static final String DATABASE_URL_PROPERTY = "baton.database.url";

    /** How many events may wait for the writer, per buffer (there are two), by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 32_768;

    /** How long a write failing for a passing reason is tried again before its records are given up, by default. */
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(60);

    /** The environment variable with the heartbeat interval ({@code 5s}, {@code 500ms}, {@code PT5S}). */
    public static final String HEARTBEAT_INTERVAL_ENVIRONMENT = "BATON_HEARTBEAT_INTERVAL";

    /**
     * {@code batched} (the default): the engine only queues each state, and the writer commits
     * them in batches, so a process killed with kill -9 may lose the last few milliseconds of
     * states. {@code commit}: a task run's or flow run's final state is committed before its future
     * resolves (before {@code result()} returns), at the cost of a commit per task run, shared by
     * the task runs that end at the same time.
     */
    public static final String DURABILITY_ENVIRONMENT = "BATON_DURABILITY";

    /** When a state is durable: see {@value JdbcRunStore#DURABILITY_ENVIRONMENT}. */
    public enum Durability {
        /** States are committed in batches, a few milliseconds after they happen. */
        BATCHED,
        /** A final state is committed before the run's future resolves. */
        COMMIT;

        /**
         * The durability named by {@value JdbcRunStore#DURABILITY_ENVIRONMENT}, {@link #BATCHED} when unset.
         *
         * @throws IllegalArgumentException for another value, saying which are allowed
         */
        public static Durability configured() {
            String v = System.getenv(DURABILITY_ENVIRONMENT);
            if (v == null || v.isBlank()) return BATCHED;
            return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "batched" -> BATCHED;
                case "commit" -> COMMIT;
                default -> throw new IllegalArgumentException(DURABILITY_ENVIRONMENT + " is '" + v + "'; set it to"
                        + " 'batched' (the default: states committed in batches) or 'commit' (each final state"
                        + " committed before its run's future resolves), or unset it");
            };
        }
    }

    /** How often the flow runs of this process have their heartbeat stamped, by default. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    private final Database db;
    private final RunEventQueue queue;
    private final BatchWriter writer;
    /** Whether the writer has stopped: nothing more will be handled. */
    private final BooleanSupplier writerGone;
    private final RunReader reader;
    private final Duration retryPeriod;
    private final boolean recordLogs;
    /** {@link Durability#COMMIT}: a final state is committed before the call recording it returns. */
    private final boolean commitFinalStates;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    /** The flow runs of this process started and not finished: their heartbeats are stamped. */
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final Duration heartbeatInterval;
    private final Thread heartbeats;
    /** Told the flow runs of this process asked to cancel from outside it; null: nobody asks. */
    private volatile Consumer<UUID> cancellationListener;
    private final Object slotsLock = new Object();
    private SharedTagSlots slots;                // made on first use, with the connections they keep
    private JdbcConcurrencySlots databaseSlots;
    /** The connections of {@link #deployments}: none is opened before it is first used. */
    private final IdleConnections deploymentConnections;
    private final JdbcDeployments deployments;

    private JdbcRunStore(Builder b, Database db, BatchSql connected) {
        this.db = db;
        this.retryPeriod = b.retryPeriod;
        this.recordLogs = b.recordLogs;
        this.commitFinalStates = b.durability == Durability.COMMIT;
        this.queue = new RunEventQueue(b.queueCapacity);
        this.writer = new BatchWriter(db, queue, b.retryPeriod, connected);
        this.writerGone = () -> !writer.isAlive();
        this.reader = new RunReader(db);
        this.deploymentConnections = new IdleConnections(db, 2);
        this.deployments = new JdbcDeployments(db, deploymentConnections, this::flushBeforeReading);
        writer.start("baton-run-store-writer");
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeats = Thread.ofPlatform().name("baton-run-store-heartbeat").daemon().start(this::stampHeartbeats);
        this.shutdownHook = Thread.ofPlatform().name("baton-run-store-shutdown").unstarted(() -> {
            dev.baton.spi.ProcessShutdown.run(); // runners stop their runs first, so their last states are written
            close();
        });
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Opens the store this process should record in: the database named by the system property
     * {@value #DATABASE_URL_PROPERTY} or the environment variable {@value #DATABASE_URL_ENVIRONMENT},
     * else the embedded database file under {@code batonHome}.
     *
     * @throws IllegalStateException if the database cannot be opened, saying why
     */
    public static JdbcRunStore open(Path batonHome) {
        String url = configuredUrl();
        return (url == null ? builder().embedded(batonHome) : builder().url(url)).build();
    }

    /** The database URL from {@value #DATABASE_URL_PROPERTY} or {@value #DATABASE_URL_ENVIRONMENT}, or null. */
    public static String configuredUrl() {
        String url = System.getProperty(DATABASE_URL_PROPERTY);
        if (url == null || url.isBlank()) url = System.getenv(DATABASE_URL_ENVIRONMENT);
        return url == null || url.isBlank() ? null : url.strip();
    }

    /** The JDBC URL of the embedded database file under {@code batonHome}. */
    public static String embeddedUrl(Path batonHome) {
        return Database.embeddedUrl(batonHome);
    }

    /** A builder for a store. */
    public static Builder builder() {
        return new Builder();
    }

    // ----- the engine's calls: enqueue only -----

    @Override
    public void flowRunStarted(FlowRun<?> run) {
        enqueue(RunEventKind.FLOW_RUN_CREATED, run, null);
        running.add(run.id());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the flow run's row is there, PENDING (its claim wrote it, with this process and a
     * heartbeat), so nothing is written now; its heartbeat is stamped from here on, and each state
     * that follows updates its row and goes into its history after those it has (numbered by its
     * place in {@code run.history()}, which holds them).
     */
    @Override
    public void flowRunResumed(FlowRun<?> run) {
        // the claim named the claiming process; a worker's run goes on in a JVM of its own: this one,
        // whose heartbeats it gets and which reads its cancellation
        deployments.takeOver(run.id(), ThisProcess.name());
        running.add(run.id());
    }

    /**
     * The deployments in this store's database, with their scheduled runs, shared by every process
     * using it; what they read includes what this store still had queued.
     */
    @Override
    public Optional<Deployments> deployments() {
        return Optional.of(deployments);
    }

    @Override
    public void taskRunCreated(TaskRun run) {
        enqueue(RunEventKind.TASK_RUN_CREATED, run, null);
    }

    @Override
    public void taskRunState(TaskRun run, State state) {
        enqueue(RunEventKind.TASK_RUN_STATE, run, state);
        if (commitFinalStates && state.isFinal()) committed(run.name(), state);
    }

    @Override
    public void flowRunState(FlowRun<?> run, State state) {
        enqueue(RunEventKind.FLOW_RUN_STATE, run, state);
        if (commitFinalStates && state.isFinal()) committed(run.name(), state);
    }

    /** Waits until everything queued so far is written ({@link Durability#COMMIT}); says so loudly if it is not. */
    private void committed(String runName, State state) {
        if (!queue.awaitHandledUninterruptibly(queue.enqueued(), retryPeriod.plusSeconds(30), writerGone)) {
            BatchWriter.LOG.error("Run store: the {} state of '{}' is not confirmed written to {} ({}={}): the writer"
                    + " did not finish in time", state.type(), runName, db.describe(), DURABILITY_ENVIRONMENT, "commit");
        }
    }

    /** True unless the builder said {@link Builder#recordLogs recordLogs(false)}. */
    @Override
    public boolean recordsLogs() {
        return recordLogs;
    }

    @Override
    public void log(LogLine line) {
        enqueue(RunEventKind.LOG, line, null);
    }

    /**
     * Records what another process reported (through the API server), in order, the same way as
     * the engine's own calls: queued here, written in batches by the writer, each run's events in
     * the order given. Returns once queued (waiting while the queue is full); {@link #flush}
     * waits until they are in the database. Checked whole before anything is queued.
     *
     * @throws IllegalArgumentException if an event lacks what it needs (an id, a name, a state type), saying which
     */
    public void record(List<RunEvent> events) {
        Objects.requireNonNull(events, "events");
        for (int i = 0; i < events.size(); i++) EventRows.check(events.get(i), i);
        for (RunEvent e : events) enqueue(RunEventKind.REPORTED, e, null);
    }

    private void enqueue(byte kind, Object run, State state) {
        if (!queue.putUninterruptibly(kind, run, state)) dropped(run, state);
    }

    private void dropped(Object run, State state) {
        long n = dropped.incrementAndGet();
        // the first drop, and every flow run state, loudly; task run events after the first are counted
        if (n == 1 || run instanceof FlowRun<?>) {
            String what = run instanceof LogLine line ? "a log line of flow run " + line.flowRunId()
                    : run instanceof RunEvent e ? "reported event " + e
                    : (state == null ? "the creation of " : "state " + state + " of ") + run;
            BatchWriter.LOG.error("Run store at {} is closed: {} was NOT recorded ({} events dropped so far)",
                    db.describe(), what, n);
        }
    }

    /**
     * The heartbeat thread: while flow runs of this process are running, stamps their heartbeat
     * every interval, through the queue (in order with everything else, no connection of its own).
     */
    private void stampHeartbeats() {
        long intervalNanos = heartbeatInterval.toNanos();
        while (!closed.get()) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, intervalNanos);
            if (closed.get()) return;
            if (running.isEmpty()) continue;
            UUID[] ids = running.toArray(new UUID[0]);
            if (ids.length > 0) {
                queue.putUninterruptibly(RunEventKind.HEARTBEAT, new Batch.Heartbeat(ids, Clock.system().epochNanos()),
                        null);
            }
            Consumer<UUID> listener = cancellationListener;
            if (listener != null && ids.length > 0) tellCancellations(listener);
        }
    }

    /**
     * Reads which running flow runs of this process are CANCELLING in the database (asked to
     * cancel by the CLI, or by this process itself) and tells {@code listener} each: one indexed
     * query per heartbeat. A failure is logged and the next heartbeat tries again.
     */
    private void tellCancellations(Consumer<UUID> listener) {
        List<UUID> cancelling = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT id FROM flow_run WHERE state_type = 'CANCELLING' AND process = ?")) {
            s.setString(1, ThisProcess.name());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) cancelling.add(db.getUuid(r, 1));
            }
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            BatchWriter.LOG.warn("Run store: could not read whether flow runs of this process were asked to cancel"
                    + " in {}: {}", db.describe(), Builder.rootMessage(e));
            return;
        }
        for (UUID id : cancelling) {
            if (!running.contains(id)) continue;
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                BatchWriter.LOG.warn("Run store: cancelling flow run {} failed: {}", id, e.toString(), e);
            }
        }
    }

    /** {@inheritDoc} Here: read with every heartbeat ({@link Builder#heartbeatInterval}). */
    @Override
    public void onCancellationRequested(Consumer<UUID> listener) {
        this.cancellationListener = listener;
    }

    /** Returns once everything of {@code run} (and all recorded before it) is in the database. */
    @Override
    public void flowRunFinished(FlowRun<?> run) {
        running.remove(run.id());
        if (!flush(retryPeriod.multipliedBy(2).plusSeconds(30))) {
            BatchWriter.LOG.error("Run store: flow run '{}' of flow '{}' may not be fully recorded in {}: the writer"
                    + " did not finish in time", run.name(), run.flowName(), db.describe());
        }
    }

    /**
     * Waits until everything recorded so far is in the database (or given up on, and logged),
     * for at most {@code timeout}; false if the time ran out or the store is closed and its
     * writer gone.
     */
    public boolean flush(Duration timeout) {
        return queue.awaitHandledUninterruptibly(queue.enqueued(), timeout, writerGone);
    }

    // ----- reading -----

    /** Every flow run in the database, newest first, after writing what is queued. */
    @Override
    public List<FlowRun<?>> flowRuns() {
        flushBeforeReading();
        return reader.flowRuns();
    }

    /** The flow run with this id, after writing what is queued. */
    @Override
    public Optional<FlowRun<?>> flowRun(UUID id) {
        flushBeforeReading();
        return reader.flowRun(id);
    }

    /**
     * How long a task run waits before asking again for a slot of a tag whose slots are all taken
     * (embedded and database mode; the API server has its own setting).
     */
    static final Duration SLOT_RETRY = Duration.ofMillis(250);

    /**
     * The concurrency limits in this database ({@code ./baton concurrency-limit create TAG N}),
     * applied to the task runs of this process and of every process using the same database: a
     * limit created or changed takes effect within about 2 s (see {@link SharedTagSlots}).
     */
    @Override
    public ConcurrencySlots concurrencySlots() {
        synchronized (slotsLock) {
            if (slots == null) {
                databaseSlots = JdbcConcurrencySlots.of(this).retryAfter(SLOT_RETRY);
                slots = databaseSlots.shared();
            }
            return slots;
        }
    }

    /** The database this store writes to. */
    Database database() {
        return db;
    }

    /** Writes what is queued before a read, so the reader sees everything recorded so far. */
    void flushBeforeReading() {
        if (!closed.get() && !flush(retryPeriod.plusSeconds(30))) {
            BatchWriter.LOG.warn("Run store: reading from {} before the queued records could be written",
                    db.describe());
        }
    }

    /**
     * How many events have been queued since the store opened: the number of the last one. With
     * {@link #handledEvents()} and {@link #lostEvents()}, tells whether events queued by then are
     * written: once {@code handledEvents()} reaches the number and {@code lostEvents()} has not moved.
     */
    public long queuedEvents() {
        return queue.enqueued();
    }

    /** Up to which number ({@link #queuedEvents()}) the writer has written, or given up on, every event. */
    public long handledEvents() {
        return queue.handledThrough();
    }

    /** Run events given up on since the store opened (each one logged at ERROR when it happened). */
    public long lostEvents() {
        return writer.lostEvents() + dropped.get();
    }

    /** The database, as a URL without its password. */
    public String description() {
        return db.describe();
    }

    /**
     * Writes what is queued and closes the store: later runs' events are dropped (and logged).
     * Idempotent; also called by the JVM shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        java.util.concurrent.locks.LockSupport.unpark(heartbeats);
        deploymentConnections.close();
        synchronized (slotsLock) {
            if (slots != null) {
                slots.close(); // delivers releases still pending
                databaseSlots.close();
            }
        }
        queue.close();
        try {
            if (!writer.await(retryPeriod.plusSeconds(30))) {
                BatchWriter.LOG.error("Run store: closing {} before the writer finished; what it still holds is NOT"
                        + " recorded", db.describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "JdbcRunStore[" + db.describe() + "]";
    }

    /**
     * Configures a {@link JdbcRunStore}: which database (a JDBC URL, or the embedded file under a
     * Baton home), which schema, how much may queue up and how long failing writes are retried.
     */
    public static final class Builder {
        private String url;
        private Path home;
        private String schema;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
        private boolean recordLogs = true;
        private Duration heartbeatInterval;
        private Duration crashTimeout;
        private boolean detectCrashesOnOpen = true;
        private Durability durability;

        private Builder() {}

        /** When states are durable; by default {@value JdbcRunStore#DURABILITY_ENVIRONMENT}'s, else {@link Durability#BATCHED}. */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** The database: {@code jdbc:postgresql://...}, {@code jdbc:sqlite:FILE} or {@code jdbc:h2:file:FILE}. */
        public Builder url(String jdbcUrl) {
            this.url = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.home = null;
            return this;
        }

        /** The embedded database file under {@code batonHome} (made, with the directory, if missing). */
        public Builder embedded(Path batonHome) {
            this.home = Objects.requireNonNull(batonHome, "batonHome");
            this.url = Database.embeddedUrl(batonHome);
            return this;
        }

        /** The schema the tables live in (made if missing); by default the connection's. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** How many events each of the two queue buffers holds before the engine waits for the writer. */
        public Builder queueCapacity(int events) {
            this.queueCapacity = events;
            return this;
        }

        /** How long a write that fails for a passing reason (connection lost, database busy) is retried. */
        public Builder retryPeriod(Duration period) {
            this.retryPeriod = Objects.requireNonNull(period, "period");
            return this;
        }

        /**
         * How often the heartbeat of this process's running flow runs is stamped; by default
         * {@value #HEARTBEAT_INTERVAL_ENVIRONMENT} or {@link #DEFAULT_HEARTBEAT_INTERVAL}. Keep it well
         * under the crash timeout of whoever watches the database.
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * The crash timeout of the {@link CrashDetector} pass made when the store opens (flow runs
         * whose process has been silent longer are marked CRASHED); by default
         * {@value CrashDetector#TIMEOUT_ENVIRONMENT} or {@link CrashDetector#DEFAULT_TIMEOUT}.
         */
        public Builder crashTimeout(Duration timeout) {
            this.crashTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Whether opening the store makes a {@link CrashDetector} pass (true by default: the next
         * embedded session finds what a killed one left RUNNING). An API server turns it off and runs
         * its own detector once clients have had a crash timeout to reconnect after a restart:
         * a client that buffered through the outage still has live runs.
         */
        public Builder detectCrashesOnOpen(boolean detect) {
            this.detectCrashesOnOpen = detect;
            return this;
        }

        /**
         * Whether the log lines written during runs (the engine's and {@code Baton.logger()}'s, at the
         * levels their loggers let through) are recorded with the runs; true by default.
         */
        public Builder recordLogs(boolean record) {
            this.recordLogs = record;
            return this;
        }

        /**
         * Opens the store: connects, applies the schema migrations, starts the writer.
         *
         * @throws IllegalArgumentException if the configuration is invalid
         * @throws IllegalStateException if the database cannot be opened, saying why
         */
        public JdbcRunStore build() {
            if (url == null) throw new IllegalArgumentException("JdbcRunStore needs url(...) or embedded(...)");
            if (queueCapacity < 16) {
                throw new IllegalArgumentException("queueCapacity must be at least 16, got " + queueCapacity);
            }
            if (retryPeriod.isNegative()) throw new IllegalArgumentException("retryPeriod must not be negative");
            checkSchema(schema);
            if (durability == null) durability = Durability.configured();
            if (heartbeatInterval == null) {
                heartbeatInterval = ConfiguredDuration.fromEnvironment(HEARTBEAT_INTERVAL_ENVIRONMENT,
                        DEFAULT_HEARTBEAT_INTERVAL);
            }
            if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
                throw new IllegalArgumentException("heartbeatInterval must be positive, got " + heartbeatInterval);
            }
            Duration timeout = CrashDetector.checked(crashTimeout != null ? crashTimeout
                    : CrashDetector.configuredTimeout());
            if (heartbeatInterval.multipliedBy(2).compareTo(timeout) > 0) {
                BatchWriter.LOG.warn("Run store: the heartbeat interval ({}) is more than half the crash timeout ({}):"
                        + " flow runs still running may be marked CRASHED; set {} well below {}", heartbeatInterval,
                        timeout, HEARTBEAT_INTERVAL_ENVIRONMENT, CrashDetector.TIMEOUT_ENVIRONMENT);
            }
            Database db = new Database(url, schema);
            try {
                if (home != null) Files.createDirectories(home);
                Migrations.apply(db);
                if (detectCrashesOnOpen) detectCrashes(db, timeout);
                BatchSql connected = new BatchSql(db, db.connect());
                return new JdbcRunStore(this, db, connected);
            } catch (IOException | SQLException | RuntimeException e) {
                throw new IllegalStateException("Cannot open the run store at " + db.describe() + ": "
                        + rootMessage(e) + hint(db), e);
            }
        }

        /** One crash detection pass: what sessions before this one left RUNNING is found now. */
        private static void detectCrashes(Database db, Duration timeout) {
            try {
                new CrashDetector(db, null, timeout, Clock.system()).detect();
            } catch (RuntimeException e) {
                BatchWriter.LOG.warn("Crash detection when opening the run store at {} failed: {}", db.describe(),
                        rootMessage(e));
            }
        }

        static void checkSchema(String schema) {
            if (schema != null && !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("schema must be a plain SQL name (letters, digits, _), got '"
                        + schema + "'");
            }
        }

        static String hint(Database db) {
            return switch (db.dialect()) {
                case POSTGRESQL -> " (is PostgreSQL running and the database there? Unset "
                        + DATABASE_URL_ENVIRONMENT + " to use the embedded database instead)";
                case H2 -> " (an H2 file is open in one process at a time)";
                case SQLITE -> "";
            };
        }

        static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) t = t.getCause();
            String m = t.getMessage();
            return m == null ? t.toString() : m.strip();
        }
    }
}
