package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask0;
import dev.baton.ConcurrencyLimits;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the orchestration rules decide, seen from flows: the order of the rules (a cache hit
 * needs no concurrency slot), crashes are never retried, slots are given back between attempts
 * of async runs too, and a finished run stays finished.
 */
@BatonTest
class OrchestrationTest {

    @Test
    void aCacheHitNeedsNoConcurrencySlot() {
        Task1<Integer, Integer> square = Task.named("square").tags("db").cacheKey((run, args) -> "sq-" + args.get(0))
                .of(x -> x * x);
        Flow0<Integer> first = Flow.named("warm").of(() -> square.call(7));
        assertThat(first.run().result()).isEqualTo(49);
        ConcurrencyLimits.set("db", 0); // nothing tagged db may run now

        FlowRun<Integer> run = Flow.named("cached").of(() -> square.call(7)).run();

        assertThat(run.result()).isEqualTo(49);
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Cached");
    }

    @Test
    void aCrashIsNeverRetried(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> greedy = Task.named("greedy").retries(3).of(() -> {
            calls.incrementAndGet();
            throw new OutOfMemoryError("Java heap space");
        });

        FlowRun<Void> run = Flow.named("f").procedure(greedy::submit).run();

        assertThat(calls).hasValue(1);
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Crashed");
    }

    @Test
    void anAsyncRunGivesBackItsSlotBetweenRetryAttempts() {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch otherRan = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AsyncTask0<Boolean> flaky = Task.named("flaky").tags("db").retries(1).retryDelay(Duration.ofMillis(200)).async(() -> {
            if (attempts.incrementAndGet() == 1) return CompletableFuture.failedFuture(new IllegalStateException("first"));
            return CompletableFuture.completedFuture(otherRan.getCount() == 0); // the other run used the slot in between
        });
        AsyncTask0<Void> other = Task.named("other").tags("db").async(() -> {
            otherRan.countDown();
            return CompletableFuture.completedFuture(null);
        });
        AsyncFlow0<Boolean> flow = Flow.named("f").executor(new ConcurrentExecutor()).async(() -> {
            var f = flaky.submit();
            Traces.until(() -> f.state().name().equals("AwaitingRetry"), "the first attempt failed");
            other.submit();
            return f.toCompletionStage();
        });

        FlowRun<Boolean> run = flow.run();

        assertThat(run.result()).isTrue();
        assertThat(names(Traces.taskRun(run, "flaky-0")))
                .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    /** Before the fix, a cancellation that reached the thread of a plain async body just before the body
     *  returned its stage was lost: the stage ran on and the flow run never finished. */
    @Test
    void anAsyncBodyInterruptedAsItReturnsItsStageIsStillCancelled() {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> never = new CompletableFuture<>();
        AsyncTask0<String> task = Task.named("stubborn").async(() -> {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                // the body swallows the cancellation's interrupt and returns its stage anyway
            }
            return never;
        });
        AsyncFlow0<String> flow = Flow.named("etl").async(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.await(started, "the async task started");
        handle.cancel();
        FlowRun<String> run = handle.await(PATIENCE.multipliedBy(2)).orElseThrow(() ->
                new AssertionError("the flow run did not finish after its cancellation"));

        assertThat(run.state().isCancelled()).isTrue();
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(never).isCompletedExceptionally();
    }

    @Test
    void aFinishedFlowRunCannotBeCancelled() {
        FlowRunHandle<String> handle = Flow.named("quick").of(() -> "done").start();
        FlowRun<String> run = handle.await();

        assertThat(handle.cancel()).isFalse();
        assertThat(names(run)).containsExactly("Pending", "Running", "Completed");
    }
}
