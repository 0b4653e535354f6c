package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.Mapping;
import dev.baton.internal.engine.TaskDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An async task taking three arguments, made with {@code Task.named(...).async(...)}.
 * Calling it inside a flow creates a task run, submitted to the flow's executor.
 *
 * <p>Its body returns a {@link CompletionStage}; the run completes when the stage does.
 * Async tasks may only be called from async flows, where {@code call} returns at once and
 * the stages can be gathered with {@link Async#allOf}.
 */
public final class AsyncTask3<A, B, C, R> extends Task {
    /** The task's body; serializable, so distributed executors can ship it (with what it captures). */
    @FunctionalInterface
    public interface Body<A, B, C, R> extends Serializable {
        /** Runs the task. */
        CompletionStage<R> apply(A a, B b, C c) throws Exception;
    }

    AsyncTask3(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        super(definition, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(A a, B b, C c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(A a, B b, TaskFuture<? extends C> c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(A a, TaskFuture<? extends B> b, C c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(A a, TaskFuture<? extends B> b, TaskFuture<? extends C> c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @param c the third argument
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(TaskFuture<? extends A> a, B b, C c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(TaskFuture<? extends A> a, B b, TaskFuture<? extends C> c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(TaskFuture<? extends A> a, TaskFuture<? extends B> b, C c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Starts a run of this task in the current async flow run and returns at once.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @return a stage completed with the task's value, or exceptionally with a {@link TaskRunFailedException}
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public CompletionStage<R> call(TaskFuture<? extends A> a, TaskFuture<? extends B> b, TaskFuture<? extends C> c) {
        return Engine.callAsync(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(A a, B b, C c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(A a, B b, TaskFuture<? extends C> c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(A a, TaskFuture<? extends B> b, C c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(A a, TaskFuture<? extends B> b, TaskFuture<? extends C> c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @param c the third argument
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, B b, C c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, B b, TaskFuture<? extends C> c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, TaskFuture<? extends B> b, C c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @param c the third argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run, or in a synchronous flow
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, TaskFuture<? extends B> b, TaskFuture<? extends C> c) {
        return Engine.submit(definition, new Object[] {a, b, c}, waitFor);
    }

    /**
     * Submits one run of this task per position, taking the i-th element of each iterable
     * (zip-like), in order. Wrap an argument in {@link Baton#unmapped(Object)} to give the
     * same value to every run.
     *
     * @return the futures, in order
     * @throws IllegalArgumentException if the mapped iterables do not have the same length, or none is mapped
     */
    public List<TaskFuture<R>> map(Iterable<? extends A> as, Iterable<? extends B> bs, Iterable<? extends C> cs) {
        List<TaskFuture<R>> out = new ArrayList<>();
        for (Object[] row : Mapping.rows(name(), as, bs, cs)) out.add(Engine.submit(definition, row, waitFor));
        return out;
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
    public AsyncTask3<A, B, C, R> withOptions(java.util.function.Consumer<? super Task.Builder> options) {
        return new AsyncTask3<>(redefined(options), waitFor);
    }

    /**
     * This task, with runs that also wait for {@code upstream} before they start, without
     * receiving their values. A run whose upstream did not complete ends NotReady.
     */
    public AsyncTask3<A, B, C, R> waitFor(TaskFuture<?>... upstream) {
        return new AsyncTask3<>(definition, withWaitFor(upstream));
    }
}
