package dev.baton;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed run waits before its next attempt: fixed, one delay per retry, or
 * exponential backoff, optionally with jitter and a ceiling.
 *
 * <pre>{@code
 * Task.named("fetch").retries(4).retryDelay(RetryDelay.exponential(Duration.ofSeconds(1)).withJitter(0.2)).of(...)
 * // waits about 1 s, 2 s, 4 s, 8 s (each +-20%)
 * }</pre>
 */
@FunctionalInterface
public interface RetryDelay {

    /** The delay before retry number {@code retry} (1 for the first retry). */
    Duration before(int retry);

    /** No delay: retry at once. */
    static RetryDelay none() {
        return retry -> Duration.ZERO;
    }

    /** The same delay before every retry. */
    static RetryDelay fixed(Duration delay) {
        requireNonNegative(delay);
        return retry -> delay;
    }

    /** One delay per retry, in order; retries beyond the list wait the last delay. */
    static RetryDelay of(Duration... perRetry) {
        if (perRetry.length == 0) throw new IllegalArgumentException("RetryDelay.of(...) needs at least one delay");
        List<Duration> delays = List.of(perRetry);
        delays.forEach(RetryDelay::requireNonNegative);
        return retry -> delays.get(Math.min(retry, delays.size()) - 1);
    }

    /** Exponential backoff: {@code base}, then twice that, four times, ... ({@code base * 2^(retry-1)}). */
    static RetryDelay exponential(Duration base) {
        requireNonNegative(base);
        return retry -> base.multipliedBy(1L << Math.min(retry - 1, 30));
    }

    /**
     * This delay varied at random by up to {@code factor} either way (0.2: +-20%), so that
     * many runs failing together do not retry together.
     */
    default RetryDelay withJitter(double factor) {
        if (!(factor >= 0 && factor <= 1)) {
            throw new IllegalArgumentException("jitter factor must be between 0 and 1, got " + factor);
        }
        return retry -> {
            long nanos = before(retry).toNanos();
            double scale = 1 + factor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
            return Duration.ofNanos(Math.max(0, (long) (nanos * scale)));
        };
    }

    /** This delay, but never more than {@code maximum}. */
    default RetryDelay withMaximum(Duration maximum) {
        requireNonNegative(maximum);
        return retry -> {
            Duration d = before(retry);
            return d.compareTo(maximum) > 0 ? maximum : d;
        };
    }

    private static void requireNonNegative(Duration d) {
        Objects.requireNonNull(d, "delay");
        if (d.isNegative()) throw new IllegalArgumentException("a retry delay cannot be negative, got " + d);
    }
}
