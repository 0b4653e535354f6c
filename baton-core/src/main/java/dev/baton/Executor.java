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

        /** Called once after every submitted task run has settled. */
        @Override
        default void close() {}
    }
}
