package dev.baton;

import dev.baton.internal.engine.Engine;
import dev.baton.internal.engine.FlowDefinition;

/**
 * A flow taking no parameters, made with {@code Flow.named(...).of(...)}.
 * Each call creates a flow run; called inside another flow, it runs as a child flow run.
 */
public final class Flow0<R> extends Flow {
    /** The flow's body. */
    @FunctionalInterface
    public interface Body<R> {
        /** Runs the flow. */
        R apply() throws Exception;
    }

    /** The body of a flow that returns nothing. */
    @FunctionalInterface
    public interface Procedure {
        /** Runs the flow. */
        void accept() throws Exception;
    }

    Flow0(FlowDefinition definition, BatonRuntime runtime) {
        super(definition, runtime);
    }

    /**
     * This flow, run on {@code runtime} (its store, clock and home) instead of the current one.
     * Called inside another flow run, it still runs as a subflow on its parent's runtime.
     */
    public Flow0<R> on(BatonRuntime runtime) {
        return new Flow0<>(definition, checked(runtime));
    }

    /**
     * This flow with other options (retries, timeout, executor, tags, hooks...), as Prefect's
     * {@code with_options}: {@code options} changes a builder that holds this flow's own; the name
     * and body stay, and this flow is unchanged. A flow bound to a runtime stays bound to it.
     */
    public Flow0<R> withOptions(java.util.function.Consumer<? super Flow.Builder> options) {
        return new Flow0<>(redefined(options), runtime);
    }

    /**
     * Runs the flow on the calling thread and returns the finished run: its final state,
     * history and task runs. Never throws for the flow's failure; see {@link FlowRun#state()}.
     *
     */
    public FlowRun<R> run() {
        return Engine.run(definition, new Object[] {}, runtime);
    }

    /**
     * Runs the flow and returns its value.
     *
     * @throws FlowRunFailedException if the run did not complete
     */
    public R call() {
        return run().result();
    }

    /**
     * Starts the flow on a thread of its own and returns its handle at once, to await or
     * cancel the run from any thread.
     *
     */
    public FlowRunHandle<R> start() {
        return Engine.start(definition, new Object[] {}, runtime);
    }
}
