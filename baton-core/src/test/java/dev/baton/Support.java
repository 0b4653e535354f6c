package dev.baton;

import java.util.List;

/** Small helpers shared by the tests. */
final class Support {
    private Support() {}

    /** The state names of a history, oldest first. */
    static List<String> names(List<State> history) {
        return history.stream().map(State::name).toList();
    }

    /** The state types of a history, oldest first. */
    static List<StateType> types(List<State> history) {
        return history.stream().map(State::type).toList();
    }

    /** The names of task runs, in order. */
    static List<String> runNames(List<TaskRun> runs) {
        return runs.stream().map(TaskRun::name).toList();
    }

    /**
     * Returns {@code run} if it completed; otherwise fails the test with the run's state, rethrowing
     * an assertion that failed inside the flow body so that its message is shown.
     */
    static <R> FlowRun<R> completed(FlowRun<R> run) {
        State s = run.state();
        if (s.isCompleted()) return run;
        Throwable cause = s.cause().orElse(null);
        if (cause instanceof AssertionError e) throw e;
        if (cause instanceof TaskRunFailedException t && t.getCause() instanceof AssertionError e) throw e;
        throw new AssertionError("flow run " + run.name() + " ended in state " + s, cause);
    }
}
