package dev.baton;

/**
 * A task run whose upstream futures have resolved, handed to an {@link Executor}.
 */
public interface ReadyTaskRun {

    /** The record of the run. */
    TaskRun taskRun();

    /**
     * Runs the task on the calling thread: moves the run to RUNNING, calls the task with its
     * resolved arguments and records the final state. Never throws for the task's failure.
     * For async tasks, returns once the body has returned its stage; the run settles when
     * the stage completes.
     */
    void run();
}
