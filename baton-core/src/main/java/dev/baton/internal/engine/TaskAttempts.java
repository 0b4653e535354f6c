package dev.baton.internal.engine;

import dev.baton.Clock;
import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskRunCrashedException;
import dev.baton.internal.Durations;
import dev.baton.internal.results.CacheHit;
import dev.baton.internal.results.ResultRef;
import org.slf4j.event.Level;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs a task run that uses options: tag concurrency slots, the cache, attempts with
 * retries and timeouts, persisted results. Plain task runs never get here.
 *
 * <p>Between attempts, a run sleeps on the clock: a sync run in its own thread (virtual threads
 * make that cheap, and a sequential flow must block until the task is final), an async run in a
 * virtual thread of its own, so the caller's thread is free.
 */
final class TaskAttempts {
    private final TaskRunFuture<?> run;
    private final TaskOptions options;
    private final Object[] args; // kept for every attempt
    private final FlowRunEngine engine;
    private int attempts;
    private String cacheKey;
    private volatile TimeoutException limit; // the timeout of the current attempt, to tell it from the body's own

    TaskAttempts(TaskRunFuture<?> run, TaskOptions options, Object[] args) {
        this.run = run;
        this.options = options;
        this.args = args;
        this.engine = run.engine;
    }

    /** Runs the task run to its final state (sync), or starts its first attempt (async). */
    void run() {
        RunScope previous = RunScope.enter(run);
        boolean tracked = engine.trackRunning(run, Thread.currentThread());
        try {
            if (!acquireSlots()) return;
            if (options.cacheKey() != null && answeredFromCache()) return;
            if (run.record.task().isAsync()) {
                startAsyncAttempt();
            } else {
                runSyncAttempts();
            }
        } catch (Throwable t) {
            // a failure of the engine's own machinery (the cache, a hook) must still settle the run
            run.fail(t);
        } finally {
            if (tracked && !run.record.task().isAsync()) engine.untrackRunning(run);
            RunScope.exit(previous);
        }
    }

    private boolean acquireSlots() {
        try {
            run.holdSlots(engine.services().tagLimits().acquire(run.record.tags()));
            return true;
        } catch (InterruptedException e) {
            interrupted(e);
            return false;
        }
    }

    private void interrupted(InterruptedException e) {
        if (engine.isCancelling()) run.settleCancelled();
        else run.fail(e);
    }

    // ----- cache -----

    private boolean answeredFromCache() {
        try {
            cacheKey = options.cacheKey().key(run.record, Arrays.asList(args));
        } catch (RuntimeException e) {
            RunLog.log(RunLog.TASK_RUNS, Level.WARN, run, "The cache key function failed (" + ExceptionText.of(e)
                    + "); running without the cache", e);
            cacheKey = null;
        }
        if (cacheKey == null || options.refreshCache()) return false;
        Optional<CacheHit> hit = engine.services().cache().find(cacheKey, engine.now());
        if (hit.isEmpty()) return false;
        run.completeFromCache(hit.get().value(), new StoredResult(engine.services().results(), hit.get().result()));
        return true;
    }

    // ----- sync attempts -----

