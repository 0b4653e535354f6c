package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A value passed through as it is: the engine does not look inside it for futures. It poses
 * as an already resolved future so it fits where a task takes an argument or its future.
 */
public final class Quoted<T> implements TaskFuture<T> {
    private final T value;

    public Quoted(T value) {
        this.value = value;
    }

    T value() {
        return value;
    }

    /** @throws UnsupportedOperationException always: a quoted value is not a task run */
    @Override
    public TaskRun taskRun() {
        throw new UnsupportedOperationException("quote(...) wraps a value, not a task run");
    }

    @Override
    public State state() {
        return State.of(StateType.COMPLETED, null, 0, null, value);
    }

    @Override
    public boolean isDone() {
        return true;
    }

    @Override
    public State await() {
        return state();
    }

    @Override
    public State await(Duration timeout) {
        return state();
    }

    @Override
    public T result() {
        return value;
    }

    @Override
    public T result(Duration timeout) {
        return value;
    }

    @Override
    public CompletionStage<T> toCompletionStage() {
        return CompletableFuture.completedStage(value);
    }

    @Override
    public String toString() {
        return "quote(" + value + ")";
    }
}
