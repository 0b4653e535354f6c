package dev.baton.store.jdbc;

import dev.baton.State;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the engine told the store, waiting for the writer: a bounded, double-buffered queue.
 * Producers append to one buffer (three array stores under a short lock, nothing allocated)
 * while the writer works through the other; the writer swaps them when it has finished. When
 * the filling buffer is full, producers wait: back-pressure instead of unbounded growth.
 *
 * <p>Every event gets a sequence number; the writer reports how far it has got, so a caller can
 * wait until everything it enqueued has been handled ({@link #awaitHandled}).
 */
final class EventQueue {
    static final byte FLOW_RUN_STARTED = 1, TASK_RUN_CREATED = 2, FLOW_RUN_STATE = 3, TASK_RUN_STATE = 4, LOG = 5,
            RUN_EVENT = 6, HEARTBEAT = 7;

    /**
     * One buffer of events: kind, run (a FlowRun or TaskRun; the LogLine of a LOG, the RunEvent of a
     * RUN_EVENT, the Batch.Heartbeat of a HEARTBEAT) and state (for state events).
     */
    static final class Buffer {
        final byte[] kinds;
        final Object[] runs;
        final State[] states;
        int size;
        /** The sequence number of the last event in this buffer. */
        long last;

        Buffer(int capacity) {
            kinds = new byte[capacity];
            runs = new Object[capacity];
            states = new State[capacity];
        }

        void clear() {
            Arrays.fill(runs, 0, size, null);
            Arrays.fill(states, 0, size, null);
            size = 0;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final Condition handledMoved = lock.newCondition();
    private final int capacity;
    private Buffer filling;
    private Buffer spare;
    private long enqueued;
    private long handled;
    private boolean closed;

    EventQueue(int capacity) {
        this.capacity = capacity;
        this.filling = new Buffer(capacity);
        this.spare = new Buffer(capacity);
    }

    /**
     * Appends an event, waiting while the buffer is full (interrupts are kept for later, not
     * obeyed: the state must be recorded). False if the queue is closed: the event was dropped.
     */
    boolean put(byte kind, Object run, State state) {
        lock.lock();
        try {
            while (filling.size == capacity && !closed) notFull.awaitUninterruptibly();
            if (closed) return false;
            Buffer b = filling;
            int n = b.size;
            b.kinds[n] = kind;
            b.runs[n] = run;
            b.states[n] = state;
            b.size = n + 1;
            b.last = ++enqueued;
            if (n == 0) notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writer's side: hands back the buffer it has finished with (or null) and takes the next
     * non-empty one, waiting for events. Null once the queue is closed and empty.
     */
    Buffer take(Buffer done) throws InterruptedException {
        lock.lock();
        try {
            if (done != null) spare = done;
            while (filling.size == 0) {
                if (closed) return null;
                notEmpty.await();
            }
            Buffer full = filling;
            filling = spare;
            spare = null;
            notFull.signalAll();
            return full;
        } finally {
            lock.unlock();
        }
    }

    /** The writer has handled (written, or given up on) every event up to {@code sequence}. */
    void handled(long sequence) {
        lock.lock();
        try {
            handled = sequence;
            handledMoved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number up to which the writer has handled (written, or given up on) every event. */
    long handledSoFar() {
        lock.lock();
        try {
            return handled;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number of the last event enqueued so far. */
    long enqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the writer has handled every event up to {@code sequence}; false if
     * {@code timeoutNanos} ran out first or the writer is gone ({@code writerAlive} false).
     */
    boolean awaitHandled(long sequence, long timeoutNanos, java.util.function.BooleanSupplier writerAlive) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        lock.lock();
        try {
            while (handled < sequence) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !writerAlive.getAsBoolean()) return false;
                try {
                    // bounded waits: the writer dying is noticed without a signal
                    handledMoved.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** No more events are accepted; the writer drains what is there and stops. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
