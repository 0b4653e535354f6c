package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.FlowDefinition;
import java.util.concurrent.CompletionStage;

/**
 * An async flow taking one parameter, made with {@code Flow.named(...).async(...)}.
 * Each call creates a flow run; called inside another flow, it runs as a child flow run.
 *
 * <p>Its body returns a {@link CompletionStage}; it may call async tasks, whose calls return
 * at once, and the flow run ends when the stage completes and every task run has finished.
 */
public final class AsyncFlow1<A, R> extends Flow {
    /** The flow's body. */
    @FunctionalInterface
    public interface Body<A, R> {
        /** Runs the flow. */
        CompletionStage<R> apply(A a) throws Exception;
    }

    AsyncFlow1(FlowDefinition definition, BatonRuntime runtime) {
        super(definition, runtime);
    }

    /**
     * This flow, run on {@code runtime} (its store, clock and home) instead of the current one.
     * Called inside another flow run, it still runs as a subflow on its parent's runtime.
     */
    public AsyncFlow1<A, R> on(BatonRuntime runtime) {
        return new AsyncFlow1<>(definition, checked(runtime));
    }

    /**
     * This flow with other options (retries, timeout, executor, tags, hooks...), as Prefect's
     * {@code with_options}: {@code options} changes a builder that holds this flow's own; the name
     * and body stay, and this flow is unchanged. A flow bound to a runtime stays bound to it.
     */
    public AsyncFlow1<A, R> withOptions(java.util.function.Consumer<? super Flow.Builder> options) {
        return new AsyncFlow1<>(redefined(options), runtime);
    }

    /**
     * Runs the flow on the calling thread and returns the finished run: its final state,
     * history and task runs. Never throws for the flow's failure; see {@link FlowRun#state()}.
     *
     * @param a the first parameter
     */
    public FlowRun<R> run(A a) {
        return Engine.run(definition, new Object[] {a}, runtime);
    }

    /**
     * Runs the flow and returns its value.
     *
     * @param a the first parameter
     * @throws FlowRunFailedException if the run did not complete
     */
    public R call(A a) {
        return run(a).result();
    }

    /**
     * Starts the flow on a thread of its own and returns its handle at once, to await or
     * cancel the run from any thread.
     *
     * @param a the first parameter
     */
    public FlowRunHandle<R> start(A a) {
        return Engine.start(definition, new Object[] {a}, runtime);
    }
}
