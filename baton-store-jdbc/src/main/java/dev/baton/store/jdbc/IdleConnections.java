package dev.baton.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few open connections kept between calls, so that a server answering many small requests
 * does not open a PostgreSQL connection for each. A connection that saw an error is closed, not
 * kept; one kept is rolled back before it is handed out again.
 */
final class IdleConnections implements AutoCloseable {
    private final Database db;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    IdleConnections(Database db, int maxIdle) {
        this.db = db;
        this.maxIdle = maxIdle;
    }

    /** What a borrowed connection is used for. */
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a connection in manual-commit mode; whatever it did not commit is rolled back. */
    <T> T with(Work<T> work) throws SQLException {
        Connection c = borrow();
        boolean healthy = false;
        try {
            T result = work.apply(c);
            c.rollback(); // ends the read transaction (a no-op after a commit)
            healthy = true;
            return result;
        } finally {
            if (healthy) giveBack(c);
            else closeQuietly(c);
        }
    }

    /**
     * Runs {@code work} as {@link #with} does, again on a fresh connection after an error the
     * database calls transient (a deadlock, a busy database, a lost connection), up to
     * {@code attempts} times in all, pausing {@code pauseStepMillis} times the attempt number
     * before each retry (0: no pause). Throws the last error; an interrupt during a pause ends the
     * tries with it (the interrupt flag set again).
     */
    <T> T withRetries(int attempts, long pauseStepMillis, Work<T> work) throws SQLException {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return with(work);
            } catch (SQLException e) {
                last = e;
                if (!db.isTransient(e) || attempt == attempts) break;
                if (pauseStepMillis > 0) {
                    try {
                        Thread.sleep(pauseStepMillis * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        throw last;
    }

    private Connection borrow() throws SQLException {
        if (closed) throw new IllegalStateException("The run history at " + db.describe() + " is closed");
        Connection c = idle.pollFirst();
        if (c != null) {
            idleCount.decrementAndGet();
            return c;
        }
        return db.connect();
    }

    private void giveBack(Connection c) {
        if (!closed && idleCount.incrementAndGet() <= maxIdle) {
            idle.addFirst(c);
            if (closed) drain(); // closed meanwhile: do not leave it open
        } else {
            idleCount.decrementAndGet();
            closeQuietly(c);
        }
    }

    private void drain() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a broken connection is being dropped
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
