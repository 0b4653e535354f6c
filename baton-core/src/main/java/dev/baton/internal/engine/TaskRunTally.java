package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the task runs of a flow run's current attempt come to: how many are still outstanding (the
 * attempt ends once none is and the body has returned), and how many failed, were cancelled, did
 * not run (NotReady) or were reused from an earlier attempt, for the flow run's final state
 * ({@link FinalState}). Subflow runs count as the task runs that stand for them.
 */
final class TaskRunTally {
    /** Task runs not yet settled, plus one for the body while it runs; 0 once the attempt is over. */
    private final AtomicLong outstanding = new AtomicLong();
    private volatile CompletableFuture<Void> drained;
    private final AtomicInteger failed = new AtomicInteger(), cancelled = new AtomicInteger(),
            notReady = new AtomicInteger();
    /** Calls of this attempt that got a completed run of an earlier attempt back. */
    private final AtomicInteger reused = new AtomicInteger();
    private int firstTaskRunOfAttempt;

    /** An attempt starts, with the body running; the flow run has {@code taskRunCount} task runs so far. */
    void attemptStarts(int taskRunCount) {
        outstanding.set(1);
        drained = new CompletableFuture<>();
        failed.set(0);
        cancelled.set(0);
        reused.set(0);
        notReady.set(0);
        firstTaskRunOfAttempt = taskRunCount;
    }

    /** Counts a new task run as outstanding: false if the attempt is over (nothing was outstanding), which it stays. */
    boolean taskRunAdded() {
        // joining and finishing race: the run is over once nothing is outstanding, and then stays over
        return outstanding.getAndUpdate(n -> n == 0 ? 0 : n + 1) != 0;
    }

    /** The attempt's body has returned. */
    void bodyEnded() {
        if (outstanding.decrementAndGet() == 0) drained.complete(null);
    }

    /** A task run is done, its outcome counted and its waiters woken. */
    void taskRunDone() {
        if (outstanding.decrementAndGet() == 0) drained.complete(null);
    }

    /** Counts a task run's outcome, {@code state}; true if it failed or crashed. */
    boolean count(State state) {
        StateType type = state.type();
        boolean bad = type == StateType.FAILED || type == StateType.CRASHED;
        if (bad) failed.incrementAndGet();
        else if (type == StateType.CANCELLED) cancelled.incrementAndGet();
        else if (!state.isFinal()) notReady.incrementAndGet();
        return bad;
    }

    /** A call of this attempt got back a run that completed in an earlier attempt. */
    void reused() {
        reused.incrementAndGet();
    }

    /** Completes once the body has returned and every task run of the attempt is done. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    long outstanding() {
        return outstanding.get();
    }

    /**
     * The flow run's final state from what the attempt's body returned or threw and what its task
     * runs came to; the flow run has {@code taskRunCount} task runs in all.
     */
    State finalState(Object returned, Throwable thrown, boolean timedOut, boolean cancelling, int taskRunCount, long now) {
        return FinalState.of(returned, thrown, timedOut, cancelling, failed.get(), cancelled.get(), notReady.get(),
                taskRunCount - firstTaskRunOfAttempt + reused.get(), now);
    }
}
