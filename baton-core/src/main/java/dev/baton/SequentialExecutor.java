package dev.baton;

/**
 * The default executor: runs each task body on the caller's thread as soon as its run is ready,
 * so {@code submit} blocks until the task run, retries included, has finished and returns a
 * completed future.
 */
public final class SequentialExecutor implements Executor {
    private static final Session SESSION = new Session() {
        @Override
        public void run(BodyCall call) {
            call.runHere();
        }

        @Override
        public boolean runsOnCaller() {
            return true;
        }
    };

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
