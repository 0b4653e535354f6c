package dev.baton;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * A flow run started with {@code start(...)}: it runs on a thread of its own while the caller
 * goes on, and can be awaited or cancelled from any thread.
 *
 * <pre>{@code
 * FlowRunHandle<Report> handle = etl.start(dir);
 * ...
 * handle.cancel();                       // CANCELLING: running task runs are interrupted
 * FlowRun<Report> run = handle.await();  // Cancelled('Flow run was cancelled')
 * }</pre>
 *
 * @param <R> the flow's result type
 */
public interface FlowRunHandle<R> {

    /** The run's id. */
    UUID id();

    /** The run's name. */
    String name();

    /** The live record of the run: its state and task runs so far. */
    FlowRun<R> flowRun();

    /** The run's current state: Pending from the moment {@code start()} returns, never null. */
    default State state() {
        return flowRun().state();
    }

    /** True once the run has finished. */
    boolean isDone();

    /** A stage that completes with the run's record once it has finished (never exceptionally). */
    CompletionStage<FlowRun<R>> toCompletionStage();

    /** Waits for the run to finish and returns its record. */
    FlowRun<R> await();

    /** Waits up to {@code timeout}; the finished record, or empty if the run goes on. */
    Optional<FlowRun<R>> await(Duration timeout);

    /**
     * Cancels the run: it goes CANCELLING, running task runs are interrupted, pending ones never
     * start, and it ends CANCELLED once they have stopped.
     *
     * @return false if the run had already finished or was already cancelling
     */
    boolean cancel();
}
