package dev.baton.cli;

import dev.baton.spi.StateRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How times, durations and states read in the terminal: local time, short durations. */
final class Formats {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Formats() {}

    /** {@code 2026-11-25 08:31:02} in the local time zone, or "-" for none. */
    static String time(Instant t) {
        return t == null ? "-" : SECONDS.format(t.atZone(ZoneId.systemDefault()));
    }

    /** {@code 2026-11-25 08:31:02.125} in the local time zone, or "-" for none. */
    static String preciseTime(Instant t) {
        return t == null ? "-" : MILLIS.format(t.atZone(ZoneId.systemDefault()));
    }

    /** How long from {@code start} to {@code end}: "-" if it has not started, the time so far if it has not ended. */
    static String duration(Instant start, Instant end) {
        if (start == null) return "-";
        return duration(Duration.between(start, end == null ? Instant.now() : end));
    }

    /** {@code 850ms}, {@code 12.5s}, {@code 3m 05s}, {@code 2h 03m}, {@code 1d 02h}. */
    static String duration(Duration d) {
        if (d.isNegative()) d = Duration.ZERO;
        long ms = d.toMillis();
        if (ms < 1_000) return ms == 0 && d.toNanos() > 0 ? "<1ms" : ms + "ms";
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        long s = d.toSeconds();
        if (s < 3_600) return String.format(java.util.Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        if (s < 86_400) return String.format(java.util.Locale.ROOT, "%dh %02dm", s / 3_600, s % 3_600 / 60);
        return String.format(java.util.Locale.ROOT, "%dd %02dh", s / 86_400, s % 86_400 / 3_600);
    }

    /** The state's name ("Completed", "Cached", "Retrying"), or "-" for none. */
    static String state(StateRecord state) {
        return state == null ? "-" : state.name();
    }
}
