package dev.baton.internal.engine;

import dev.baton.Clock;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The attempts of a sync task run with options, one after another, until one succeeds or no
 * retry follows: each hands its body call to the executor and waits for its outcome on the
 * thread that drives the run. With a timeout the wait ends at the limit and the attempt's body is
 * stopped; on an executor that runs calls on the caller's thread, the call is then handed over
 * from a virtual thread of its own, which the timeout abandons even if the body ignores interrupts.
 */
final class SyncTaskAttempts extends TaskAttempts {

    SyncTaskAttempts(TaskRunInFlight run, TaskOptions options, Object[] args) {
        super(run, options, args);
    }

    @Override
    void runAttempts() {
        while (true) {
            Object value;
            try {
                value = attempt();
            } catch (Throwable t) {
                if (!retryAfter(TaskRunInFlight.unwrap(t))) return;
                takeSlotAgain(); // the next attempt waits until the retry is due, without the slot
                if (!enterRunning()) return;
                continue;
            }
            succeed(value);
            return;
        }
    }

    /** Runs one attempt's body through the executor: its value, or its failure thrown. */
    private Object attempt() throws Throwable {
        AttemptCall call = new AttemptCall(this);
        Duration timeout = options.timeout();
        Clock.Timer timer = null;
        TimeoutException limit = null;
        if (timeout != null) {
            limit = timeoutException(timeout);
            TimeoutException reached = limit;
            timer = engine.clock().schedule(() -> call.outcome.completeExceptionally(reached), timeout);
        }
        try {
            if (timeout != null && engine.executor.runsOnCaller()) {
                run.bodyRunsIn((Runnable) call::stop);
                Thread.ofVirtual().start(() -> engine.executor.run(call));
            } else {
                hand(call);
            }
            return call.outcome.get();
        } catch (ExecutionException e) {
            if (e.getCause() == limit) giveUp(call);
            throw e.getCause();
        } catch (InterruptedException e) {
            giveUp(call);
            throw e;
        } finally {
            if (timer != null) timer.cancel();
            run.bodyRunsIn(Thread.currentThread()); // waits from now on are this thread's
        }
    }

    /** Stops the body of an attempt given up on; it no longer counts against the executor's limit. */
    private static void giveUp(AttemptCall call) {
        call.stop();
        call.giveSlotBack();
    }
}
