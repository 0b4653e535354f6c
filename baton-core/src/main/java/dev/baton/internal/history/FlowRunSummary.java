package dev.baton.internal.history;

import java.time.Instant;
import java.util.UUID;

/** A flow run as listed: its current state and times, no history. */
public record FlowRunSummary(UUID id, String name, String flowName, UUID parentFlowRunId, StateRecord state,
                             Instant created, Instant start, Instant end, long taskRuns) {
}
