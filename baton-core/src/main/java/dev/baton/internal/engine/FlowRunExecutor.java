package dev.baton.internal.engine;

import dev.baton.BodyCall;
import dev.baton.Executor;
import org.slf4j.event.Level;

/**
 * A flow run's use of its flow's {@link Executor}: the session opened for the run, which the body
 * calls of ready task runs are handed to, and the executor's limit on task runs executing at once
 * ({@link CallSlots}), which the engine keeps.
 */
final class FlowRunExecutor {
    private final FlowRunEngine engine;
    private Executor.Session session;
    private boolean onCaller;  // the session runs each call on the caller's thread
    private CallSlots slots;   // null: no limit
    private RuntimeException openFailure;

    FlowRunExecutor(FlowRunEngine engine) {
        this.engine = engine;
    }

    /** Opens the flow's executor for the run: false if it could not start ({@link #openFailure()}) or gave no session. */
    boolean open() {
        Executor executor = engine.flow().executor();
        try {
            session = executor.open(engine.record());
            int max = executor.maxConcurrency();
            if (max < 1) throw new IllegalStateException("maxConcurrency() must be >= 1, got " + max);
            if (max != Integer.MAX_VALUE) slots = new CallSlots(max);
        } catch (RuntimeException e) {
            openFailure = new IllegalStateException("Executor " + executor + " could not start: " + e.getMessage(), e);
            session = null;
        }
        if (session == null) return false;
        onCaller = session.runsOnCaller();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, engine, "Using executor " + executor, null);
        }
        return true;
    }

    /** Why the executor could not start, or null if it started (or gave no session). */
    RuntimeException openFailure() {
        return openFailure;
    }

    /** Closes the session once every task run has settled; a failure to close is logged. */
    void close() {
        try {
            session.close();
        } catch (RuntimeException e) {
            RunLog.log(RunLog.FLOW_RUNS, Level.WARN, engine, "Executor " + engine.flow().executor() + " failed to close: " + e, e);
        }
    }

    /** True if the session runs each call on the caller's thread: the engine then waits there too. */
    boolean runsOnCaller() {
        return onCaller;
    }

    /** The executor's limit, or null if it has none. */
    CallSlots slots() {
        return slots;
    }

    /** A run is ready: it begins now, or once the executor's limit lets it (see {@link CallSlots}). */
    void execute(TaskRunInFlight ready) {
        if (!Trampoline.defer(() -> admit(ready))) admit(ready);
    }

    private void admit(TaskRunInFlight ready) {
        if (slots == null) {
            ready.begin();
        } else if (slots.takeOrWait(ready) && !ready.begin()) {
            slots.free(); // it ended without running: the slot goes to the next run
        } // else it begins when a slot frees

    }

    /** The body of a run holding a slot has returned (or will not run): its slot goes to the next run in line. */
    void slotFreed() {
        slots.free();
    }

    /** Hands a body call to the executor; a session that throws fails the call. */
    void run(BodyCall call) {
        try {
            session.run(call);
        } catch (RuntimeException | Error e) {
            call.failed(new IllegalStateException("Executor " + engine.flow().executor() + " could not run task run '"
                    + call.taskRun().name() + "': " + e, e));
        }
    }
}
