package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.TaskDefinition;
import java.io.Serializable;
import java.util.concurrent.CompletionStage;

/**
 * An async task taking no arguments, made with {@code Task.named(...).async(...)}.
 * Calling it inside a flow creates a task run, submitted to the flow's executor.
 *
 * <p>Its body returns a {@link CompletionStage}; the run completes when the stage does.
 * Async tasks may only be called from async flows, where {@code call} returns at once and
 * the stages can be gathered with {@link Async#allOf}.
 */
public final class AsyncTask0<R> extends Task {
    private static final Object[] NO_ARGS = {};

    /** The task's body; serializable, so distributed executors can ship it (with what it captures). */
    @FunctionalInterface
    public interface Body<R> extends Serializable {
        /** Runs the task. */
        CompletionStage<R> apply() throws Exception;
    }

    AsyncTask0(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        super(definition, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call() {
        return Engine.callAsync(definition, NO_ARGS, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit() {
        return Engine.submit(definition, NO_ARGS, waitFor);
    }

    /**
     * This task with other options, for a call site that needs them: {@code options} changes a
     * builder that holds this task's own (retries, timeout, cache, tags, hooks...); the name and
     * body stay, and this task is unchanged.
     *
     * <pre>{@code
     * fetch.withOptions(o -> o.retries(5).timeout(Duration.ofSeconds(30))).submit(url);
     * }</pre>
     */
    public AsyncTask0<R> withOptions(java.util.function.Consumer<? super Task.Builder> options) {
        return new AsyncTask0<>(redefined(options), waitFor);
    }

    /**
     * This task, with runs that also wait for {@code upstream} before they start, without
     * receiving their values. A run whose upstream did not complete ends NotReady.
     */
    public AsyncTask0<R> waitFor(TaskFuture<?>... upstream) {
        return new AsyncTask0<>(definition, withWaitFor(upstream));
    }
}
