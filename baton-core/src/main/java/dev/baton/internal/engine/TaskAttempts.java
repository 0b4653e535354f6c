package dev.baton.internal.engine;

import dev.baton.Clock;
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

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs a task run that uses options (or has a tag that may be limited): attempts with
 * timeouts and persisted results, every state proposed to the task run {@link Policy}, whose
 * rules decide the rest: a cache hit instead of running, tag concurrency slots, retries
 * (AwaitingRetry, then Retrying once it is due), cache insertion. Plain task runs never get here.
 *
 * <p>While a proposal waits (WAIT: a retry not yet due, or a tag whose shared slots are all
 * taken), a run sleeps on the clock, still in its current state (Pending before its first
 * attempt), then proposes again; a cancellation interrupts the sleep and the run ends Cancelled.
 * A sync run sleeps in its own thread (virtual threads make that cheap, and a sequential flow
 * must block until the task is final); an async run waiting for a retry sleeps in a virtual
 * thread of its own, so the caller's thread is free.
 */
final class TaskAttempts {
    private final TaskRunFuture<?> run;
    private final TaskOptions options;
    private final Object[] args; // kept for every attempt
    private final FlowRunEngine engine;
    private final Policy policy;
    private final Transition.Retries retries; // the options', guarded: a failing condition is logged with the run
    private Transition.Caching caching;       // once the cache key is known
    private volatile int attempts;            // attempts started; async attempts move between threads
    private volatile TimeoutException limit;  // the timeout of the current attempt, to tell it from the body's own

    TaskAttempts(TaskRunFuture<?> run, TaskOptions options, Object[] args) {
        this.run = run;
        this.options = options;
        this.args = args;
        this.engine = run.engine;
        this.policy = engine.services().taskRunPolicy();
        this.retries = options.retries() == 0 ? null
                : new Transition.Retries(options.retries(), this::retryDelay, this::retryIf);
    }

    /** Runs the task run to its final state (sync), or starts its first attempt (async). */
    void run() {
        RunScope previous = RunScope.enter(run);
        engine.trackRunning(run, Thread.currentThread());
        boolean asyncStarted = false; // an async attempt tracks itself from then on
        try {
            if (options.cacheKey() != null) caching = caching();
            if (!enterRunning()) return;
            if (run.record.task().isAsync()) {
                asyncStarted = true;
                startAsyncAttempt();
            } else {
                runSyncAttempts();
            }
        } catch (Throwable t) {
            // a failure of the engine's own machinery (the cache, a hook) must still settle the run
            run.fail(t);
        } finally {
            if (!asyncStarted) engine.untrackRunning(run);
            RunScope.exit(previous);
        }
    }

    // ----- proposing states -----

    /**
     * Proposes RUNNING until the policy lets the run start, sleeping through each WAIT; false if the
     * run settled instead (from the cache, cancelled, or already final).
     */
    private boolean enterRunning() {
        while (true) {
            if (engine.isCancelling()) {
                run.settleCancelled();
                return false;
            }
            Decision d = propose(State.of(StateType.RUNNING, null, engine.now(), null, null), null, false);
            switch (d) {
                case Decision.Accept a -> {
                    attempts++;
                    return true;
                }
                case Decision.Reject r -> {
                    return false; // Cached (settled by propose) or a final state that stands
                }
                case Decision.Wait w -> {
                    try {
                        // not running yet: the executor's slot is free for other task runs meanwhile
                        RunnerSlot.whileWaiting(() -> engine.clock().sleep(w.delay()));
                    } catch (InterruptedException e) {
                        interrupted(e);
                        return false;
                    }
                }
                case Decision.Abort x -> {
                    if (Thread.interrupted()) interrupted(new InterruptedException(x.reason()));
                    else run.fail(new IllegalStateException(x.reason()));
                    return false;
                }
            }
        }
    }

    /** Proposes a final state without retries: how {@link TaskRunFuture#settle} ends a run with options. */
    void settle(State state, Object result) {
        propose(state, result, false);
    }

