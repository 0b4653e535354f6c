package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.UUID;

/** One log line written during a run: by the engine or by user code through {@code Baton.logger()}. */
public record LogLine(UUID flowRunId, @Nullable UUID taskRunId, Instant timestamp, String level, String logger,
                      String message) {
}
