package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskRun;
import dev.baton.orchestration.Decision;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stopping a flow run's work: a cancellation (from its handle, or from outside its process:
 * {@link RunningFlowRuns}), or the timeout of an attempt. Either interrupts the body and the
 * running task runs and cancels the child flow runs; task runs not yet started see the flag and
 * end Cancelled. A cancellation also wakes a run waiting for its next attempt, and the run ends
 * Cancelled; after a timeout the next attempt, if any, starts afresh.
 */
final class FlowCancellation {
    private final FlowRunEngine engine;
    private final AtomicBoolean cancelling = new AtomicBoolean();
    private volatile boolean timedOut;
    private volatile Thread bodyThread;
    /** The thread waiting for the run's next attempt (a retry delay), which a cancellation wakes. */
    private volatile Thread attemptWaiter;
    /** Child flow runs still running: a cancellation reaches them. */
    private final Set<FlowRunEngine> children = ConcurrentHashMap.newKeySet();

    FlowCancellation(FlowRunEngine engine) {
        this.engine = engine;
    }

    /** Makes {@code child} one of this run's child flow runs while it runs, so that a cancellation reaches it. */
    void adopt(FlowRunEngine child) {
        children.add(child);
        child.finished().whenComplete((r, t) -> children.remove(child));
        if (cancelling.get()) child.cancellation.cancelling.set(true); // the parent was cancelled while this child was being made
    }

    /**
     * Cancels the run: it goes CANCELLING, running task runs are interrupted, pending ones
     * never start, and it ends CANCELLED. False if it had already finished or was cancelling.
     */
    boolean cancel() {
        State current = engine.record().state();
        if (engine.finished().isDone() || current != null && current.isFinal()) return false;
        if (!cancelling.compareAndSet(false, true)) return false;
        Decision d = engine.attempts.propose(State.of(StateType.CANCELLING, null, engine.now(), null, null), false);
        if (!(d instanceof Decision.Accept)) {
            // it finished meanwhile, or ended Cancelled at once from its retry wait, having seen the flag first
            return d.state() != null && d.state().isCancelled();
        }
        RunLog.log(RunLog.FLOW_RUNS, Level.INFO, engine, "Cancelling: stopping running task runs", null);
        stopRunningWork();
        Thread body = bodyThread;
        if (body != null) body.interrupt();
        Thread waiter = attemptWaiter;
        if (waiter != null) waiter.interrupt(); // waiting for a retry: end the wait now
        return true;
    }

    boolean isCancelling() {
        return cancelling.get();
    }

    /** The attempt ran out of time: its work stops as for a cancellation. */
    void stopForTimeout() {
        timedOut = true;
        stopRunningWork();
    }

    /** Whether the current attempt ran out of time. */
    boolean timedOut() {
        return timedOut;
    }

    void attemptStarts() {
        timedOut = false;
    }

    void attemptEnded() {
        if (timedOut) cancelling.set(false); // the next attempt, if any, starts afresh
    }

    private void stopRunningWork() {
        cancelling.set(true);
        for (FlowRunEngine child : children) child.cancel();
        // a body that starts after this loop sees the flag in TaskRunInFlight.bodyRunsIn and stops itself
        for (TaskRun t : engine.record().taskRuns()) {
            TaskRunInFlight run = ((TaskRunRecord) t).inFlight();
            if (run != null) run.interruptBody();
        }
    }

    /** The flow's body runs in {@code thread}, which a cancellation interrupts. */
    void bodyRunsIn(Thread thread) {
        bodyThread = thread;
    }

    void bodyEnded() {
        bodyThread = null;
    }

    /** Sleeps for {@code delay} (a retry not yet due) unless the run is cancelling; a cancellation wakes the sleep. */
    void sleepUnlessCancelled(Duration delay) throws InterruptedException {
        attemptWaiter = Thread.currentThread(); // before reading the flag that cancel() sets before reading this
        try {
            if (!cancelling.get()) engine.clock().sleep(delay);
        } finally {
            attemptWaiter = null;
            if (cancelling.get()) Thread.interrupted(); // cancel()'s wake-up call, not meant for what follows
        }
    }
}
