package dev.baton.internal.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The task runs and subflow runs of a flow run that completed, by call (task name and call
 * position, see {@link CallCounts}): what a retried attempt gets back instead of running the
 * call again, as in Prefect 2, where the retried body finds its completed task runs by their
 * dynamic key. Only flows that can retry keep one, so the values it holds (the futures of
 * completed runs, and finished child flow runs) cost nothing elsewhere; it is dropped when the
 * flow run ends.
 *
 * <p>Resuming a failed or crashed flow run in a new process would fill one of these from the
 * store (the task runs recorded with their call positions and persisted results) before the
 * first attempt; the engine's lookups would stay as they are.
 */
final class CompletedCalls {
    private record Call(String name, int position) {}

    private final ConcurrentHashMap<Call, TaskRunInFlight> taskRuns = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Call, FlowRunEngine> subflows = new ConcurrentHashMap<>();

    /** {@code run} completed: a later attempt's same call gets it back. */
    void taskRunCompleted(TaskRunInFlight run) {
        taskRuns.put(new Call(run.record.taskName(), run.record.callPosition()), run);
    }

    /** The child flow run {@code child}, which {@code standIn} stands for, completed. */
    void subflowCompleted(TaskRunRecord standIn, FlowRunEngine child) {
        subflows.put(new Call(standIn.taskName(), standIn.callPosition()), child);
    }

    /** The completed run of the call of task {@code name} at {@code position}, or null. */
    @SuppressWarnings("unchecked")
    <T> TaskRunFuture<T> taskRun(String name, int position) {
        return taskRuns.isEmpty() ? null : (TaskRunFuture<T>) taskRuns.get(new Call(name, position));
    }

    /** The completed child flow run of the call of flow {@code name} at {@code position}, or null. */
    FlowRunEngine subflow(String name, int position) {
        return subflows.isEmpty() ? null : subflows.get(new Call(name, position));
    }
}
