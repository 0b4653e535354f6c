package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * An upstream future whose failure does not stop the downstream run: the downstream waits for
 * it and receives its final {@link State} (carrying the value, or the failure's cause).
 */
public final class FailureAllowed implements TaskFuture<State> {
    private final TaskRunFuture<?> upstream;

    public FailureAllowed(TaskFuture<?> upstream) {
        if (!(upstream instanceof TaskRunFuture<?> f)) {
            throw new IllegalArgumentException("allowFailure(...) takes a future returned by submit(...), got " + upstream);
        }
        this.upstream = f;
    }

    TaskRunFuture<?> upstream() {
        return upstream;
    }

    @Override
    public TaskRun taskRun() {
        return upstream.taskRun();
    }

    @Override
    public State state() {
        return upstream.state();
    }

    @Override
    public boolean isDone() {
        return upstream.isDone();
    }

    @Override
    public State await() {
        return upstream.await();
    }

    @Override
    public State await(Duration timeout) {
        return upstream.await(timeout);
    }

    /** The upstream's final state; never throws for its failure. */
    @Override
    public State result() {
        return upstream.await();
    }

    @Override
    public State result(Duration timeout) throws TimeoutException {
        State s = upstream.await(timeout);
        if (!s.isSettled()) throw new TimeoutException("Task run '" + upstream.record().name() + "' did not finish within " + timeout);
        return s;
    }

    @Override
    public CompletionStage<State> toCompletionStage() {
        return upstream.toCompletionStage().handle((v, t) -> upstream.state());
    }

    @Override
    public String toString() {
        return "allowFailure(" + upstream + ")";
    }
}
