package dev.baton;

/**
 * Thrown by an executor when the process running a task run's body died or became unreachable
 * and the run cannot go on elsewhere: the run ends CRASHED with this message.
 */
public class TaskRunCrashedException extends RuntimeException {
    /** Creates the exception. */
    public TaskRunCrashedException(String message, Throwable cause) {
        super(message, cause);
    }
}
