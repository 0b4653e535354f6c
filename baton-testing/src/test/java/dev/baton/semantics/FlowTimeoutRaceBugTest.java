package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FlowBodyCall (then FlowRunEngine.invokeBodyWithTimeout): the timer thread first completes {@code outcome} with the
 * TimeoutException and only then sets {@code timedOut = true} (and cancels running work). The flow
 * thread, released by outcome.get(), reads {@code timedOut} in runAttempt/finalState/retryDelay
 * without waiting for the timer thread, so a flow run whose body has no running task runs often
 * ends Failed('Flow run encountered an exception: TimeoutException: Flow run 'x' exceeded its
 * timeout of ...') instead of TimedOut, and {@code cancelling} may be left set after the
 * "if (timedOut) cancelling.set(false)" reset, so a retry of the timed-out attempt can be refused.
 * Fix: decide the timeout before completing the outcome (set timedOut, then complete; or test
 * {@code thrown == limit} by identity instead of reading the flag), and stop running work before
 * the flow thread goes on.
 */
@BatonTest
class FlowTimeoutRaceBugTest {
    private static final int ROUNDS = 30;
    // each round waits out one timeout; it is long enough that the quick second attempt never meets it, even on a busy machine
    private static final int RETRY_ROUNDS = 20;

    @Test
    void aFlowRunPastItsTimeoutAlwaysEndsTimedOut() {
        Flow0<Void> flow = Flow.named("f").timeout(Duration.ofMillis(20)).procedure(() -> Thread.sleep(10_000));
        List<String> finals = new ArrayList<>();

        for (int i = 0; i < ROUNDS; i++) finals.add(flow.run().state().name());

        assertThat(finals).containsOnly("TimedOut");
    }

    @Test
    void anAsyncFlowRunPastItsTimeoutAlwaysEndsTimedOut() {
        AsyncFlow0<String> flow = Flow.named("f").timeout(Duration.ofMillis(20)).async(() -> new CompletableFuture<String>());
        List<String> finals = new ArrayList<>();

        for (int i = 0; i < ROUNDS; i++) finals.add(flow.run().state().name());

        assertThat(finals).containsOnly("TimedOut");
    }

    @Test
    void aTimedOutFlowAttemptIsAlwaysRetried() {
        List<String> finals = new ArrayList<>();
        for (int i = 0; i < RETRY_ROUNDS; i++) {
            AtomicInteger bodies = new AtomicInteger();
            Flow0<String> flow = Flow.named("f").timeout(Duration.ofMillis(250)).retries(1).of(() -> {
                if (bodies.incrementAndGet() == 1) Thread.sleep(10_000);
                return "second attempt";
            });
            FlowRun<String> run = flow.run();
            finals.add(Traces.names(run).toString());
        }

        assertThat(finals).containsOnly("[Pending, Running, AwaitingRetry, Retrying, Completed]");
    }
}
