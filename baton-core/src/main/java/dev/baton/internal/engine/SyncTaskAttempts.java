package dev.baton.internal.engine;

import dev.baton.Clock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The attempts of a sync task run with options, one after another on the thread that runs it,
 * until one succeeds or no retry follows. With a timeout, each attempt's body runs in a virtual
 * thread of its own, which the timeout abandons even if the body ignores interrupts.
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
                value = invoke();
            } catch (Throwable t) {
                // the next attempt waits until the retry is due
                if (!retryAfter(TaskRunInFlight.unwrap(t)) || !enterRunning()) return;
                continue;
            }
            succeed(value);
            return;
        }
    }

    private Object invoke() throws Throwable {
        Duration timeout = options.timeout();
        if (timeout == null) return engine.executor.callBody(run, args);
        // the body runs in its own thread so a timeout can abandon it even if it ignores interrupts
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().unstarted(() -> {
            RunScope previous = RunScope.enter(run);
            try {
                outcome.complete(engine.executor.callBody(run, args));
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
}
