package dev.baton;

/**
 * Called when a task run reaches a final state: {@code onCompletion}, {@code onFailure} or
 * {@code onCancellation}. A hook that throws is logged; it never changes the run's state.
 *
 * <pre>{@code
 * Task.named("load").onFailure((run, state) -> alerts.send(run.name() + " " + state)).of(...)
 * }</pre>
 */
@FunctionalInterface
public interface TaskHook {
    /** Reacts to {@code run} having reached {@code state}. */
    void call(TaskRun run, State state) throws Exception;
}
