package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * A flow run in full: its summary, parameters (as JSON text), state history, its task runs in
 * creation order (each with its upstream task runs: the dependency graph) and its subflow runs.
 *
 * <p>{@code taskRuns} holds at most the first {@value #MAX_TASK_RUNS} task runs, so that one
 * flow run with a million task runs cannot fill a reader's memory: {@code run().taskRuns()} is how
 * many there are in all, and {@link RunHistory#taskRuns(java.util.UUID, int, int)} pages through
 * them.
 */
public record FlowRunDetail(FlowRunSummary run, @Nullable String parameters, List<StateRecord> history,
                            List<TaskRunDetail> taskRuns, List<FlowRunSummary> subflowRuns) {
    /** The most task runs a detail holds. */
    public static final int MAX_TASK_RUNS = 1000;

    public FlowRunDetail {
        history = List.copyOf(history);
        taskRuns = List.copyOf(taskRuns);
        subflowRuns = List.copyOf(subflowRuns);
    }
}
