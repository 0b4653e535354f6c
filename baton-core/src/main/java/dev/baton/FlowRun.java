package dev.baton;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The record of one flow run, returned by {@code run(...)} once the run has finished:
 * its final state, full state history and every task run with its own history.
 *
 * <pre>{@code
 * FlowRun<Integer> run = etl.run(Path.of("data"));
 * System.out.println(run.name() + " " + run.state());     // crimson-pelican Completed()
 * run.taskRuns().forEach(t -> System.out.println(t.name() + " " + t.history()));
 * }</pre>
 *
 * @param <R> the flow's result type
 */
public interface FlowRun<R> {

    /** The run's unique id (time-ordered). */
    UUID id();

    /** A generated, human-friendly name such as {@code crimson-pelican}. */
    String name();

    /** The name of the flow this is a run of. */
    String flowName();

    /** The tags of the flow this is a run of, in the order given (empty when it has none). */
    default Set<String> tags() {
        return Set.of();
    }

    /** The arguments the flow was called with, in order. */
    List<Object> parameters();

    /** The flow run this one ran inside, for a flow called from a flow. */
    Optional<UUID> parentFlowRunId();

    /** The task run standing for this subflow run in its parent flow run (named after this flow). */
    Optional<UUID> parentTaskRunId();

    /** The current state: Pending from the start, never null; final once {@code run(...)} has returned. */
    State state();

    /** Every state so far, oldest first. */
    List<State> history();

    /** Every task run of this flow run, in the order they were created. */
    List<TaskRun> taskRuns();

    /**
     * The flow's return value.
     *
     * @throws FlowRunFailedException if the run did not complete
     */
    R result();
}
