package dev.baton.internal.engine;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.internal.Durations;
import dev.baton.internal.ExceptionText;
import dev.baton.internal.results.ResultRef;
import dev.baton.orchestration.Decision;
import dev.baton.orchestration.Policy;
import dev.baton.orchestration.RunKind;
import dev.baton.orchestration.StateRecorder;
import dev.baton.orchestration.Transition;
import org.slf4j.event.Level;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;

/**
 * Runs a task run that uses options (or has a tag that may be limited): its attempts
 * ({@link RunAttempts}) with timeouts and persisted results, every state proposed to the task run
 * {@link Policy}, whose rules decide the rest: a cache hit instead of running, tag concurrency
 * slots, retries (AwaitingRetry, then Retrying once it is due), cache insertion. Plain task runs
 * never get here.
 *
 * <p>While a proposal waits (WAIT: a retry not yet due, or a tag whose shared slots are all
 * taken), a run sleeps on the clock, still in its current state (Pending before its first
 * attempt), then proposes again; a cancellation interrupts the sleep and the run ends Cancelled.
 * The waits are the engine's: a run is driven on the caller's thread if the executor runs calls
 * there (a sequential flow must block until the task is final), else on a virtual thread of its
 * own, and each attempt's body goes to the executor as an {@link AttemptCall}. A sync run waits
 * for each attempt's outcome ({@link SyncTaskAttempts}); an async run's attempt ends when its stage
 * does, and a retry waits in a virtual thread of its own ({@link AsyncTaskAttempts}).
 */
