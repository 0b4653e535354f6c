package dev.baton.internal.history;

import java.util.List;

/**
 * A flow run in full: its summary, parameters (as JSON text), state history, its task runs in
 * creation order (each with its upstream task runs: the dependency graph) and its subflow runs.
 */
public record FlowRunDetail(FlowRunSummary run, String parameters, List<StateRecord> history,
                            List<TaskRunDetail> taskRuns, List<FlowRunSummary> subflowRuns) {
    public FlowRunDetail {
        history = List.copyOf(history);
        taskRuns = List.copyOf(taskRuns);
        subflowRuns = List.copyOf(subflowRuns);
    }
}