    /**
     * Proposes {@code state} to the policy; a final state it records (accepted, or a rejection's
     * replacement such as Cached) settles the run with {@code result}.
     */
    private Decision propose(State state, Object result, boolean mayRetry) {
        TaskRunRecord record = run.record;
        Transition t = new Transition(RunKind.TASK_RUN, record.id(), record.tags(), record.state(), state,
                new Transition.Context(attempts, mayRetry ? retries : null, caching, record.flowRunId()));
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

    private void interrupted(InterruptedException e) {
        if (engine.isCancelling()) run.settleCancelled();
        else run.fail(e);
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

    // ----- sync attempts -----

    private void runSyncAttempts() {
        while (true) {
            Object value;
            try {
                value = invokeSync();
            } catch (Throwable t) {
                if (!afterFailure(TaskRunFuture.unwrap(t))) return;
                continue;
            }
            succeed(value);
            return;
        }
    }

    private Object invokeSync() throws Throwable {
        Duration timeout = options.timeout();
        if (timeout == null) return engine.callBody(run, args);
        // the body runs in its own thread so a timeout can abandon it even if it ignores interrupts
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().unstarted(() -> {
            RunScope previous = RunScope.enter(run);
            try {
                outcome.complete(engine.callBody(run, args));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            } finally {
                RunScope.exit(previous);
            }
        });
        TimeoutException limit = timeoutException(timeout);
        Clock.Timer timer = engine.clock().schedule(() -> outcome.completeExceptionally(limit), timeout);
        worker.start();
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            if (e.getCause() == limit) worker.interrupt();
            throw e.getCause();
        } catch (InterruptedException e) {
            worker.interrupt();
            throw e;
        } finally {
            timer.cancel();
        }
    }

    /** Proposes the failure of a sync attempt; true if the policy retries it and the next attempt may start. */
    private boolean afterFailure(Throwable failure) {
        if (proposeFailure(failure) == null) return false;
        return enterRunning(); // waits until the retry is due
    }

    /** Proposes a failed attempt's state: the AwaitingRetry state if the policy retries it, else null (the run has settled). */
    private State proposeFailure(Throwable failure) {
        if (engine.isCancelling()) {
            run.settleCancelled();
            return null;
        }
        Decision d = propose(finalFailure(failure), null, true);
        if (!(d instanceof Decision.Reject r) || !r.state().isScheduled()) return null;
        if (RunLog.TASK_RUNS.isWarnEnabled()) {
            RunLog.log(RunLog.TASK_RUNS, Level.WARN, run, "Attempt " + attempts + " failed: "
                    + r.state().message().orElse(r.state().toString()), null);
        }
        return r.state();
    }

    // ----- async attempts -----

    /** Runs one attempt of an async body; the run is RUNNING. */
    private void startAsyncAttempt() {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        engine.trackRunning(run, outcome);
        CompletableFuture<?> stage = startBody(outcome);
        Duration timeout = options.timeout();
        Clock.Timer timer = null;
        if (timeout != null && !outcome.isDone()) {
            TimeoutException limit = timeoutException(timeout);
            timer = engine.clock().schedule(() -> outcome.completeExceptionally(limit), timeout);
        }
        Clock.Timer stopTimer = timer;
        outcome.whenComplete((v, t) -> {
            if (stopTimer != null) stopTimer.cancel();
            // a timeout or a cancellation ends the attempt: stop the body's stage too, before the run settles
            if (t != null && stage != null) stage.cancel(true);
            engine.untrackRunning(run);
            if (t == null) {
                succeed(v);
                return;
            }
            if (proposeFailure(TaskRunFuture.unwrap(t)) == null) return;
            // waits on the clock until the retry is due, like a sync retry (so fake time skips it), in a
            // virtual thread of its own
            Thread.ofVirtual().start(() -> {
                engine.trackRunning(run, Thread.currentThread()); // a cancellation ends the wait
                boolean next;
                try {
                    next = enterRunning();
                } catch (Throwable x) {
                    run.fail(x);
                    return;
                } finally {
                    engine.untrackRunning(run);
                }
                if (next) startAsyncAttempt();
            });
        });
    }

    /** Calls the async body; its stage completes {@code outcome}. Null if the body threw or returned no stage. */
    private CompletableFuture<?> startBody(CompletableFuture<Object> outcome) {
        RunScope previous = RunScope.enter(run);
        try {
            Object out = engine.callBody(run, args);
            if (!(out instanceof CompletionStage<?> stage)) {
                throw new IllegalStateException("Async task '" + run.record.taskName() + "' returned " + out
                        + " instead of a CompletionStage");
            }
            stage.whenComplete((v, t) -> {
                if (t == null) outcome.complete(v);
                else outcome.completeExceptionally(t);
            });
            return stage.toCompletableFuture();
        } catch (Throwable t) {
            outcome.completeExceptionally(t);
            return null;
        } finally {
            RunScope.exit(previous);
        }
    }

    // ----- shared -----

    /** The retry condition, as the policy asks it; a condition that throws means no retry, and is logged. */
    private boolean retryIf(Throwable failure) {
        try {
            return options.retryIf().test(failure);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return false;
        }
    }

    /** The retry delay, as the policy asks it; null (no retry) if it throws, which is logged. */
    private Duration retryDelay(int retry) {
        try {
            return options.retryDelay().before(retry);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return null;
        }
    }

    private void retryOptionFailed(RuntimeException e) {
        RunLog.log(RunLog.TASK_RUNS, Level.ERROR, run, "The retry condition or delay failed ("
                + ExceptionText.of(e) + "); not retrying", e);
    }

    private State finalFailure(Throwable failure) {
        if (failure == limit) {
            return State.of(StateType.FAILED, "TimedOut", engine.now(), failure.getMessage(), failure);
        }
        return run.failureState(failure);
    }

    private TimeoutException timeoutException(Duration timeout) {
        TimeoutException e = new TimeoutException("Task run '" + run.record.name() + "' exceeded its timeout of "
                + Durations.format(timeout));
        e.setStackTrace(new StackTraceElement[0]); // made by the engine, not thrown by user code
        limit = e;
        return e;
    }

    private void succeed(Object value) {
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
}