abstract sealed class TaskAttempts extends RunAttempts implements CallSlots.Holder permits SyncTaskAttempts, AsyncTaskAttempts {
    /** The engine's threads for the attempts of runs on executors that do not run calls on the caller's thread. */
    private static final ThreadFactory DRIVERS = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();
    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(TaskAttempts.class, "holdsSlot", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TaskRunInFlight run;
    final TaskOptions options;
    final Object[] args; // kept for every attempt
    private final Policy policy;
    private Transition.Caching caching;       // once the cache key is known
    private volatile TimeoutException limit;  // the timeout of the current attempt, to tell it from the body's own
    /** Whether the run holds a slot of the executor's limit: from its start until an attempt's body returns, and again before each retry. */
    private volatile boolean holdsSlot;

    TaskAttempts(TaskRunInFlight run, TaskOptions options, Object[] args) {
        super(run.engine, RunLog.TASK_RUNS, run, options.retries(), options.retryDelay(), options.retryIf());
        this.run = run;
        this.options = options;
        this.args = args;
        this.policy = engine.services().taskRunPolicy();
    }

    /** The attempts of {@code run}, sync or async as its task. */
    static TaskAttempts of(TaskRunInFlight run, TaskOptions options, Object[] args) {
        return run.record.task().isAsync() ? new AsyncTaskAttempts(run, options, args) : new SyncTaskAttempts(run, options, args);
    }

    /**
     * Starts the attempts, holding the executor's slot the run began with (if there is a limit):
     * on this thread if the executor runs calls on the caller's (the sequential executor: a task
     * call returns once its run is final), else on a virtual thread of the engine's, so that its
     * waits never hold up the executor's threads or the caller.
     */
    final void start() {
        holdsSlot = engine.executor.slots() != null;
        if (engine.executor.runsOnCaller()) drive();
        else DRIVERS.newThread(this::drive).start();
    }

    /** Runs the task run to its final state (sync), or up to the start of its first attempt (async). */
    private void drive() {
        RunScope previous = RunScope.enter(run);
        CallSlots.lend(this);
        run.bodyRunsIn(Thread.currentThread()); // a cancellation ends a wait
        boolean asyncStarted = false; // an async attempt tracks itself from then on
        try {
            if (options.cacheKey() != null) caching = caching();
            if (!enterRunning()) return;
            asyncStarted = run.record.task().isAsync();
            runAttempts();
        } catch (Throwable t) {
            // a failure of the engine's own machinery (the cache, a hook) must still settle the run
            run.fail(t);
        } finally {
            if (!asyncStarted) run.bodyEnded();
            CallSlots.unlend();
            RunScope.exit(previous);
            if (!asyncStarted) releaseSlot(); // if the run ended before an attempt, or took a slot for one that never came
        }
    }

    /** Runs the attempts once the first may start: all of them (sync), or the first, which starts the next (async). */
    abstract void runAttempts();

    /** Hands {@code call}, the next attempt, to the executor; a cancellation from now on stops its body. */
    final void hand(AttemptCall call) {
        run.bodyRunsIn((Runnable) call::stop);
        engine.executor.run(call);
    }

    // ----- the executor's slot -----

    @Override
    public final boolean releaseSlot() {
        if (!SLOT.compareAndSet(this, true, false)) return false;
        engine.executor.slotFreed();
        return true;
    }

    @Override
    public final void takeSlotAgain() {
        CallSlots slots = engine.executor.slots();
        if (slots == null) return;
        slots.takeAgain();
        holdsSlot = true;
    }

    // ----- proposing states -----

    /** Proposes a final state without retries: how {@link TaskRunInFlight#settle} ends a run with options. */
    final void settle(State state, Object result) {
        propose(state, result, false);
    }

    @Override
    final Decision propose(State state, boolean mayRetry) {
        return propose(state, null, mayRetry);
    }

    /**
     * Proposes {@code state} to the policy; a final state it records (accepted, or a rejection's
     * replacement such as Cached) settles the run with {@code result}.
     */
    private Decision propose(State state, Object result, boolean mayRetry) {
        TaskRunRecord record = run.record;
        Transition t = new Transition(RunKind.TASK_RUN, record.id(), record.tags(), record.state(), state,
                new Transition.Context(started(), contextRetries(mayRetry), caching, record.flowRunId()));
        Recorder recorder = new Recorder(result);
        Decision d = policy.apply(t, recorder);
        if (recorder.recorded != null && recorder.recorded.isFinal()) run.settled(recorder.recorded, recorder.value);
        return d;
    }

    /** Appends to the run's record; a cache hit's value goes to the future, its history keeps the reference. */
    private final class Recorder implements StateRecorder {
        State recorded;
        Object value;

        Recorder(Object value) {
            this.value = value;
        }

        @Override
        public State record(State state) {
            Object v = value;
            if (state.isRunning()) {
                // the run starts now, once the rules let it (it may have waited for concurrency slots)
                state = State.of(StateType.RUNNING, state.name(), engine.now(), state.message().orElse(null), null);
            }
            if (state.persistedResult().orElse(null) instanceof EngineCache.Hit hit) {
                v = hit.value();
                state = State.of(state.type(), state.name(), state.epochNanos(), state.message().orElse(null), hit.stored());
            }
            State standing = run.record.append(state);
            if (standing == null) {
                recorded = state;
                value = v;
            }
            return standing;
        }
    }

    // ----- the hooks of the attempts -----

    @Override
    final void sleep(Duration delay) throws InterruptedException {
        // not running yet: the executor's slot is free for other task runs meanwhile
        CallSlots.whileWaiting(() -> engine.clock().sleep(delay));
    }

    @Override
    final void endCancelled() {
        run.settleCancelled();
    }

    @Override
    final void endInterrupted(InterruptedException e) {
        run.fail(e);
    }

    @Override
    final void endRefused(State standing) {
        // Cached (settled by propose) or a final state that stands
    }

    @Override
    final void endAborted(String reason) {
        if (Thread.interrupted()) interrupted(new InterruptedException(reason));
        else run.fail(new IllegalStateException(reason));
    }

    // ----- after an attempt -----

    /** Proposes the failure of an attempt: true if the policy retries it, and the next attempt may start once it is due. */
    final boolean retryAfter(Throwable failure) {
        if (engine.isCancelling()) {
            run.settleCancelled();
            return false;
        }
        return isRetry(proposeFailure(finalFailure(failure), null));
    }

    private State finalFailure(Throwable failure) {
        if (failure == limit) {
            return State.of(StateType.FAILED, "TimedOut", engine.now(), failure.getMessage(), failure);
        }
        return run.failureState(failure);
    }

    /** The exception that ends an attempt that ran out of {@code timeout}; {@link #finalFailure} knows it. */
    final TimeoutException timeoutException(Duration timeout) {
        TimeoutException e = new TimeoutException("Task run '" + run.record.name() + "' exceeded its timeout of "
                + Durations.format(timeout));
        e.setStackTrace(new StackTraceElement[0]); // made by the engine, not thrown by user code
        limit = e;
        return e;
    }

    /** An attempt returned {@code value}: persisted if asked for, then proposed as Completed. */
    final void succeed(Object value) {
        if (engine.isCancelling()) {
            run.settleCancelled(); // the body ignored the interrupt: its result is not used
            return;
        }
        Object stored = null;
        if (options.writesResults()) {
            ResultSerializer serializer = options.serializerOrDefault();
            try {
                ResultRef ref = engine.services().results().write(value, serializer);
                stored = new StoredResult(engine.services().results(), ref);
            } catch (ResultSerializationException e) {
                run.settle(State.of(StateType.FAILED, null, engine.now(), "Task '" + run.record.taskName()
                        + "' returned a value that cannot be persisted: " + e.getMessage(), e));
                return;
            } catch (RuntimeException e) {
                run.settle(State.of(StateType.FAILED, null, engine.now(), "Task '" + run.record.taskName()
                        + "' returned a value that could not be written to result storage under "
                        + engine.services().home() + ": " + ExceptionText.of(e), e));
                return;
            }
        }
        // the cache insertion rule makes it the key's entry once the Completed state is recorded
        propose(State.of(StateType.COMPLETED, null, engine.now(), null, stored), value, false);
    }

    // ----- cache -----

    private Transition.Caching caching() {
        String key;
        try {
            key = options.cacheKey().key(run.record, Arrays.asList(args));
        } catch (RuntimeException e) {
            RunLog.log(RunLog.TASK_RUNS, Level.WARN, run, "The cache key function failed (" + ExceptionText.of(e)
                    + "); running without the cache", e);
            return null;
        }
        return key == null ? null : new Transition.Caching(key, options.refreshCache(), options.cacheExpiration());
    }
}
