package dev.baton.internal.engine;

import dev.baton.BodyCall;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskCall;
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
 * upstream runs, and once they have completed it begins ({@link #begin}: when the executor's limit
 * lets it) or settles NotReady if one did not. A plain run then moves to RUNNING and is itself the
 * {@link BodyCall} handed to the executor, whose outcome settles it; it settles once, waking the
 * runs and callers waiting for it. Every state is recorded on its {@link TaskRunRecord}.
 *
 * <p>A task with no options takes that straight path; retries, timeouts, the cache, persisted
 * results and hooks live in {@link TaskAttempts}, which plain tasks never touch. Arguments are
 * dropped once the body has them and nothing points back here from the engine, so a future the
 * user drops costs nothing after it settles.
 *
 * <p>The middle part of the one object that stands for a task run in flight: {@link TaskRunScope}
 * below it is where the body runs, {@link TaskRunFuture} above it is what the caller holds. One
 * object rather than three, because every task run pays for each allocation.
 */
abstract sealed class TaskRunInFlight extends TaskRunScope implements BodyCall permits TaskRunFuture {
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
    /** A plain run holds a slot of the executor's limit from {@link #begin} until its body returns. */
    private boolean holdsSlot;
    /**
     * The outcome came from the executor's thread ({@link #succeeded}, {@link #failed}), not from a
     * body run here: the run settles on that thread, and its downstream runs begin there, but the
     * caller's continuations are woken on a thread of their own, so no user code runs on (or
     * blocks) a thread the executor needs, such as a cluster client's response thread.
     */
    boolean reportedByExecutor;

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

    // ----- beginning: the engine's side -----

    /**
     * The run may start (its upstream runs have completed, and it holds the executor's slot if
     * there is a limit): a plain run moves to RUNNING and its body call goes to the executor; a run
     * with options starts its attempts. False if it ends without holding on to the slot (cancelled,
     * or settled meanwhile): the caller gives the slot to the next run.
     */
    boolean begin() {
        if (settled != null) return false; // cancelled while it waited for a slot
        if (engine.isCancelling()) {
            settleCancelled();
            return false;
        }
        TaskOptions options = record.task().options();
        if (!options.plain() || engine.services().slotsMayApply(record.tags())) {
            Object[] a = args;
            args = null;
            attempts = TaskAttempts.of(this, options, a);
            attempts.start();
            return true;
        }
        if (record.append(State.of(StateType.RUNNING, null, engine.now(), null, null)) != null) {
            return false; // settled meanwhile (cancelled): the body does not run
        }
        holdsSlot = engine.executor.slots() != null;
        engine.executor.run(this);
        return true;
    }

    /** Gives the executor's slot back once the body has returned, if the run holds one. */
    private void freeSlot() {
        if (holdsSlot) {
            holdsSlot = false;
            engine.executor.slotFreed();
        }
    }

    // ----- BodyCall: the executor's view of a plain run -----

    @Override
    public TaskRun taskRun() {
        return record;
    }

    @Override
    public void runHere() {
        if (settled != null) { // settled while it waited in the executor's queue
            freeSlot();
            return;
        }
        Object[] a = args;
        args = null;
        RunScope previous = RunScope.enter(this);
        bodyRunsIn(Thread.currentThread());
        boolean untrack = true;
        try {
            Object out = record.task().body().invoke(a);
            if (record.task().isAsync()) {
                CompletableFuture<?> stage = asyncStage(record, out);
                running = stage; // what a cancellation stops from now on
                untrack = false;
                // cancelled while the body was returning its stage: the interrupt missed it, stop it now
                if (engine.isCancelling()) interruptBody();
                freeSlot();
                stage.whenComplete((v, t) -> {
                    bodyEnded();
                    asyncOutcome(v, t);
                });
            } else {
                bodyEnded();
                untrack = false;
                freeSlot();
                complete(out, null);
            }
        } catch (Throwable t) {
            bodyEnded();
            untrack = false;
            freeSlot();
            outcomeFailed(t);
        } finally {
            if (untrack) bodyEnded();
            RunScope.exit(previous);
        }
    }

    /** The stage an async task's body returned, or a failure saying it returned none. */
    static CompletableFuture<?> asyncStage(TaskRunRecord record, Object out) {
        if (!(out instanceof CompletionStage<?> stage)) {
            throw new IllegalStateException("Async task '" + record.taskName() + "' returned " + out
                    + " instead of a CompletionStage");
        }
        return stage.toCompletableFuture();
    }

    @Override
    public TaskCall toTaskCall() {
        return RemoteTaskCall.of(this, args);
    }

    @Override
    public void succeeded(Object value) {
        reportedByExecutor = true;
        bodyEnded();
        freeSlot();
        complete(value, null);
    }

    @Override
    public void failed(Throwable failure) {
        reportedByExecutor = true;
        bodyEnded();
        freeSlot();
        outcomeFailed(unwrap(failure));
    }

    @Override
    public void onStop(Runnable stop) {
        bodyRunsIn(stop);
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

    /** Stops the body for cancellation: interrupts its thread, cancels its async stage, or runs the executor's stop. */
    void interruptBody() {
        Object r = running;
        if (r instanceof Thread t) t.interrupt();
        else if (r instanceof CompletableFuture<?> f) f.completeExceptionally(new CancellationException("flow run cancelling"));
        else if (r instanceof Runnable stop) stop.run();
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
