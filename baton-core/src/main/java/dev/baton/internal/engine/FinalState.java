package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.internal.ExceptionText;

import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * A flow run's final state, the Prefect 2 way: a body that throws fails (or crashes); one that
 * returns a future or a state takes its outcome; one that returns futures or states, or nothing,
 * is judged by them, or by its task runs, with Prefect 2's aggregate rule
 * ({@code return_value_to_state}); any other value completes it.
 */
final class FinalState {
    private FinalState() {}

    /**
     * @param returned      what the body returned
     * @param thrown        what it threw, or null
     * @param timedOut      the attempt ran out of time
     * @param cancelling    the run was cancelled
     * @param failedRuns    this attempt's task runs that failed or crashed
     * @param cancelledRuns this attempt's task runs that were cancelled
     * @param notFinalRuns  this attempt's task runs that ended without a final state (NotReady)
     * @param taskRuns      this attempt's task runs
     */
    static State of(Object returned, Throwable thrown, boolean timedOut, boolean cancelling,
                    int failedRuns, int cancelledRuns, int notFinalRuns, int taskRuns, long now) {
        if (thrown instanceof CompletionException && thrown.getCause() != null) thrown = thrown.getCause();
        if (timedOut && thrown instanceof TimeoutException) {
            return State.of(StateType.FAILED, "TimedOut", now, thrown.getMessage(), thrown);
        }
        if (cancelling) {
            return State.of(StateType.CANCELLED, null, now, "Flow run was cancelled", null);
        }
        if (thrown != null) {
            if (thrown instanceof VirtualMachineError) {
                return State.of(StateType.CRASHED, null, now, "Flow run crashed: " + ExceptionText.of(thrown), thrown);
            }
            if (thrown instanceof CancellationException) {
                return State.of(StateType.CRASHED, null, now, thrown.getMessage(), thrown);
            }
            return State.of(StateType.FAILED, null, now, "Flow run encountered an exception: " + ExceptionText.of(thrown), thrown);
        }
        if (returned instanceof State s) {
            return State.of(s.type(), s.name(), now, s.message().orElse(null), s.isCompleted() ? null : s.cause().orElse(null));
        }
        if (returned instanceof TaskFuture<?> f) {
            return outcomeOf(f.await(), now);
        }
        if (returned instanceof Collection<?> c && containsStates(c)) {
            return aggregate(c, now);
        }
        if (returned == null && taskRuns > 0) {
            return aggregate(failedRuns, cancelledRuns, notFinalRuns, taskRuns, now);
        }
        return State.of(StateType.COMPLETED, null, now, null, null);
    }

    private static State outcomeOf(State s, long now) {
        return switch (s.type()) {
            case COMPLETED -> State.of(StateType.COMPLETED, null, now, null, null);
            case CANCELLED -> State.of(StateType.CANCELLED, null, now, s.message().orElse(null), null);
            default -> State.of(StateType.FAILED, null, now, s.message().orElse(s.toString()), s.cause().orElse(null));
        };
    }

    /**
     * True for a collection holding futures or states. Prefect 2 aggregates only collections made
     * of states alone; Baton also judges a mixed one by the futures and states in it, so a failure
     * returned next to a plain value is not taken for success.
     */
    private static boolean containsStates(Collection<?> c) {
        for (Object o : c) if (o instanceof TaskFuture<?> || o instanceof State) return true;
        return false;
    }

    /** The outcome of returned futures and states, once each has settled. */
    private static State aggregate(Collection<?> c, long now) {
        int failed = 0, cancelled = 0, notFinal = 0, total = 0;
        for (Object o : c) {
            State s = o instanceof TaskFuture<?> f ? f.await() : o instanceof State st ? st : null;
            if (s == null) continue; // a plain value beside them
            total++;
            if (s.isFailed() || s.isCrashed()) failed++;
            else if (s.isCancelled()) cancelled++;
            else if (!s.isFinal()) notFinal++;
        }
        return aggregate(failed, cancelled, notFinal, total, now);
    }

    /**
     * Prefect 2's aggregate rule over {@code total} states: any cancelled cancels, else any failed
     * or crashed fails, else any not final (NotReady, Paused) fails, else all completed.
     */
    private static State aggregate(int failed, int cancelled, int notFinal, int total, long now) {
        if (cancelled > 0) return State.of(StateType.CANCELLED, null, now, cancelled + "/" + total + " states cancelled.", null);
        if (failed > 0) return State.of(StateType.FAILED, null, now, failed + "/" + total + " states failed.", null);
        if (notFinal > 0) return State.of(StateType.FAILED, null, now, notFinal + "/" + total + " states are not final.", null);
        return State.of(StateType.COMPLETED, null, now, "All states completed.", null);
    }
}
