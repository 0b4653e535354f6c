package dev.baton.internal.engine;

import dev.baton.Clock;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The attempts of an async task run with options: each hands its body call to the executor, and
 * the body's stage (or the attempt's timeout, or a cancellation) ends the attempt; a retry waits
 * on the clock, as a sync retry does (so fake time skips it), in a virtual thread of its own,
 * which then starts the next.
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
        AttemptCall call = new AttemptCall(this);
        Duration timeout = options.timeout();
        Clock.Timer timer = null;
        if (timeout != null) {
            TimeoutException limit = timeoutException(timeout);
            timer = engine.clock().schedule(() -> call.outcome.completeExceptionally(limit), timeout);
        }
        Clock.Timer stopTimer = timer;
        call.outcome.whenComplete((v, t) -> {
            if (stopTimer != null) stopTimer.cancel();
            // a timeout or a cancellation ends the attempt: stop the body too, before the run settles
            if (t != null) {
                call.stop();
                call.giveSlotBack();
            }
            run.bodyEnded();
            if (t == null) {
                succeed(v);
                return;
            }
            if (!retryAfter(TaskRunInFlight.unwrap(t))) return;
            Thread.ofVirtual().start(this::awaitRetry);
        });
        hand(call);
    }

    /** Waits until the retry is due (a cancellation ends the wait), then starts the next attempt. */
    private void awaitRetry() {
        RunScope previous = RunScope.enter(run);
        CallSlots.lend(this);
        run.bodyRunsIn(Thread.currentThread()); // a cancellation ends the wait
        boolean next = false;
        try {
            takeSlotAgain();
            next = enterRunning();
        } catch (Throwable x) {
            run.fail(x);
        } finally {
            run.bodyEnded();
            CallSlots.unlend();
            RunScope.exit(previous);
            if (!next) releaseSlot();
        }
        if (next) startAttempt();
    }
}
