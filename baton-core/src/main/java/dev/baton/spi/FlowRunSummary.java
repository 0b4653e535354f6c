package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.UUID;

/** A flow run as listed: its current state and times, no history. */
public record FlowRunSummary(UUID id, String name, String flowName, @Nullable UUID parentFlowRunId,
                             @Nullable StateRecord state, Instant created, @Nullable Instant start,
                             @Nullable Instant end, long taskRuns) {
}
