package dev.baton.internal.store;

import dev.baton.FlowRun;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where flow runs are recorded. The engine tells the store when a flow run starts and
 * when it has finished; the store keeps the records and answers queries.
 */
public interface RunStore {

    /** A flow run was created; its record goes on changing until {@link #flowRunFinished}. */
    void flowRunStarted(FlowRun<?> run);

    /** A flow run reached its final state. */
    void flowRunFinished(FlowRun<?> run);

    /** Every recorded flow run, newest first. */
    List<FlowRun<?>> flowRuns();

    /** The flow run with this id, if recorded. */
    Optional<FlowRun<?>> flowRun(UUID id);
}
