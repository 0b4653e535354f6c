package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.TaskDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A task taking one argument, made with {@code Task.named(...).of(...)}.
 * Calling it inside a flow creates a task run, submitted to the flow's executor.
 */
public final class Task1<A, R> extends Task {
    /** The task's body; serializable, so distributed executors can ship it (with what it captures). */
    @FunctionalInterface
    public interface Body<A, R> extends Serializable {
        /** Runs the task. */
        R apply(A a) throws Exception;
    }

    /** The body of a task that returns nothing; serializable, like {@link Body}. */
    @FunctionalInterface
    public interface Procedure<A> extends Serializable {
        /** Runs the task. */
        void accept(A a) throws Exception;
    }

    Task1(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        super(definition, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(A a) {
        return Engine.call(definition, new Object[] {a}, waitFor);
    }

    /**
     * Runs this task in the current flow run and returns its value, waiting for it.
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @throws TaskRunFailedException if the run did not complete
     * @throws IllegalStateException outside a flow run
     */
    public R call(TaskFuture<? extends A> a) {
        return Engine.call(definition, new Object[] {a}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(A a) {
        return Engine.submit(definition, new Object[] {a}, waitFor);
    }

    /**
     * Submits a run of this task to the current flow run's executor and returns its future
     * (with the default executor, once it has run).
     *
     * @param a the first argument, as a future: the run waits for it and receives its value
     * @throws IllegalStateException outside a flow run
     */
    public TaskFuture<R> submit(TaskFuture<? extends A> a) {
        return Engine.submit(definition, new Object[] {a}, waitFor);
    }

    /**
     * Submits one run of this task per element of {@code items}, in order.
     *
     * @return the futures, in the order of the elements
     */
    public List<TaskFuture<R>> map(Iterable<? extends A> items) {
        List<TaskFuture<R>> out = new ArrayList<>();
        for (A a : items) out.add(submit(a));
        return out;
    }

    /**
     * Submits one run of this task per future in {@code upstream}, in order; each run waits
     * for its future and receives its value (or ends NotReady if it did not complete).
     *
     * @return the futures of the new runs, in order
     */
    public List<TaskFuture<R>> map(List<? extends TaskFuture<? extends A>> upstream) {
        List<TaskFuture<R>> out = new ArrayList<>(upstream.size());
        for (TaskFuture<? extends A> a : upstream) out.add(submit(a));
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
    public Task1<A, R> withOptions(java.util.function.Consumer<? super Task.Builder> options) {
        return new Task1<>(redefined(options), waitFor);
    }

    /**
     * This task, with runs that also wait for {@code upstream} before they start, without
     * receiving their values. A run whose upstream did not complete ends NotReady.
     */
    public Task1<A, R> waitFor(TaskFuture<?>... upstream) {
        return new Task1<>(definition, withWaitFor(upstream));
    }
}
