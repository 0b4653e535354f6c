package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.TaskDefinition;
import java.io.Serializable;

/**
 * A task taking no arguments, made with {@code Task.named(...).of(...)}.
 * Calling it inside a flow creates a task run, submitted to the flow's executor.
 */
public final class Task0<R> extends Task {
    private static final Object[] NO_ARGS = {};

    /** The task's body; serializable, so distributed executors can ship it (with what it captures). */
    @FunctionalInterface
    public interface Body<R> extends Serializable {
        /** Runs the task. */
        R apply() throws Exception;
    }

    /** The body of a task that returns nothing; serializable, like {@link Body}. */
    @FunctionalInterface
    public interface Procedure extends Serializable {
        /** Runs the task. */
        void accept() throws Exception;
    }

    Task0(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        super(definition, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call() {
        return Engine.call(definition, NO_ARGS, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @throws IllegalStateException outside a flow run
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
    public Task0<R> withOptions(java.util.function.Consumer<? super Task.Builder> options) {
        return new Task0<>(redefined(options), waitFor);
    }

    /**
     * This task, with runs that also wait for {@code upstream} before they start, without
     * receiving their values. A run whose upstream did not complete ends NotReady.
     */
    public Task0<R> waitFor(TaskFuture<?>... upstream) {
        return new Task0<>(definition, withWaitFor(upstream));
    }
}