    private void runSyncAttempts() {
        while (true) {
            if (engine.isCancelling()) {
                run.settleCancelled();
                return;
            }
            beginAttempt();
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

    /** Decides what a failed sync attempt leads to; true if another attempt follows. */
    private boolean afterFailure(Throwable failure) {
        if (engine.isCancelling()) {
            run.settleCancelled();
            return false;
        }
        Duration delay = retryDelay(failure);
        if (delay == null) {
            run.settle(finalFailure(failure));
            return false;
        }
        awaitingRetry(failure, delay);
        run.releaseSlots();
        try {
            engine.clock().sleep(delay);
        } catch (InterruptedException e) {
            interrupted(e);
            return false;
        }
        return acquireSlots();
    }

    // ----- async attempts -----

    private void startAsyncAttempt() {
        if (engine.isCancelling()) {
            run.settleCancelled();
            return;
        }
        beginAttempt();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        engine.trackRunning(run, outcome);
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
            // a timeout or a cancellation ends the attempt: stop the body's stage too
            outcome.whenComplete((v, t) -> {
                if (t != null) stage.toCompletableFuture().cancel(true);
            });
        } catch (Throwable t) {
            outcome.completeExceptionally(t);
        } finally {
            RunScope.exit(previous);
        }
        Duration timeout = options.timeout();
        Clock.Timer timer = null;
        if (timeout != null && !outcome.isDone()) {
            TimeoutException limit = timeoutException(timeout);
            timer = engine.clock().schedule(() -> outcome.completeExceptionally(limit), timeout);
        }
        Clock.Timer stopTimer = timer;
        outcome.whenComplete((v, t) -> {
            if (stopTimer != null) stopTimer.cancel();
            engine.untrackRunning(run);
            if (t == null) {
                succeed(v);
                return;
            }
            Throwable failure = TaskRunFuture.unwrap(t);
            if (engine.isCancelling()) {
                run.settleCancelled();
                return;
            }
            Duration delay = retryDelay(failure);
            if (delay == null) {
                run.settle(finalFailure(failure));
                return;
            }
            awaitingRetry(failure, delay);
            // waits on the clock like a sync retry (so fake time skips it), in a virtual thread of its own;
            // keeps its tag slots meanwhile
            Thread.ofVirtual().start(() -> {
                boolean tracked = engine.trackRunning(run, Thread.currentThread()); // a cancellation ends the wait
                try {
                    engine.clock().sleep(delay);
                } catch (InterruptedException e) {
                    interrupted(e);
                    return;
                } finally {
                    if (tracked) engine.untrackRunning(run);
                }
                startAsyncAttempt();
            });
        });
    }

    // ----- shared -----

    private void beginAttempt() {
        attempts++;
        run.record.append(attempts == 1
                ? State.of(StateType.RUNNING, null, engine.now(), null, null)
                : State.of(StateType.RUNNING, "Retrying", engine.now(), null, null));
    }

    /** The delay before the next attempt, or null if the failure is final. */
    private Duration retryDelay(Throwable failure) {
        if (attempts > options.retries() || failure instanceof TaskRunCrashedException) return null; // a crash is final
        try {
            if (!options.retryIf().test(failure)) return null;
            return options.retryDelay().before(attempts);
        } catch (RuntimeException e) {
            RunLog.log(RunLog.TASK_RUNS, Level.ERROR, run, "The retry condition or delay failed ("
                    + ExceptionText.of(e) + "); not retrying", e);
            return null;
        }
    }

    private void awaitingRetry(Throwable failure, Duration delay) {
        long now = engine.now();
        String message = "Retry " + attempts + "/" + options.retries() + " in " + Durations.format(delay)
                + " after " + ExceptionText.of(failure);
        run.record.append(State.of(StateType.SCHEDULED, "AwaitingRetry", now, message,
                Instant.ofEpochSecond(0, now + delay.toNanos())));
        if (RunLog.TASK_RUNS.isWarnEnabled()) {
            RunLog.log(RunLog.TASK_RUNS, Level.WARN, run, "Attempt " + attempts + " failed: " + message, null);
        }
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
        Object stored = null;
        if (options.writesResults()) {
            ResultSerializer serializer = options.serializerOrDefault();
            try {
                ResultRef ref = engine.services().results().write(value, serializer);
                stored = new StoredResult(engine.services().results(), ref);
                if (cacheKey != null) {
                    long expires = options.cacheExpiration() == null ? Long.MAX_VALUE
                            : engine.now() + options.cacheExpiration().toNanos();
                    engine.services().cache().insert(cacheKey, ref, expires);
                }
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
        run.complete(value, stored);
    }
}
