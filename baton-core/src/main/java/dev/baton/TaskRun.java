package dev.baton;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The record of one task run: what ran, and every state it went through. It holds no
 * result values (those live in {@link TaskFuture}s), so keeping records is cheap.
 */
public interface TaskRun {

    /** The run's unique id (time-ordered). */
    UUID id();

    /** The run's name, {@code <task name>-<n>}, e.g. {@code print_values-0}, unique within its flow run. */
    String name();

    /** The name of the task this is a run of. */
    String taskName();

    /**
     * Which call of its task this run is within its flow run's attempt, from 0: the run of the
     * third {@code fetch.submit(...)} the flow's body makes has call position 2. The task's name
     * and the call position identify a call across the attempts of a flow run: when a flow run is
     * retried, a call whose earlier run completed gets that run back instead of running again
     * (a call whose earlier run did not complete gets a new run, with the same call position).
     * Positions count calls in the order the flow's body makes them, whatever the executor.
     *
     * @return the call position, or -1 if the run was recorded without one (by an older Baton)
     */
    default int callPosition() {
        return -1;
    }

    /** The version of the task, if it has one. */
    default Optional<String> taskVersion() {
        return Optional.empty();
    }

    /** The task's tags. */
    Set<String> tags();

    /** The id of the flow run this task run belongs to. */
    UUID flowRunId();

    /** The task runs this one waited for: futures passed as arguments and {@code waitFor}. */
    List<TaskRun> upstream();

    /** The current state: Pending from the start, never null. */
    State state();

    /** Every state so far, oldest first. */
    List<State> history();

    /** How long the run spent from its first RUNNING state to its final one, once finished. */
    default Optional<Duration> duration() {
        List<State> h = history();
        Long start = null;
        for (State s : h) {
            if (start == null && s.isRunning()) start = s.epochNanos();
        }
        State last = h.isEmpty() ? null : h.get(h.size() - 1);
        if (start == null || last == null || !last.isFinal()) return Optional.empty();
        return Optional.of(Duration.ofNanos(last.epochNanos() - start));
    }
}
