package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.Mapping;
import dev.baton.internal.engine.TaskDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A task taking two arguments, made with {@code Task.named(...).of(...)}.
 * Calling it inside a flow creates a task run, submitted to the flow's executor.
 */
public final class Task2<A, B, R> extends Task {
    /** The task's body; serializable, so distributed executors can ship it (with what it captures). */
    @FunctionalInterface
    public interface Body<A, B, R> extends Serializable {
        /** Runs the task. */
        R apply(A a, B b) throws Exception;
    }

    /** The body of a task that returns nothing; serializable, like {@link Body}. */
    @FunctionalInterface
    public interface Procedure<A, B> extends Serializable {
        /** Runs the task. */
        void accept(A a, B b) throws Exception;
    }

    Task2(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        super(definition, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument
     * @param b the second argument
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(A a, B b) {
        return Engine.call(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(A a, TaskFuture<? extends B> b) {
        return Engine.call(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(TaskFuture<? extends A> a, B b) {
        return Engine.call(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(TaskFuture<? extends A> a, TaskFuture<? extends B> b) {
        return Engine.call(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(A a, B b) {
        return Engine.submit(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(A a, TaskFuture<? extends B> b) {
        return Engine.submit(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, B b) {
        return Engine.submit(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @param b the second argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a, TaskFuture<? extends B> b) {
        return Engine.submit(definition, new Object[] {a, b}, waitFor);
    }

    /**
     * Submits one run of this task per position, taking the i-th element of each iterable
     * (zip-like), in order. Wrap an argument in {@link Baton#unmapped(Object)} to give the
     * same value to every run.
     *
     * @return the futures, in order
     * @throws IllegalArgumentException if the mapped iterables do not have the same length, or none is mapped
     */
    public List<TaskFuture<R>> map(Iterable<? extends A> as, Iterable<? extends B> bs) {
        List<TaskFuture<R>> out = new ArrayList<>();
        for (Object[] row : Mapping.rows(name(), as, bs)) out.add(Engine.submit(definition, row, waitFor));
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
    public Task2<A, B, R> withOptions(java.util.function.Consumer<? super Task.Builder> options) {
        return new Task2<>(redefined(options), waitFor);
    }

    /**
     * This task, with runs that also wait for {@code upstream} before they start, without
     * receiving their values. A run whose upstream did not complete ends NotReady.
     */
    public Task2<A, B, R> waitFor(TaskFuture<?>... upstream) {
        return new Task2<>(definition, withWaitFor(upstream));
    }
}
