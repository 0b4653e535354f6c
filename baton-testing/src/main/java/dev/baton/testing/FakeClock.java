package dev.baton.testing;

import dev.baton.Clock;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told to, for testing retry delays, timeouts and cache expiry
 * without waiting. {@link #advance} moves time forward and runs the timers that fall due, in
 * order; {@link #sleep} (how the engine waits between retries) advances the clock by the
 * sleep, so a retrying task runs through its delays at once while its states record them.
 *
 * <p>A test method that declares a {@code FakeClock} parameter gets one installed for its
 * flow runs by {@link BatonExtension}.
 */
public final class FakeClock implements Clock {
    private final PriorityQueue<Entry> timers = new PriorityQueue<>();
    private long nowNanos;
    private long sequence;

    private record Entry(long due, long sequence, Runnable action) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(sequence, o.sequence);
        }
    }

    /** A clock starting at 2026-01-01T00:00:00Z. */
    public FakeClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A clock starting at {@code start}. */
    public FakeClock(Instant start) {
        nowNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    }

    @Override
    public synchronized long epochNanos() {
        return nowNanos;
    }

    /** Advances the clock by {@code duration} instead of blocking. */
    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }

    @Override
    public Timer schedule(Runnable action, Duration delay) {
        Entry entry;
        synchronized (this) {
            entry = new Entry(nowNanos + Math.max(0, delay.toNanos()), sequence++, action);
            timers.add(entry);
        }
        if (delay.isZero() || delay.isNegative()) advance(Duration.ZERO);
        return () -> {
            synchronized (FakeClock.this) {
                timers.remove(entry);
            }
        };
    }

    /** Moves time forward by {@code duration}, running the timers that fall due on this thread, earliest first. */
    public void advance(Duration duration) {
        if (duration.isNegative()) throw new IllegalArgumentException("time only moves forward; got " + duration);
        long target;
        synchronized (this) {
            target = nowNanos + duration.toNanos();
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due > target) {
                    nowNanos = Math.max(nowNanos, target);
                    return;
                }
                timers.poll();
                nowNanos = Math.max(nowNanos, next.due);
            }
            next.action.run();
        }
    }

    /** The number of timers not yet due. */
    public synchronized int pendingTimers() {
        return timers.size();
    }

    @Override
    public String toString() {
        return "FakeClock[" + now() + "]";
    }
}
