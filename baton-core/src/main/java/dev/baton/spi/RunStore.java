package dev.baton.spi;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Where runs are recorded. The engine tells the store when a flow run starts, when a task run
 * is created, every state either enters (in order, per run), and when the flow run has
 * finished; the store keeps the records and answers queries.
 *
 * <p>The per-task and per-state calls are on the engine's hot path: a store that writes to
 * disk or network must hand them off (queue, batch) rather than block, and make everything
 * durable by the time {@link #flowRunFinished} returns.
 */
public interface RunStore {

    /** A flow run was created; its record goes on changing until {@link #flowRunFinished}. */
    void flowRunStarted(FlowRun<?> run);

    /** A task run of a started flow run was created, with its upstream runs; its states follow. */
    default void taskRunCreated(TaskRun run) {}

    /** {@code state} was appended to the history of task run {@code run}. */
    default void taskRunState(TaskRun run, State state) {}

    /** {@code state} was appended to the history of flow run {@code run}. */
    default void flowRunState(FlowRun<?> run, State state) {}

    /**
     * Whether this store keeps the log lines written during runs. Asked for every line the
     * engine or {@code Baton.logger()} writes (at a level its logger lets through), before the
     * line is made: a store that answers false costs a line nothing more.
     */
    default boolean recordsLogs() {
        return false;
    }

    /**
     * A log line written during a run, in the order written (per flow run); called only when
     * {@link #recordsLogs()} is true. On the logging thread: hand it off, as the state calls do.
     */
    default void log(LogLine line) {}

    /**
     * The tag concurrency slots this store keeps for limits set outside this process (in its
     * database, or on its server), or {@link ConcurrencySlots#NONE}. The engine takes a slot of
     * each limited tag here, besides the in-process limits of {@code ConcurrencyLimits}, before a
     * task run may run. A keeper answers at once ({@code RetryAfter} when a tag is full) and must
     * cost nothing for runs none of whose tags is limited ({@link ConcurrencySlots#mayLimit});
     * {@link dev.baton.spi.SharedTagSlots} gives a store both over its own I/O. Asked once, when the engine's
     * services are made.
     */
    default ConcurrencySlots concurrencySlots() {
        return ConcurrencySlots.NONE;
    }

    /**
     * Asks the store to tell {@code listener} the id of each flow run of this process that is
     * asked to cancel from outside it (the CLI's {@code flow-run cancel}, the API server): a store
     * that keeps heartbeats for this process's runs reads their states with them. The listener
     * cancels the run if it still runs here. Called when the engine's services are made; a store
     * keeps the last listener given. By default nothing is told: runs are cancelled only in process.
     */
    default void onCancellationRequested(Consumer<UUID> listener) {}

    /**
     * A flow run this store already holds (a scheduled run a runner or worker claimed) is run by
     * this process from now on: its states follow, numbered after those it has. By default, as a
     * new run whose history so far is told state by state (for a store that did not hold it: its
     * deployments were kept elsewhere).
     */
    default void flowRunResumed(FlowRun<?> run) {
        flowRunStarted(run);
        for (State s : run.history()) flowRunState(run, s);
    }

    /**
     * The deployments this store keeps with its runs, shared by every process using it; empty if it
     * keeps none (a process serving its own flows then keeps them in memory).
     */
    default Optional<Deployments> deployments() {
        return Optional.empty();
    }

    /** A flow run reached its final state. */
    void flowRunFinished(FlowRun<?> run);

    /** Every recorded flow run, newest first. */
    List<FlowRun<?>> flowRuns();

    /** The flow run with this id, if recorded. */
    Optional<FlowRun<?>> flowRun(UUID id);
}
