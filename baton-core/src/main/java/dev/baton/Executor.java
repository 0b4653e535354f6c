package dev.baton;

/**
 * Runs the task bodies of a flow run: one after another on the caller's thread
 * ({@link SequentialExecutor}, the default), in parallel on virtual threads
 * ({@link ConcurrentExecutor}), or on a cluster.
 *
 * <p>An executor only runs bodies. The engine hands it a {@link BodyCall} once a task run may
 * start (its upstream runs have completed, it is RUNNING), and the executor reports how the body
 * ended; states, waits, timeouts, retries, caching, logging and results stay the engine's, so an
 * executor never orders work itself and never calls back into the engine. An executor only runs
 * the task runs <em>within one flow run</em>; flow runs themselves run in parallel with no
 * configuration.
 *
 * <p>An executor instance is configuration and may serve many flow runs at once; each run
 * gets its own {@link Session}.
 */
public interface Executor {

    /** A short name for logs and benchmarks, e.g. {@code sequential}. */
    String name();

    /**
     * The most task runs of one flow run whose bodies run at once ({@code Integer.MAX_VALUE}: no
     * limit). The engine holds the other ready runs back, in the order they became ready; a run
     * that waits before it starts (for a tag's concurrency slot, for its retry to be due) does not
     * count meanwhile, and comes before the runs held back once it may start.
     */
    default int maxConcurrency() {
        return Integer.MAX_VALUE;
    }

    /** Starts the executor for one flow run; the engine closes the session when the run ends. */
    Session open(FlowRun<?> flowRun);

    /** The executor's work for one flow run. */
    interface Session extends AutoCloseable {

        /**
         * Runs {@code call}, now or later, here or elsewhere, and reports its outcome through it,
         * exactly once. Must not throw for the task's failure.
         */
        void run(BodyCall call);

        /**
         * True if {@link #run} runs each call on the caller's thread and returns once the body has
         * returned, as the sequential executor does. The engine then also waits on the caller's
         * thread (for a tag's concurrency slot, for a retry to be due), so that a task call
         * returns once its run is final.
         */
        default boolean runsOnCaller() {
            return false;
        }

        /** Called once after every task run of the flow run has settled. */
        @Override
        default void close() {}
    }
}
