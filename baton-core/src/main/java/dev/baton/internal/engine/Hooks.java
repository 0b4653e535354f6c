package dev.baton.internal.engine;

import dev.baton.FlowHook;
import dev.baton.State;
import dev.baton.TaskHook;
import dev.baton.internal.ExceptionText;
import org.slf4j.event.Level;

import java.util.List;

/**
 * Calls the hooks for a final state. A hook that throws is logged with its run and does not
 * change the state: the run has already ended.
 */
final class Hooks {
    private Hooks() {}

    static void forTask(TaskRunScope run, TaskOptions options, State state) {
        List<TaskHook> hooks;
        String kind;
        switch (state.type()) {
            case COMPLETED -> { hooks = options.onCompletion(); kind = "onCompletion"; }
            case FAILED, CRASHED -> { hooks = options.onFailure(); kind = "onFailure"; }
            case CANCELLED -> { hooks = options.onCancellation(); kind = "onCancellation"; }
            default -> { return; }
        }
        for (TaskHook hook : hooks) {
            try {
                hook.call(run.record(), state);
            } catch (Throwable t) {
                RunLog.log(RunLog.TASK_RUNS, Level.ERROR, run, "An " + kind + " hook failed: " + ExceptionText.of(t)
                        + "; the run's state stays " + state, t);
            }
        }
    }

    static void forFlow(FlowRunEngine engine, FlowOptions options, State state) {
        List<FlowHook> hooks;
        String kind;
        switch (state.type()) {
            case COMPLETED -> { hooks = options.onCompletion(); kind = "onCompletion"; }
            case FAILED -> { hooks = options.onFailure(); kind = "onFailure"; }
            case CANCELLED -> { hooks = options.onCancellation(); kind = "onCancellation"; }
            case CRASHED -> { hooks = options.onCrashed(); kind = "onCrashed"; }
            default -> { return; }
        }
        for (FlowHook hook : hooks) {
            try {
                hook.call(engine.record(), state);
            } catch (Throwable t) {
                RunLog.log(RunLog.FLOW_RUNS, Level.ERROR, engine, "An " + kind + " hook failed: " + ExceptionText.of(t)
                        + "; the run's state stays " + state, t);
            }
        }
    }
}
