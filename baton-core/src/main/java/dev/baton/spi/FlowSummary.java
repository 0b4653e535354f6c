package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.UUID;

/**
 * A flow as the history knows it: a name flow runs were made of, how many runs it has, when the
 * first and the newest of them were created, and the newest run's id and current state (null
 * while it has none).
 */
public record FlowSummary(String name, long flowRuns, Instant firstRun, Instant lastRun, @Nullable UUID lastFlowRunId,
                          @Nullable StateRecord lastState) {

    /** The most flows one page holds. */
    public static final int MAX_LIMIT = FlowRunFilter.MAX_LIMIT;

    /**
     * Checks a page of flows asked for.
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} not in 1..{@value #MAX_LIMIT}
     */
    public static void checkPage(int offset, int limit) {
        if (offset < 0) throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }
}
