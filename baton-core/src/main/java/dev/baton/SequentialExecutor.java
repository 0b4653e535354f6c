package dev.baton;

/**
 * The default executor: runs each task run on the caller's thread as soon as it is ready,
 * so {@code submit} blocks until the task has finished and returns a completed future.
 */
public final class SequentialExecutor implements Executor {
    private static final Session SESSION = ReadyTaskRun::run;

    /** Creates the executor. */
    public SequentialExecutor() {}

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public Session open(FlowRun<?> flowRun) {
        return SESSION;
    }

    @Override
    public String toString() {
        return "SequentialExecutor";
    }
}
