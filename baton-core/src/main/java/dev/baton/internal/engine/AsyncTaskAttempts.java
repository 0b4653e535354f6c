package dev.baton.internal.engine;

import dev.baton.Clock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The attempts of an async task run with options: each starts the body, whose stage (or the
 * attempt's timeout, or a cancellation) ends the attempt; a retry waits on the clock, as a sync
 * retry does (so fake time skips it), in a virtual thread of its own, which then starts the next.
 */
final class AsyncTaskAttempts extends TaskAttempts {

    AsyncTaskAttempts(TaskRunInFlight run, TaskOptions options, Object[] args) {
        super(run, options, args);
    }

    @Override
    void runAttempts() {
        startAttempt();
    }

    /** Runs one attempt of the async body; the run is RUNNING. */
    private void startAttempt() {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        run.bodyRunsIn(outcome);
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
            run.bodyEnded();
            if (t == null) {
                succeed(v);
                return;
            }
            if (!retryAfter(TaskRunInFlight.unwrap(t))) return;
            Thread.ofVirtual().start(this::awaitRetry);
        });
    }

    /** Waits until the retry is due (a cancellation ends the wait), then starts the next attempt. */
    private void awaitRetry() {
        run.bodyRunsIn(Thread.currentThread()); // a cancellation ends the wait
        boolean next;
        try {
            next = enterRunning();
        } catch (Throwable x) {
            run.fail(x);
            return;
        } finally {
            run.bodyEnded();
        }
        if (next) startAttempt();
    }

    /** Calls the async body; its stage completes {@code outcome}. Null if the body threw or returned no stage. */
    private CompletableFuture<?> startBody(CompletableFuture<Object> outcome) {
        RunScope previous = RunScope.enter(run);
        try {
            Object out = engine.executor.callBody(run, args);
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
}
