package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.internal.store.RunStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * values.
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

    private final Database db;
    private final EventQueue queue;
    private final BatchWriter writer;
    private final RunReader reader;
    private final Duration retryPeriod;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();

    private JdbcRunStore(Builder b, Database db, BatchSql connected) {
        this.db = db;
        this.retryPeriod = b.retryPeriod;
        this.queue = new EventQueue(b.queueCapacity);
        this.writer = new BatchWriter(db, queue, b.retryPeriod, connected);
        this.reader = new RunReader(db);
        writer.start("baton-run-store-writer");
        this.shutdownHook = Thread.ofPlatform().name("baton-run-store-shutdown").unstarted(this::close);
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
        enqueue(EventQueue.FLOW_RUN_STARTED, run, null);
    }

    @Override
    public void taskRunCreated(TaskRun run) {
        enqueue(EventQueue.TASK_RUN_CREATED, run, null);
    }

    @Override
    public void taskRunState(TaskRun run, State state) {
        enqueue(EventQueue.TASK_RUN_STATE, run, state);
    }

    @Override
    public void flowRunState(FlowRun<?> run, State state) {
        enqueue(EventQueue.FLOW_RUN_STATE, run, state);
    }

    private void enqueue(byte kind, Object run, State state) {
        if (!queue.put(kind, run, state)) dropped(run, state);
    }

    private void dropped(Object run, State state) {
        long n = dropped.incrementAndGet();
        // the first drop, and every flow run state, loudly; task run events after the first are counted
        if (n == 1 || run instanceof FlowRun<?>) {
            BatchWriter.LOG.error("Run store at {} is closed: {}{} was NOT recorded ({} events dropped so far)",
                    db.describe(), state == null ? "the creation of " : "state " + state + " of ", run, n);
        }
    }

    /** Returns once everything of {@code run} (and all recorded before it) is in the database. */
    @Override
    public void flowRunFinished(FlowRun<?> run) {
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
        return queue.awaitHandled(queue.enqueued(), timeout.toNanos(), writer::isAlive);
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

    private void flushBeforeReading() {
        if (!closed.get() && !flush(retryPeriod.plusSeconds(30))) {
            BatchWriter.LOG.warn("Run store: reading from {} before the queued records could be written",
                    db.describe());
        }
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

        private Builder() {}

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
            if (schema != null && !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("schema must be a plain SQL name (letters, digits, _), got '"
                        + schema + "'");
            }
            Database db = new Database(url, schema);
            try {
                if (home != null) Files.createDirectories(home);
                Migrations.apply(db);
                BatchSql connected = new BatchSql(db, db.connect());
                return new JdbcRunStore(this, db, connected);
            } catch (IOException | SQLException | RuntimeException e) {
                throw new IllegalStateException("Cannot open the run store at " + db.describe() + ": "
                        + rootMessage(e) + hint(db), e);
            }
        }

        private static String hint(Database db) {
            return switch (db.dialect()) {
                case POSTGRESQL -> " (is PostgreSQL running and the database there? Unset "
                        + DATABASE_URL_ENVIRONMENT + " to use the embedded database instead)";
                case H2 -> " (an H2 file is open in one process at a time)";
                case SQLITE -> "";
            };
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) t = t.getCause();
            String m = t.getMessage();
            return m == null ? t.toString() : m.strip();
        }
    }
}
