package dev.baton.internal;

import java.time.Duration;

/** Durations the way people read them in messages: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}, {@code 3 min 20 s}. */
public final class Durations {
    private Durations() {}

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) return d.toNanos() % 1_000_000 == 0 || ms >= 10 ? ms + " ms" : d.toNanos() / 1_000 + " µs";
        if (ms < 60_000) {
            return ms % 1_000 == 0 ? ms / 1_000 + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0).replaceAll("0+ s$", " s");
        }
        long s = d.toSeconds();
        if (s < 3_600) return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
        return d.toString();
    }
}
