package dev.baton;

/**
 * Runs the task runs of a flow run: one after another ({@link SequentialExecutor}, the
 * default), in parallel on virtual threads ({@link ConcurrentExecutor}), or on a cluster.
 *
 * <p>An executor only manages task runs <em>within one flow run</em>; flow runs themselves
 * run in parallel with no configuration. The engine hands an executor only task runs whose
 * upstream futures have resolved, so an executor never orders work itself: order comes from
 * dependencies alone. States, logging and results stay the engine's.
 *
 * <p>An executor instance is configuration and may serve many flow runs at once; each run
 * gets its own {@link Session}.
 */
public interface Executor {

    /** A short name for logs and benchmarks, e.g. {@code sequential}. */
    String name();

    /** Starts the executor for one flow run; the engine closes the session when the run ends. */
    Session open(FlowRun<?> flowRun);

    /** The executor's work for one flow run. */
    interface Session extends AutoCloseable {

        /**
         * Runs {@code taskRun}, now or later, here or elsewhere. Must not throw for the task's
         * failures: {@link ReadyTaskRun#run()} records them.
         */
        void submit(ReadyTaskRun taskRun);

        /**
         * False if this executor runs task bodies in other processes: the engine then hands each
         * body call to {@link #call(TaskCall)} instead of invoking the body itself.
         */
        default boolean runsBodiesHere() {
            return true;
        }

        /**
         * Runs {@code call} elsewhere (a cluster worker) and completes with its result: the value
         * from {@link TaskCall#result(Object)}, or its failure; a {@link TaskRunCrashedException}
         * if the run cannot be finished anywhere. Cancelling the stage should stop the remote call.
         * Only called when {@link #runsBodiesHere()} is false.
         */
        default java.util.concurrent.CompletionStage<Object> call(TaskCall call) {
            throw new UnsupportedOperationException(getClass().getName() + " runs task bodies here");
        }

        /** Called once after every submitted task run has settled. */
        @Override
        default void close() {}
    }
}
