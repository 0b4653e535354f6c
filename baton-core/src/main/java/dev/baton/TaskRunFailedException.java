package dev.baton;

/**
 * Thrown by {@link TaskFuture#result()} (and by plain task calls) when the task run did not
 * complete. The message names the task run and its final state; the task's own exception,
 * if any, is the cause.
 */
public class TaskRunFailedException extends RuntimeException {
    private final transient TaskRun taskRun;

    /** Creates the exception for {@code taskRun}, which ended in {@code state}. */
    public TaskRunFailedException(TaskRun taskRun, State state, Throwable cause) {
        super(message(taskRun, state), cause);
        this.taskRun = taskRun;
    }

    private static String message(TaskRun run, State state) {
        if (state.isNotReady()) {
            return "Task run '" + run.name() + "' did not run: " + state.message().orElse("an upstream run did not complete");
        }
        return "Task run '" + run.name() + "' ended in state " + state;
    }

    /** The task run that did not complete. */
    public TaskRun taskRun() {
        return taskRun;
    }
}
