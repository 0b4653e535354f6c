package dev.baton.store.jdbc;

import dev.baton.spi.RunEventQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's one writer thread: takes the queued events a buffer at a time, turns them into a
 * {@link Batch} and writes it in one transaction, so each run's states land in the order they
 * were queued. A batch that fails for a passing reason (lost connection, busy database, deadlock)
 * is tried again with growing pauses for up to the retry period; one the database refuses is
 * written again one flow run at a time. Whatever still cannot be written is logged at ERROR,
 * naming every flow run and what of it was lost: nothing acknowledged disappears silently.
 */
final class BatchWriter implements Runnable {
    static final Logger LOG = LoggerFactory.getLogger("dev.baton.store");
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_GROUPS_LOGGED = 20;

    private final Database db;
    private final RunEventQueue queue;
    private final long retryNanos;
    private final BatchBuilder builder = new BatchBuilder();
    private final AtomicLong lostEvents = new AtomicLong();
    private BatchSql sql;
    private Thread thread;

    BatchWriter(Database db, RunEventQueue queue, Duration retryFor, BatchSql connected) {
        this.db = db;
        this.queue = queue;
        this.retryNanos = retryFor.toNanos();
        this.sql = connected;
    }

    void start(String name) {
        // a daemon: the shutdown hook, not this thread, keeps the JVM alive until the queue is written
        thread = Thread.ofPlatform().name(name).daemon().start(this);
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    boolean await(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    /** Events given up on since the store opened. */
    long lostEvents() {
        return lostEvents.get();
    }

    @Override
    public void run() {
        RunEventQueue.Buffer done = null;
        try {
            while (true) {
                RunEventQueue.Buffer buffer = queue.take(done);
                if (buffer == null) return; // closed and drained
                handle(buffer);
                queue.handled(buffer.lastSequence());
                done = buffer; // cleared by the next take
            }
        } catch (InterruptedException e) {
            LOG.error("Run store: the writer was interrupted; {}", abandon());
        } catch (Throwable t) {
            LOG.error("Run store: the writer failed and stopped; {}", abandon(), t);
        } finally {
            if (sql != null) sql.close();
        }
    }

    /** Closes the queue after the writer broke, and says what it held (now lost). */
    private String abandon() {
        RunEventQueue.Buffer rest = queue.drain();
        long lost = rest == null ? 0 : rest.size();
        if (rest != null) queue.handled(rest.lastSequence());
        lostEvents.addAndGet(lost);
        return lost + " queued run events were NOT recorded, and later ones will not be";
    }

    private void handle(RunEventQueue.Buffer buffer) {
        Batch batch;
        try {
            batch = builder.build(buffer);
        } catch (RuntimeException e) {
            lostEvents.addAndGet(buffer.size());
            LOG.error("Run store: {} run events could NOT be recorded: reading the runs failed", buffer.size(), e);
            return;
        }
        write(batch);
    }

    private void write(Batch batch) {
        Exception e = attempt(batch.groups());
        if (e == null) return;
        if (batch.groups().size() == 1 || isTransient(e)) {
            lost(batch, batch.groups(), e);
            return;
        }
        // refused as a whole: one flow run at a time, so only the runs at fault are lost
        for (Batch.Group g : batch.groups()) {
            Exception ge = attempt(List.of(g));
            if (ge != null) lost(batch, List.of(g), ge);
        }
    }

    /** Writes {@code groups} in one transaction, trying transient failures again; null when written. */
    private Exception attempt(Collection<Batch.Group> groups) {
        long deadline = System.nanoTime() + retryNanos;
        long pause = FIRST_PAUSE_NANOS;
        for (int attempt = 1; ; attempt++) {
            try {
                if (sql == null) sql = new BatchSql(db, db.connect());
                sql.write(groups);
                if (attempt > 1) LOG.warn("Run store: written to {} after {} attempts", db.describe(), attempt);
                return null;
            } catch (SQLException | RuntimeException e) {
                dropConnectionIfBroken();
                long left = deadline - System.nanoTime();
                if (!isTransient(e) || left <= 0) return e;
                long sleep = Math.min(pause, left);
                LOG.warn("Run store: writing to {} failed ({}); trying again in {} ms (attempt {})", db.describe(),
                        e.toString(), TimeUnit.NANOSECONDS.toMillis(sleep), attempt);
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return e;
                }
                pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
            }
        }
    }

    private boolean isTransient(Exception e) {
        return e instanceof SQLException s && db.isTransient(s);
    }

    private void dropConnectionIfBroken() {
        if (sql == null) return;
        boolean valid;
        try {
            valid = sql.connection().isValid(2);
        } catch (SQLException e) {
            valid = false;
        }
        if (!valid) {
            sql.close();
            sql = null;
        }
    }

    private void lost(Batch batch, Collection<Batch.Group> groups, Exception cause) {
        List<String> what = new ArrayList<>();
        long events = 0;
        for (Batch.Group g : groups) {
            events += g.taskInserts.size() + g.flowStates.size() + g.taskStates() + g.logs.size()
                    + (g.inserted != null ? 1 : 0);
            if (what.size() < MAX_GROUPS_LOGGED) what.add(g.describe());
        }
        if (groups.size() > MAX_GROUPS_LOGGED) what.add("and " + (groups.size() - MAX_GROUPS_LOGGED) + " more flow runs");
        lostEvents.addAndGet(events);
        LOG.error("Run store: run history was LOST: {} of a batch of {} events could not be written to {}{}: {}."
                        + " Not recorded: {}", events, batch.events, db.describe(),
                isTransient(cause) ? " within " + TimeUnit.NANOSECONDS.toSeconds(retryNanos) + " s of trying" : "",
                cause.toString(), String.join("; ", what), cause);
    }
}
