package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.FlowDefinition;

/**
 * A flow taking one parameter, made with {@code Flow.named(...).of(...)}.
 * Each call creates a flow run; called inside another flow, it runs as a child flow run.
 */
public final class Flow1<A, R> extends Flow {
    /** The flow's body. */
    @FunctionalInterface
    public interface Body<A, R> {
        /** Runs the flow. */
        R apply(A a) throws Exception;
    }

    /** The body of a flow that returns nothing. */
    @FunctionalInterface
    public interface Procedure<A> {
        /** Runs the flow. */
        void accept(A a) throws Exception;
    }

    Flow1(FlowDefinition definition, BatonRuntime runtime) {
        super(definition, runtime);
    }

    /**
     * This flow, run on {@code runtime} (its store, clock and home) instead of the current one.
     * Called inside another flow run, it still runs as a subflow on its parent's runtime.
     */
    public Flow1<A, R> on(BatonRuntime runtime) {
        return new Flow1<>(definition, checked(runtime));
    }

    /**
     * This flow with other options (retries, timeout, executor, tags, hooks...), as Prefect's
     * {@code with_options}: {@code options} changes a builder that holds this flow's own; the name
     * and body stay, and this flow is unchanged. A flow bound to a runtime stays bound to it.
     */
    public Flow1<A, R> withOptions(java.util.function.Consumer<? super Flow.Builder> options) {
        return new Flow1<>(redefined(options), runtime);
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
