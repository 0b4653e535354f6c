package dev.baton;

/**
 * Called when a flow run reaches a final state: {@code onCompletion}, {@code onFailure},
 * {@code onCancellation} or {@code onCrashed}. A hook that throws is logged; it never changes
 * the run's state.
 */
@FunctionalInterface
public interface FlowHook {
    /** Reacts to {@code run} having reached {@code state}. */
    void call(FlowRun<?> run, State state) throws Exception;
}
