package dev.baton;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The handle of a submitted task run, returned at once by {@code submit}.
 *
 * <p>Passing a future as an argument to another task (directly, or inside a {@code List},
 * {@code Map}, array or record) makes that task run wait for this one and receive its
 * value; if this run does not complete, the downstream run ends {@code NotReady}.
 *
 * <pre>{@code
 * TaskFuture<Integer> a = add.submit(1, 2);
 * TaskFuture<Integer> b = add.submit(a, 10);   // waits for a, receives 3
 * int total = b.result();                      // 13
 * }</pre>
 *
 * @param <T> the task's result type
 */
public interface TaskFuture<T> {

    /** The record of the task run: its id, name and state history. */
    TaskRun taskRun();

    /** The run's current state, carrying the value once completed. Never blocks, never throws. */
    State state();

    /** True once the run has settled: a final state, or NotReady. */
    boolean isDone();

    /** Waits until the run settles and returns its final state. Never throws for the run's failure. */
    State await();

    /**
     * Waits up to {@code timeout} for the run to settle and returns its state then, which
     * is not final if the time ran out.
     */
    State await(Duration timeout);

    /**
     * Waits for the run and returns its value.
     *
     * @throws TaskRunFailedException if the run did not complete; the task's exception is the cause
     */
    T result();

    /**
     * Waits up to {@code timeout} for the run and returns its value.
     *
     * @throws TimeoutException if the run has not settled in time (the run goes on)
     * @throws TaskRunFailedException if the run did not complete
     */
    T result(Duration timeout) throws TimeoutException;

    /**
     * A stage completed with the run's value, or exceptionally with a
     * {@link TaskRunFailedException}. Inside async flows, continuations registered on it run
     * inside the flow run, so they may call tasks.
     */
    CompletionStage<T> toCompletionStage();
}
