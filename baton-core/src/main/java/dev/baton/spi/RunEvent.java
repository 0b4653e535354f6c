package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One thing that happened to recorded runs, as a process reports it to a store: what the
 * engine tells its {@code RunStore}, in a form that travels (a client in client mode sends
 * batches of these to the API server, in order; the server hands them to its database store).
 *
 * <p>Per run, events arrive in the order they happened: a run's creation before its states,
 * states in the order entered.
 */
public sealed interface RunEvent {

    /** A flow run was created; {@code parameters} is a JSON array of its arguments. */
    record FlowRunCreated(UUID id, String name, String flowName, @Nullable String parameters,
                          @Nullable UUID parentFlowRunId, @Nullable UUID parentTaskRunId, Set<String> tags,
                          Instant created, @Nullable String process) implements RunEvent {}

    /**
     * A task run was created: the {@code ordinal}-th of its flow run, with the task runs it waits for;
     * {@code callPosition} (null if not known) is which call of its task it is in its flow run's
     * attempt (see {@code TaskRun.callPosition()}).
     */
    record TaskRunCreated(UUID id, UUID flowRunId, int ordinal, String name, String taskName,
                          @Nullable String taskVersion, Set<String> tags, List<UUID> upstream,
                          @Nullable UUID subflowRunId, @Nullable Integer callPosition)
            implements RunEvent {
        /** A task run created with no call position (through the API, or by an older Baton). */
        public TaskRunCreated(UUID id, UUID flowRunId, int ordinal, String name, String taskName, String taskVersion,
                              Set<String> tags, List<UUID> upstream, UUID subflowRunId) {
            this(id, flowRunId, ordinal, name, taskName, taskVersion, tags, upstream, subflowRunId, null);
        }
    }

    /** A flow run entered {@code state}. */
    record FlowRunState(UUID flowRunId, StateRecord state) implements RunEvent {}

    /** A task run entered {@code state}. */
    record TaskRunState(UUID flowRunId, UUID taskRunId, StateRecord state) implements RunEvent {}

    /** A log line was written during a run. */
    record Log(LogLine line) implements RunEvent {}

    /** The process running these flow runs is alive at {@code at}. */
    record Heartbeat(List<UUID> flowRunIds, Instant at) implements RunEvent {}

    /** A flow run reached its final state: everything about it has been reported. */
    record FlowRunFinished(UUID id) implements RunEvent {}
}
