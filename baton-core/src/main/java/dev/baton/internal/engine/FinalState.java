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
 * is judged by them, or by its task runs; any other value completes it.
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
     * @param taskRuns      this attempt's task runs
     */
    static State of(Object returned, Throwable thrown, boolean timedOut, boolean cancelling,
                    int failedRuns, int cancelledRuns, int taskRuns, long now) {
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
        if (returned == null) {
            return summarise(failedRuns, cancelledRuns, taskRuns, now);
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

    private static boolean containsStates(Collection<?> c) {
        for (Object o : c) if (o instanceof TaskFuture<?> || o instanceof State) return true;
        return false;
    }

    /** The outcome of returned futures and states, counted as for the task runs of a procedure. */
    private static State aggregate(Collection<?> c, long now) {
        int failed = 0, cancelled = 0, notRun = 0, total = 0;
        for (Object o : c) {
            State s = o instanceof TaskFuture<?> f ? f.await() : o instanceof State st ? st : null;
            if (s == null) continue;
            total++;
            if (s.isFailed() || s.isCrashed()) failed++;
            else if (s.isCancelled()) cancelled++;
            else if (!s.isCompleted()) notRun++;
        }
        if (failed == 0 && cancelled == 0 && notRun > 0) {
            // a NotReady run's failed upstream is not among them, but the outcome is still not complete
            return State.of(StateType.FAILED, null, now, notRun + "/" + total + " states did not run.", null);
        }
        return summarise(failed, cancelled, total, now);
    }

    private static State summarise(int failed, int cancelled, int total, long now) {
        if (failed > 0) return State.of(StateType.FAILED, null, now, failed + "/" + total + " states failed.", null);
        if (cancelled > 0) return State.of(StateType.CANCELLED, null, now, cancelled + "/" + total + " states cancelled.", null);
        return State.of(StateType.COMPLETED, null, now, "All states completed.", null);
    }
}
