package dev.baton.spi;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A tag's concurrency limit and the task runs that hold its slots now. */
public record ConcurrencyLimit(String tag, int limit, Instant created, List<UUID> activeSlots) {
    public ConcurrencyLimit {
        activeSlots = List.copyOf(activeSlots);
    }
}
