package dev.baton.orchestration;

import dev.baton.Clock;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told to (baton-core cannot use baton-testing's FakeClock). */
final class TestClock implements Clock {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private long nanos = START.getEpochSecond() * 1_000_000_000L;

    @Override
    public synchronized long epochNanos() {
        return nanos;
    }

    void advance(Duration d) {
        synchronized (this) {
            nanos += d.toNanos();
        }
    }

    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }

    @Override
    public Timer schedule(Runnable action, Duration delay) {
        throw new UnsupportedOperationException("the rules schedule nothing");
    }
}
