package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A task run: its names, tags, the task runs it waited for ({@code upstream}, ids in argument
 * order), the flow run it stands for when it is a subflow's stand-in ({@code subflowRunId}), and
 * its state history (current state last).
 */
public record TaskRunDetail(UUID id, UUID flowRunId, String name, String taskName, @Nullable String taskVersion,
                            Set<String> tags, List<UUID> upstream, @Nullable UUID subflowRunId,
                            @Nullable Instant start, @Nullable Instant end, List<StateRecord> history) {
    public TaskRunDetail {
        tags = Set.copyOf(tags);
        upstream = List.copyOf(upstream);
        history = List.copyOf(history);
    }

    public StateRecord state() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
