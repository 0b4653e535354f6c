package dev.baton.internal.engine;

import dev.baton.ReadyTaskRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskRun;
import dev.baton.TaskRunCrashedException;
import dev.baton.internal.ExceptionText;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A task run between its call and its final state, as the engine drives it: it waits for its
 * upstream runs, is handed to the executor once they have completed (this is the executor's
 * {@link ReadyTaskRun}) or settles NotReady if one did not, runs its body, and settles once,
 * waking the runs and callers waiting for it. Every state is recorded on its {@link TaskRunRecord}.
 *
 * <p>A task with no options runs straight through {@link #run()}; retries, timeouts, the cache,
 * persisted results and hooks live in {@link TaskAttempts}, which plain tasks never touch.
 * Arguments are dropped once the body has them and nothing points back here from the engine, so
 * a future the user drops costs nothing after it settles.
 *
 * <p>The middle part of the one object that stands for a task run in flight: {@link TaskRunScope}
 * below it is where the body runs, {@link TaskRunFuture} above it is what the caller holds. One
 * object rather than three, because every task run pays for each allocation.
 */
abstract sealed class TaskRunInFlight extends TaskRunScope implements ReadyTaskRun permits TaskRunFuture {
    private static final VarHandle WAITING, RUNNING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAITING = l.findVarHandle(TaskRunInFlight.class, "waiting", int.class);
            RUNNING = l.findVarHandle(TaskRunInFlight.class, "running", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Object[] args;                    // until the body has them
    private List<TaskRunFuture<?>> upstream;  // until this run is ready
    private List<TaskRunFuture<?>> failureAllowed; // upstream runs referred to only through allowFailure, until ready
    @SuppressWarnings("unused") private int waiting;  // upstream runs not yet settled, +1 while registering
    /** The value of a completed run; published by the volatile write of {@link #settled}. */
    Object value;
    /** The final (or NotReady) state, once there is one. */
    volatile State settled;
    /** What to stop for cancellation or a timeout: the thread or async attempt running the body. */
    private volatile Object running;
    /** Downstream runs waiting for this one to settle (guarded by this). */
    private List<Runnable> dependents;
    /**
     * The run's attempts, for a task with options (or while tag limits are in use): its states go
     * through the task run policy. Set before they start; every later settle happens after it.
     */
    private TaskAttempts attempts;

    TaskRunInFlight(FlowRunEngine engine, TaskRunRecord record, Object[] args, List<TaskRunFuture<?>> upstream,
                    List<TaskRunFuture<?>> failureAllowed) {
        super(engine, record);
        this.args = args;
        this.upstream = upstream;
        this.failureAllowed = failureAllowed;
        record.runBy(this);
    }

    // ----- waiting for upstream runs -----

    /** Hands the run to the executor now, or once its upstream runs have settled. */
    void start() {
        List<TaskRunFuture<?>> up = upstream;
        if (up.isEmpty()) {
            engine.executor.execute(this);
            return;
        }
        WAITING.setVolatile(this, up.size() + 1);
        for (TaskRunFuture<?> u : up) u.whenSettled(this::upstreamSettled);
        upstreamSettled(); // drop the registration guard
    }

    private void upstreamSettled() {
        if ((int) WAITING.getAndAdd(this, -1) == 1) ready();
    }

    private void ready() {
        if (engine.isCancelling()) {
            settleCancelled();
            return;
        }
        for (TaskRunFuture<?> u : upstream) {
            if (!u.settled.isCompleted() && !failureAllowed.contains(u)) {
                settle(State.of(StateType.PENDING, "NotReady", engine.now(),
                        "Upstream task run '" + u.record.name() + "' did not reach a 'COMPLETED' state.", null));
                return;
            }
        }
        upstream = List.of();
        failureAllowed = List.of();
        try {
            args = Arguments.resolve(args);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        engine.executor.execute(this);
    }

    /** Runs {@code action} (a downstream run's bookkeeping) once this run has settled: now, if it already has. */
    void whenSettled(Runnable action) {
        synchronized (this) {
            if (settled == null) {
                if (dependents == null) dependents = new ArrayList<>(2);
                dependents.add(action);
                return;
            }
        }
        action.run();
    }

    // ----- ReadyTaskRun: the executor's view -----

    @Override
    public TaskRun taskRun() {
        return record;
    }

    @Override
    public void run() {
        if (settled != null) return; // cancelled while it waited in the executor's queue
        if (engine.isCancelling()) {
            settleCancelled();
            return;
        }
        Object[] a = args;
        args = null;
        TaskOptions options = record.task().options();
        if (!options.plain() || engine.services().slotsMayApply(record.tags())) {
            attempts = TaskAttempts.of(this, options, a);
            attempts.run();
            return;
        }
        RunScope previous = RunScope.enter(this);
        bodyRunsIn(Thread.currentThread());
        boolean untrack = true;
        try {
            if (record.append(State.of(StateType.RUNNING, null, engine.now(), null, null)) != null) {
                return; // settled meanwhile (cancelled): the body does not run
            }
            Object out = engine.executor.callBody(this, a);
            if (record.task().isAsync()) {
                if (!(out instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("Async task '" + record.taskName() + "' returned " + out
                            + " instead of a CompletionStage");
                }
                running = stage.toCompletableFuture(); // what a cancellation stops from now on
                untrack = false;
                // cancelled while the body was returning its stage: the interrupt missed it, stop it now
                if (engine.isCancelling()) interruptBody();
                stage.whenComplete((v, t) -> {
                    bodyEnded();
                    asyncOutcome(v, t);
                });
            } else {
                complete(out, null);
            }
        } catch (Throwable t) {
            outcomeFailed(t);
        } finally {
            if (untrack) bodyEnded();
            RunScope.exit(previous);
        }
    }

    private void asyncOutcome(Object result, Throwable failure) {
        if (failure == null) complete(result, null);
        else outcomeFailed(unwrap(failure));
    }

    private void outcomeFailed(Throwable t) {
        if (engine.isCancelling()) settleCancelled();
        else fail(t);
    }

    static Throwable unwrap(Throwable t) {
        return (t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null ? t.getCause() : t;
    }

    // ----- the body, for a cancellation to stop -----

    /**
     * Notes that the body runs in {@code what} (a thread or an async attempt), for a cancellation
     * to stop; {@link #bodyEnded} when the body ends.
     */
    void bodyRunsIn(Object what) {
        // a field, not a set: no cost per task run; a cancellation reads it from the flow run's task runs
        running = what;
        if (engine.isCancelling()) interruptBody(); // cancelled between the check and now
    }

    /**
     * The body has ended: nothing to stop any more. A release store, not a volatile one: a
     * cancellation that still reads the old value interrupts a thread that has left the body,
     * which it could do as well an instant earlier, and the store costs every task run.
     */
    void bodyEnded() {
        RUNNING.setRelease(this, null);
    }

    /** Stops the body for cancellation: interrupts its thread, or cancels its async attempt. */
    void interruptBody() {
        Object r = running;
        if (r instanceof Thread t) t.interrupt();
        else if (r instanceof CompletableFuture<?> f) f.completeExceptionally(new CancellationException("flow run cancelling"));
    }

    // ----- settling -----

    /** Completes the run with {@code result}; {@code stored} is its persisted form, if any. */
    void complete(Object result, Object stored) {
        if (engine.isCancelling()) {
            settleCancelled(); // the body ignored the interrupt: its result is not used
            return;
        }
        settle(State.of(StateType.COMPLETED, null, engine.now(), null, stored), result);
    }

    void fail(Throwable t) {
        settle(failureState(t));
    }

    State failureState(Throwable t) {
        if (t instanceof VirtualMachineError) {
            return State.of(StateType.CRASHED, null, engine.now(), "Task run crashed: " + ExceptionText.of(t), t);
        }
        if (t instanceof TaskRunCrashedException) {
            return State.of(StateType.CRASHED, null, engine.now(), "Task run crashed: " + t.getMessage(), t);
        }
        return State.of(StateType.FAILED, null, engine.now(), "Task run encountered an exception: " + ExceptionText.of(t), t);
    }

    void settleCancelled() {
        settle(State.of(StateType.CANCELLED, null, engine.now(),
                "Task run was cancelled: flow run '" + engine.record().name() + "' is cancelling.", null));
    }

    /** Records {@code state} as final (or NotReady) unless the run has settled already; see {@link #settle(State, Object)}. */
    void settle(State state) {
        settle(state, null);
    }

    /**
     * Records {@code state} as final (or NotReady), with {@code result} the value of a completed
     * run. The record decides who wins: if another final state is recorded first (a late
     * completion after a timeout or a cancellation), that one stands and this changes nothing.
     * A run with options proposes its state to the task run policy instead.
     */
    void settle(State state, Object result) {
        TaskAttempts a = attempts;
        if (a != null) {
            a.settle(state, result);
            return;
        }
        if (record.append(state) != null) return; // another final state stands; its settle does the rest
        settled(state, result);
    }

    /**
     * What follows once {@code state} is recorded as the run's final (or NotReady) state: the
     * value, the hooks, waking waiters and downstream runs. Called once, by whoever recorded it,
     * so the future always agrees with the recorded state.
     */
    void settled(State state, Object result) {
        value = result; // published by the volatile write of `settled` below
        args = null;
        upstream = List.of();
        failureAllowed = List.of();
        TaskOptions options = record.task().options();
        if (!options.plain()) Hooks.forTask(this, options, state);
        List<Runnable> waitingRuns;
        synchronized (this) {
            settled = state;
            waitingRuns = dependents;
            dependents = null;
        }
        engine.calls.taskRunSettled(this, state);
        try {
            if (waitingRuns != null) Trampoline.wake(() -> waitingRuns.forEach(Runnable::run));
            wakeCallers(); // user waiters and continuations: not deferred
        } finally {
            engine.tally.taskRunDone();
        }
    }

    /** Wakes the callers waiting for the run, now that it has settled. */
    abstract void wakeCallers();

    /** The value of a completed run, for downstream arguments. */
    Object resolvedValue() {
        return value;
    }
}
