package dev.baton.client;

import dev.baton.FlowRun;
import dev.baton.TaskRun;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEvents;
import dev.baton.spi.StateRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns outbox entries (the engine's live objects) into {@link RunEvent}s, in order: numbers each
 * flow run's task runs as they are created, and keeps the flow runs still running, for
 * heartbeats. One instance per store; used by one thread at a time (the sender, then the spool
 * writer once the sender has stopped).
 */
final class OutboxEvents {
    private final String process;
    private final Map<UUID, int[]> nextOrdinal = new HashMap<>();
    private final Set<UUID> running = new LinkedHashSet<>();

    OutboxEvents(String process) {
        this.process = process;
    }

    /** The event of {@code e}, its text cleaned as every store records it ({@link RunEvents#cleaned}). */
    RunEvent event(Outbox.Entry e) {
        return RunEvents.cleaned(uncleaned(e));
    }

    private RunEvent uncleaned(Outbox.Entry e) {
        return switch (e.kind()) {
            case Outbox.FLOW_RUN_STARTED -> {
                FlowRun<?> run = (FlowRun<?>) e.run();
                running.add(run.id());
                yield RunEvents.flowRunCreated(run, process);
            }
            case Outbox.TASK_RUN_CREATED -> {
                TaskRun run = (TaskRun) e.run();
                yield RunEvents.taskRunCreated(run, nextOrdinal.computeIfAbsent(run.flowRunId(), k -> new int[1])[0]++);
            }
            case Outbox.TASK_RUN_STATE -> {
                TaskRun run = (TaskRun) e.run();
                yield new RunEvent.TaskRunState(run.flowRunId(), run.id(), StateRecord.of(e.state()));
            }
            case Outbox.FLOW_RUN_STATE -> new RunEvent.FlowRunState(((FlowRun<?>) e.run()).id(),
                    StateRecord.of(e.state()));
            case Outbox.LOG -> new RunEvent.Log((LogLine) e.run());
            case Outbox.FLOW_RUN_FINISHED -> {
                UUID id = ((FlowRun<?>) e.run()).id();
                running.remove(id);
                nextOrdinal.remove(id);
                yield new RunEvent.FlowRunFinished(id);
            }
            default -> throw new IllegalStateException("unknown outbox entry kind " + e.kind());
        };
    }

    /** Whether a flow run of this process is running (so heartbeats are due). */
    boolean anyRunning() {
        return !running.isEmpty();
    }

    /** A heartbeat for every flow run still running. */
    RunEvent.Heartbeat heartbeat() {
        return new RunEvent.Heartbeat(List.copyOf(running), Instant.now());
    }
}
