package dev.baton.internal.history;

import java.time.Instant;
import java.util.UUID;

/** One log line written during a run: by the engine or by user code through {@code Baton.logger()}. */
public record LogLine(UUID flowRunId, UUID taskRunId, Instant timestamp, String level, String logger,
                      String message) {
}
