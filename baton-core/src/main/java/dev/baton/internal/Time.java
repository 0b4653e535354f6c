package dev.baton.internal;

import java.time.Instant;

/** The wall clock the engine stamps states with, in nanoseconds since the epoch. */
public final class Time {
    private Time() {}

    /** Now, in nanoseconds since the epoch (microsecond precision on most systems). */
    public static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
