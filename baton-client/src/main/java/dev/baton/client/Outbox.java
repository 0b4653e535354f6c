package dev.baton.client;

import dev.baton.State;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the engine reported and the sender has not delivered yet, in the order reported. Bounded:
 * when full, the engine's thread waits for room (a slow or absent server slows the flow down
 * instead of losing records). Entries are the engine's live objects; turning them into events
 * is the sender's work, off the engine's threads.
 */
final class Outbox {
    static final byte FLOW_RUN_STARTED = 1, TASK_RUN_CREATED = 2, TASK_RUN_STATE = 3, FLOW_RUN_STATE = 4,
            FLOW_RUN_FINISHED = 5, LOG = 6;

    record Entry(byte kind, Object run, State state) {}

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private long appended; // entries ever put
    private long handled;  // entries ever delivered or given up on
    private boolean warnedFull;

    Outbox(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("the outbox capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
    }

    void put(byte kind, Object run, State state) throws InterruptedException {
        Entry e = new Entry(kind, run, state);
        lock.lock();
        try {
            while (entries.size() >= capacity) {
                if (!warnedFull) {
                    warnedFull = true;
                    ApiRunStore.LOG.warn("{} run events wait for the Baton API server: the flow waits for room",
                            entries.size());
                }
                notFull.await();
            }
            entries.addLast(e);
            appended++;
            if (entries.size() == 1) notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code max} entries into {@code into}, waiting up to {@code waitNanos} for the
     * first, or until {@code stop} holds (checked whenever {@link #wake} is called).
     */
    void take(List<Entry> into, int max, long waitNanos, BooleanSupplier stop) throws InterruptedException {
        lock.lock();
        try {
            long left = waitNanos;
            while (entries.isEmpty() && left > 0 && !stop.getAsBoolean()) left = notEmpty.awaitNanos(left);
            int n = Math.min(max, entries.size());
            for (int i = 0; i < n; i++) into.add(entries.pollFirst());
            if (n > 0) notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves every entry left into {@code into} (the store is closing: they go to the spool). */
    void drain(List<Entry> into) {
        lock.lock();
        try {
            into.addAll(entries);
            entries.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every thread waiting in {@link #take} or {@link #awaitHandled}, to look at the store's state again. */
    void wake() {
        lock.lock();
        try {
            notEmpty.signalAll();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code n} taken entries were delivered (or given up on). */
    void handled(int n) {
        if (n == 0) return;
        lock.lock();
        try {
            handled += n;
            if (entries.isEmpty()) warnedFull = false;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long appended() {
        lock.lock();
        try {
            return appended;
        } finally {
            lock.unlock();
        }
    }

    /** Entries put and not yet handled. */
    long pending() {
        lock.lock();
        try {
            return appended - handled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the first {@code count} entries ever put are handled; false if {@code timeout}
     * ran out or {@code giveUp} holds (checked whenever {@link #wake} is called).
     */
    boolean awaitHandled(long count, Duration timeout, BooleanSupplier giveUp) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (handled < count) {
                if (left <= 0 || giveUp.getAsBoolean()) return false;
                left = progress.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

}
