package dev.baton.internal.engine;

import dev.baton.BatonRuntime;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.State;
import dev.baton.TaskFuture;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The entry points the public API calls: run a flow, submit or call a task. Checks that a
 * task is called where it may be, with messages that say what to do instead.
 */
public final class Engine {
    /** The error for an async task called from a synchronous flow, worded as in Prefect. */
    public static final String ASYNC_TASK_IN_SYNC_FLOW =
            "Your task is async, but your flow is synchronous. Async tasks may only be called from async flows.";

    private Engine() {}

    /**
     * Runs {@code flow} on the calling thread, on {@code runtime} (null: the current one; a
     * subflow: its parent's); returns once the run and all its task runs have finished.
     */
    public static <R> FlowRun<R> run(FlowDefinition flow, Object[] parameters, BatonRuntime runtime) {
        return FlowRunEngine.run(flow, parameters, runtime);
    }

    /** Starts {@code flow} on a thread of its own, on {@code runtime} as for {@link #run}, and returns its handle at once. */
    public static <R> FlowRunHandle<R> start(FlowDefinition flow, Object[] parameters, BatonRuntime runtime) {
        return new Handle<>(FlowRunEngine.start(flow, parameters, runtime));
    }

    /**
     * Starts flow run {@code id} of {@code flow}, which the run store holds already as {@code name}
     * with the states {@code earlier} (a scheduled run claimed to run here, Pending last), on a
     * thread of its own; returns its handle at once. If {@code unusable} is not null (its parameters
     * could not be read), the run fails with it without running the body.
     */
    public static <R> FlowRunHandle<R> startRecorded(FlowDefinition flow, Object[] parameters, BatonRuntime runtime,
                                                    UUID id, String name, List<State> earlier,
                                                    RuntimeException unusable) {
        return new Handle<>(FlowRunEngine.startRecorded(flow, parameters, runtime, id, name, earlier, unusable));
    }

    /** Submits a task run of {@code task} to the current flow run's executor. */
    public static <T> TaskFuture<T> submit(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        return scopeFor(task).engine().calls.submit(task, args, waitFor);
    }

    /** Runs a task run of a synchronous {@code task} and returns its value, or throws its failure. */
    public static <T> T call(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        TaskFuture<T> f = submit(task, args, waitFor);
        return f.result();
    }

    /** Starts a task run of an async {@code task}; the stage completes with its value. */
    public static <T> CompletionStage<T> callAsync(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        TaskFuture<T> f = submit(task, args, waitFor);
        return f.toCompletionStage();
    }

    private static RunScope scopeFor(TaskDefinition task) {
        RunScope scope = RunScope.current();
        if (scope == null) {
            throw new IllegalStateException("Task '" + task.name() + "' was called outside a flow run. Call tasks from"
                    + " the body of a flow (Flow.named(...).of(...)); in async flows, continue from the stages that"
                    + " Baton returns (task calls, Async.sleep, Async.allOf), which carry the flow run along.");
        }
        String insideTaskRun = scope.taskRunName();
        if (insideTaskRun != null) {
            throw new IllegalStateException("Task '" + task.name() + "' was called from inside task run '"
                    + insideTaskRun + "'. Tasks cannot be run from within tasks: call both from the flow,"
                    + " passing the first one's future to the second to make it wait.");
        }
        if (task.isAsync() && !scope.engine().flow().isAsync()) {
            throw new IllegalStateException(ASYNC_TASK_IN_SYNC_FLOW);
        }
        return scope;
    }
}
