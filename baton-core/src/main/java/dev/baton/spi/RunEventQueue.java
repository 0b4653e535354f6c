package dev.baton.spi;

import dev.baton.State;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * What the engine told a store, waiting for the store's one consumer thread (a database writer, a
 * client's sender): a bounded, double-buffered queue of run events. The engine's threads append to
 * one buffer, three array stores under a short lock and nothing allocated, while the consumer works
 * through the other; the consumer hands its buffer back when it takes the next. When the filling
 * buffer is full, producers wait for the consumer: back-pressure instead of unbounded growth.
 *
 * <p>An event is a kind ({@link RunEventKind}), a subject and a state, the engine's live objects as
 * they were passed (what each kind's subject is, {@link RunEventKind} says); turning them into rows
 * or requests is the consumer's work, off the engine's threads.
 *
 * <p>Every event gets a sequence number, 1 for the first, in the order put. The consumer says how
 * far it has got ({@link #handled}), so a caller can wait until everything put before some point is
 * handled ({@link #awaitHandled}):
 *
 * <pre>{@code
 * // the engine's threads
 * queue.putUninterruptibly(RunEventKind.TASK_RUN_STATE, taskRun, state);
 * // the consumer thread
 * RunEventQueue.Buffer done = null;
 * for (RunEventQueue.Buffer b; (b = queue.take(done)) != null; done = b) {
 *     for (int i = 0; i < b.size(); i++) write(b.kind(i), b.subject(i), b.state(i));
 *     queue.handled(b.lastSequence());
 * }
 * // a caller that must know it is written
 * queue.awaitHandled(queue.enqueued(), Duration.ofSeconds(30), () -> !consumer.isAlive());
 * }</pre>
 *
 * <p>Thread-safe for any number of producers and one consumer: {@link #take} and {@link #drain} are
 * called by one thread at a time.
 */
public final class RunEventQueue {
    /** A buffer's first size; it grows, by doubling, up to the capacity. */
    private static final int FIRST_SIZE = 1024;
    /** The longest wait in {@link #awaitHandled} before the give-up condition is asked again. */
    private static final long GIVE_UP_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Events taken from the queue: {@link #size()} of them, the {@code i}-th of kind {@link #kind},
     * subject {@link #subject} and state {@link #state}, numbered {@link #sequence}. The consumer
     * owns it until it hands it back to {@link #take}; {@code i} is from 0 to {@code size() - 1}.
     */
    public static final class Buffer {
        private byte[] kinds;
        private Object[] subjects;
        private State[] states;
        private int size;
        /** The sequence number of the last event in this buffer. */
        private long last;

        private Buffer(int length) {
            kinds = new byte[length];
            subjects = new Object[length];
            states = new State[length];
        }

        /** How many events it holds. */
        public int size() {
            return size;
        }

        /** The kind of the {@code i}-th event ({@link RunEventKind}). */
        public byte kind(int i) {
            return kinds[i];
        }

        /** The subject of the {@code i}-th event: a run, a log line, ... as its kind says. */
        public Object subject(int i) {
            return subjects[i];
        }

        /** The state of the {@code i}-th event (a state event's), or null. */
        public @Nullable State state(int i) {
            return states[i];
        }

        /** The sequence number of the {@code i}-th event. */
        public long sequence(int i) {
            return last - size + 1 + i;
        }

        /** The sequence number of the last event: what to pass to {@link #handled} once they are all handled. */
        public long lastSequence() {
            return last;
        }

        private void add(byte kind, Object subject, @Nullable State state, long sequence, int capacity) {
            int n = size;
            if (n == kinds.length) grow(capacity);
            kinds[n] = kind;
            subjects[n] = subject;
            states[n] = state;
            size = n + 1;
            last = sequence;
        }

        private void grow(int capacity) {
            int length = (int) Math.min(capacity, 2L * kinds.length);
            kinds = Arrays.copyOf(kinds, length);
            subjects = Arrays.copyOf(subjects, length);
            states = Arrays.copyOf(states, length);
        }

        private void clear() {
            Arrays.fill(subjects, 0, size, null);
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
    private @Nullable Buffer spare; // null while the consumer holds it
    private long enqueued;
    private long handled;
    private boolean closed;

    /**
     * A queue whose two buffers hold up to {@code bufferCapacity} events each: producers wait once
     * one is full while the consumer still works through the other. A buffer takes memory as it
     * fills, up to about 9 bytes an event (with compressed references), and keeps it.
     *
     * @throws IllegalArgumentException if {@code bufferCapacity} is below 1
     */
    public RunEventQueue(int bufferCapacity) {
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("a run event queue's buffer capacity must be at least 1, got "
                    + bufferCapacity);
        }
        this.capacity = bufferCapacity;
        this.filling = newBuffer();
        this.spare = newBuffer();
    }

    /** How many events each of the two buffers holds. */
    public int bufferCapacity() {
        return capacity;
    }

    // ----- producers -----

    /**
     * Appends an event, waiting while the buffer is full; false if the queue is closed (the event
     * is dropped).
     *
     * @throws InterruptedException if interrupted while waiting for room: the event is not queued
     */
    public boolean put(byte kind, Object subject, @Nullable State state) throws InterruptedException {
        lock.lock();
        try {
            while (filling.size == capacity && !closed) notFull.await();
            return append(kind, subject, state);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends an event, waiting while the buffer is full; an interrupt meanwhile is kept for later
     * (the thread's interrupt status is set on return), not obeyed: the event is queued all the same.
     * False if the queue is closed (the event is dropped).
     */
    public boolean putUninterruptibly(byte kind, Object subject, @Nullable State state) {
        lock.lock();
        try {
            while (filling.size == capacity && !closed) notFull.awaitUninterruptibly();
            return append(kind, subject, state);
        } finally {
            lock.unlock();
        }
    }

    /** Appends an event if there is room now, without waiting; false if the buffer is full or the queue closed. */
    public boolean offer(byte kind, Object subject, @Nullable State state) {
        lock.lock();
        try {
            return filling.size < capacity && append(kind, subject, state);
        } finally {
            lock.unlock();
        }
    }

    /** Appends an event if the queue is open (there is room: the lock is held). */
    private boolean append(byte kind, Object subject, @Nullable State state) {
        if (closed) return false;
        Buffer b = filling;
        b.add(kind, subject, state, ++enqueued, capacity);
        if (b.size == 1) notEmpty.signal();
        return true;
    }

    // ----- the consumer -----

    /**
     * Hands back the buffer the consumer has finished with ({@code done}, or null) and takes the
     * events put since the last take, waiting until there are some; null once the queue is closed
     * and nothing is left.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public @Nullable Buffer take(@Nullable Buffer done) throws InterruptedException {
        return take(done, Long.MAX_VALUE, () -> false);
    }

    /**
     * Hands back the buffer the consumer has finished with ({@code done}, or null) and takes the
     * events put since the last take, waiting for the first up to {@code timeout}, or until
     * {@code stop} holds (asked before waiting and whenever {@link #wake} is called). Null if there
     * were none by then (or the queue is closed and nothing is left).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public @Nullable Buffer take(@Nullable Buffer done, Duration timeout, BooleanSupplier stop)
            throws InterruptedException {
        return take(done, nanos(timeout), stop);
    }

    private @Nullable Buffer take(@Nullable Buffer done, long timeoutNanos, BooleanSupplier stop)
            throws InterruptedException {
        if (done != null) done.clear(); // before the lock: the producers go on meanwhile
        lock.lock();
        try {
            if (done != null) spare = done;
            long left = timeoutNanos;
            while (filling.size == 0 && !closed && left > 0 && !stop.getAsBoolean()) left = notEmpty.awaitNanos(left);
            return swap();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the queue (as {@link #close}) and takes the events nobody has taken yet: what is left
     * when the consumer stops for good (to keep elsewhere, or to count as lost). Null if there are none.
     */
    public @Nullable Buffer drain() {
        lock.lock();
        try {
            closeLocked();
            return swap();
        } finally {
            lock.unlock();
        }
    }

    /** The filling buffer if it holds events, the spare one filling from now on; else null (the lock is held). */
    private @Nullable Buffer swap() {
        Buffer full = filling;
        if (full.size == 0) return null;
        // no spare when the consumer took twice without handing a buffer back (it stopped with one): a new one
        filling = spare != null ? spare : newBuffer();
        spare = null;
        notFull.signalAll();
        return full;
    }

    /**
     * The consumer has handled (written, delivered, or given up on) every event up to
     * {@code sequence}; a number below what it said before changes nothing.
     */
    public void handled(long sequence) {
        lock.lock();
        try {
            if (sequence <= handled) return;
            handled = sequence;
            handledMoved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ----- anyone -----

    /** The sequence number of the last event put so far: how many were ever put (0: none). */
    public long enqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number up to which the consumer has handled every event (0: none). */
    public long handledThrough() {
        lock.lock();
        try {
            return handled;
        } finally {
            lock.unlock();
        }
    }

    /** Events put and not yet handled, taken or not. */
    public long pending() {
        lock.lock();
        try {
            return enqueued - handled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the consumer has handled every event up to {@code sequence}; false if
     * {@code timeout} ran out first or {@code giveUp} holds. {@code giveUp} is asked before waiting,
     * whenever the consumer moves on or {@link #wake} is called, and at least every second (so it
     * may watch what signals nobody, such as the consumer thread having died).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitHandled(long sequence, Duration timeout, BooleanSupplier giveUp) throws InterruptedException {
        return awaitHandled(sequence, nanos(timeout), giveUp, true);
    }

    /**
     * As {@link #awaitHandled}, but an interrupt meanwhile is kept for later (the thread's interrupt
     * status is set on return), not obeyed.
     */
    public boolean awaitHandledUninterruptibly(long sequence, Duration timeout, BooleanSupplier giveUp) {
        try {
            return awaitHandled(sequence, nanos(timeout), giveUp, false);
        } catch (InterruptedException e) {
            throw new AssertionError("not thrown when waiting uninterruptibly", e);
        }
    }

    private boolean awaitHandled(long sequence, long timeoutNanos, BooleanSupplier giveUp, boolean interruptible)
            throws InterruptedException {
        long start = System.nanoTime();
        boolean interrupted = false;
        lock.lock();
        try {
            while (handled < sequence) {
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0 || giveUp.getAsBoolean()) return false;
                try {
                    handledMoved.awaitNanos(Math.min(left, GIVE_UP_POLL_NANOS));
                } catch (InterruptedException e) {
                    if (interruptible) throw e;
                    interrupted = true;
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Wakes the consumer waiting in {@link #take} and every thread waiting in {@link #awaitHandled},
     * to ask their stop or give-up condition again (call it when the condition may have changed).
     */
    public void wake() {
        lock.lock();
        try {
            notEmpty.signalAll();
            handledMoved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more events are accepted (put and offer answer false from now on, producers waiting for
     * room included); the consumer takes what is there, then {@link #take} answers null. Idempotent.
     */
    public void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        closed = true;
        notEmpty.signalAll();
        notFull.signalAll();
        handledMoved.signalAll();
    }

    /** Whether {@link #close} (or {@link #drain}) was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private Buffer newBuffer() {
        return new Buffer(Math.min(capacity, FIRST_SIZE));
    }

    /** {@code d} in nanoseconds, Long.MAX_VALUE for longer than that holds (about 292 years). */
    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "RunEventQueue[" + (enqueued - handled) + " pending, " + capacity + " per buffer"
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
