package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask0;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunFailedException;
import dev.baton.FlowRunHandle;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Task and flow timeouts, after Prefect 2's TestTaskTimeouts and TestFlowTimeouts: TimedOut
 * (FAILED type, not a crash) with the limit in the message, reached long before the body's own
 * sleep would end; retries apply; flows cancel their running task runs.
 *
 * <p>They run on a {@link FakeClock}, moved past the limit (or to just short of it) once the
 * attempt runs and its timeout is set: on real time a loaded machine could take the whole limit
 * before the body even starts, and a test would wait out every limit.
 */
@BatonTest
class TimeoutTest {
    private static final Duration LIMIT = Duration.ofMillis(150);
    private static final long LONG_SLEEP_MS = 10_000;

    /** A body that sleeps far past the limit and notes the interrupt that stops it. */
    private static Task0<String> sleeper(Task.Builder builder, CountDownLatch interrupted) {
        return builder.of(() -> {
            try {
                Thread.sleep(LONG_SLEEP_MS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "woke up";
        });
    }

    private static <R> FlowRun<R> finished(FlowRunHandle<R> handle) {
        return handle.await(PATIENCE).orElseThrow(() -> new AssertionError("the flow run did not finish: " + handle.state()));
    }

    @Test
    void aTaskRunningPastItsTimeoutEndsTimedOut(FakeClock clock) {
        CountDownLatch interrupted = new CountDownLatch(1);
        Task0<String> task = sleeper(Task.named("slow").timeout(LIMIT), interrupted);
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<Void> run = finished(handle);

        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(names(taskRun)).containsExactly("Pending", "Running", "TimedOut");
        State timedOut = taskRun.state();
        assertThat(timedOut.type()).isEqualTo(StateType.FAILED);
        assertThat(timedOut.isCrashed()).isFalse();
        assertThat(timedOut).hasToString("TimedOut('Task run 'slow-0' exceeded its timeout of 150 ms')");
        assertThat(timedOut.cause()).get().isInstanceOf(TimeoutException.class);
        Traces.await(interrupted, "the body was interrupted");
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
    }

    @Test
    void aTaskWithinItsTimeoutCompletes(FakeClock clock) {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> task = Task.named("quick").timeout(Duration.ofSeconds(10)).of(() -> {
            release.await();
            return 42;
        });
        Flow0<Integer> flow = Flow.named("f").of(task::call);

        FlowRunHandle<Integer> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the attempt runs, its timeout set");
        clock.advance(Duration.ofSeconds(10).minusMillis(1)); // just short of the limit
        release.countDown();
        FlowRun<Integer> run = finished(handle);

        assertThat(run.result()).isEqualTo(42);
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Completed");
        assertThat(clock.pendingTimers()).as("the timeout is cancelled").isZero();
    }

    @Test
    void aTaskThrowingItsOwnTimeoutExceptionFailsWithoutTimingOut() {
        Task0<Integer> task = Task.named("t").timeout(Duration.ofSeconds(30)).of(() -> {
            throw new TimeoutException("Oh no!");
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        State s = run.taskRuns().get(0).state();
        assertThat(s.name()).isEqualTo("Failed");
        assertThat(s).hasToString("Failed('Task run encountered an exception: TimeoutException: Oh no!')");
    }

    @Test
    void aTaskBodyIgnoringTheInterruptIsAbandonedNotAwaited(FakeClock clock) {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Task0<String> task = Task.named("stubborn").timeout(LIMIT).of(() -> {
            while (true) {
                try {
                    if (release.await(LONG_SLEEP_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) break;
                } catch (InterruptedException ignored) {
                    // keeps going
                }
            }
            finished.set(true);
            return "late";
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<Void> run;
        boolean bodyFinishedFirst;
        try {
            run = finished(handle); // the body still runs: an awaited body would keep the run from finishing
            bodyFinishedFirst = finished.get();
        } finally {
            release.countDown();
        }

        assertThat(bodyFinishedFirst).as("the flow run ended while the body still ran").isFalse();
        assertThat(run.taskRuns().get(0).state()).hasToString("TimedOut('Task run 'stubborn-0' exceeded its timeout of 150 ms')");
    }

    @Test
    void timedOutAttemptsAreRetried(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("slow").timeout(LIMIT).retries(1).of(() -> {
            calls.incrementAndGet();
            Thread.sleep(LONG_SLEEP_MS);
            return "never";
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> calls.get() == 1 && clock.pendingTimers() == 1, "the first attempt runs, its timeout set");
        clock.advance(LIMIT);
        Traces.until(() -> calls.get() == 2 && clock.pendingTimers() == 1, "the second attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<Void> run = finished(handle);

        assertThat(calls).hasValue(2);
        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(names(taskRun)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "TimedOut");
        assertThat(taskRun.history().get(2).message())
                .contains("Retry 1/1 in 0 ms after TimeoutException: Task run 'slow-0' exceeded its timeout of 150 ms");
    }

    @Test
    void aTimedOutAttemptCanSucceedOnRetry(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("slow").timeout(LIMIT).retries(1).of(() -> {
            if (calls.incrementAndGet() == 1) Thread.sleep(LONG_SLEEP_MS);
            return "second time lucky";
        });
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.until(() -> calls.get() == 1 && clock.pendingTimers() == 1, "the first attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<String> run = finished(handle);

        assertThat(run.result()).isEqualTo("second time lucky");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void aTimeoutAppliesToEachAttemptOnTheConcurrentExecutor(FakeClock clock) {
        CountDownLatch interrupted = new CountDownLatch(2);
        Task0<String> task = sleeper(Task.named("slow").timeout(LIMIT), interrupted);
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            task.submit();
            task.submit();
        });

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 2, "both attempts run, their timeouts set");
        clock.advance(LIMIT);
        FlowRun<Void> run = finished(handle);

        assertThat(run.taskRuns()).extracting(t -> t.state().toString()).containsExactlyInAnyOrder(
                "TimedOut('Task run 'slow-0' exceeded its timeout of 150 ms')",
                "TimedOut('Task run 'slow-1' exceeded its timeout of 150 ms')");
        Traces.await(interrupted, "both bodies were interrupted");
        assertThat(run.state()).hasToString("Failed('2/2 states failed.')");
    }

    @Test
    void anAsyncTaskTimesOut(FakeClock clock) {
        AsyncTask0<String> task = Task.named("slow").timeout(LIMIT).async(() -> new CompletableFuture<String>());
        AsyncFlow0<Void> flow = Flow.named("f").async(() -> task.call().handle((v, t) -> null));

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<Void> run = finished(handle);

        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(names(taskRun)).containsExactly("Pending", "Running", "TimedOut");
        assertThat(taskRun.state()).hasToString("TimedOut('Task run 'slow-0' exceeded its timeout of 150 ms')");
    }

    @Test
    void timedOutAsyncAttemptsAreRetried(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        AsyncTask0<String> task = Task.named("slow").timeout(LIMIT).retries(1).async(() ->
                calls.incrementAndGet() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture("ok"));
        AsyncFlow0<String> flow = Flow.named("f").async(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.until(() -> calls.get() == 1 && clock.pendingTimers() == 1, "the first attempt runs, its timeout set");
        clock.advance(LIMIT);
        FlowRun<String> run = finished(handle);

        assertThat(run.result()).isEqualTo("ok");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    // ----- flows -----

    /**
     * Starts {@code flow}, moves {@code clock} past the limit once {@code started} opens (the flow's
     * timeout is set by then: it is set as the run starts), and returns the finished run.
     */
    private static <R> FlowRun<R> timedOutOnceStarted(Flow0<R> flow, CountDownLatch started, FakeClock clock) {
        FlowRunHandle<R> handle = flow.start();
        Traces.await(started, "the task started");
        assertThat(clock.pendingTimers()).as("the flow run's timeout is set").isEqualTo(1);
        clock.advance(LIMIT);
        return finished(handle);
    }

    /** A task that blocks until interrupted, so the flow run waits for the timeout to stop it. */
    private static Task0<String> blocker(CountDownLatch started, CountDownLatch interrupted) {
        return Task.named("slow").of(() -> {
            started.countDown();
            try {
                Thread.sleep(LONG_SLEEP_MS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "never";
        });
    }

    // A flow body that merely sleeps past its timeout races in the engine (FlowTimeoutRaceBugTest);
    // these flows wait on a running task run, which the timeout must stop before the run can end.

    @Test
    void aFlowRunningPastItsTimeoutEndsTimedOut(FakeClock clock) {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Task0<String> task = blocker(started, interrupted);
        AtomicBoolean completed = new AtomicBoolean();
        Flow0<String> flow = Flow.named("nightly").executor(new ConcurrentExecutor()).timeout(LIMIT).of(() -> {
            String value = task.submit().result();
            completed.set(true);
            return value;
        });

        FlowRun<String> run = timedOutOnceStarted(flow, started, clock);

        assertThat(names(run)).containsExactly("Pending", "Running", "TimedOut");
        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().isCrashed()).isFalse();
        assertThat(run.state()).hasToString("TimedOut('Flow run '" + run.name() + "' exceeded its timeout of 150 ms')");
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        Traces.await(interrupted, "the task body was interrupted");
        assertThat(completed).isFalse();
    }

    @Test
    void aFlowWithinItsTimeoutCompletes(FakeClock clock) {
        CountDownLatch release = new CountDownLatch(1);
        Flow0<String> flow = Flow.named("f").timeout(Duration.ofSeconds(10)).of(() -> {
            release.await();
            return "done";
        });

        FlowRunHandle<String> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the flow run's timeout is set");
        clock.advance(Duration.ofSeconds(10).minusMillis(1)); // just short of the limit
        release.countDown();

        assertThat(finished(handle).result()).isEqualTo("done");
        assertThat(clock.pendingTimers()).as("the timeout is cancelled").isZero();
    }

    @Test
    void aFlowThrowingItsOwnTimeoutExceptionFailsWithoutTimingOut() {
        Flow0<Void> flow = Flow.named("f").timeout(Duration.ofSeconds(30)).procedure(() -> {
            throw new TimeoutException("Oh no!");
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: TimeoutException: Oh no!')");
    }

    @Test
    void aTimedOutFlowCancelsItsRunningTaskRuns(FakeClock clock) {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Task0<String> task = blocker(started, interrupted);
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).timeout(LIMIT)
                .of(() -> task.submit().result());

        FlowRun<String> run = timedOutOnceStarted(flow, started, clock);

        Traces.await(interrupted, "the task body was interrupted");
        assertThat(run.state().name()).isEqualTo("TimedOut");
        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(names(taskRun)).containsExactly("Pending", "Running", "Cancelled");
        assertThat(taskRun.state()).hasToString("Cancelled('Task run was cancelled: flow run '" + run.name() + "' is cancelling.')");
    }

    @Test
    void aTimedOutSequentialFlowCancelsTheTaskRunItIsIn(FakeClock clock) {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicBoolean after = new AtomicBoolean();
        Task0<String> task = blocker(started, interrupted);
        Task0<String> next = Task.named("next").of(() -> {
            after.set(true);
            return "ran";
        });
        Flow0<Void> flow = Flow.named("f").timeout(LIMIT).procedure(() -> {
            task.submit();
            next.submit();
        });

        FlowRun<Void> run = timedOutOnceStarted(flow, started, clock);

        Traces.await(interrupted, "the task body was interrupted");
        assertThat(run.state().name()).isEqualTo("TimedOut");
        assertThat(names(Traces.taskRun(run, "slow-0"))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(after).as("no task runs after the timeout").isFalse();
    }

    @Test
    void aTimedOutFlowAttemptIsRetried(FakeClock clock) {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Task0<String> task = blocker(started, interrupted);
        AtomicInteger bodies = new AtomicInteger();
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).timeout(LIMIT).retries(1).of(() -> {
            if (bodies.incrementAndGet() == 1) return task.submit().result();
            return "second attempt";
        });

        FlowRun<String> run = timedOutOnceStarted(flow, started, clock);

        assertThat(run.result()).isEqualTo("second attempt");
        assertThat(names(run)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(run.history().get(2).message()).contains(
                "Retry 1/1 in 0 ms after TimedOut('Flow run '" + run.name() + "' exceeded its timeout of 150 ms')");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
    }

    @Test
    void anAsyncFlowTimesOutAndCancelsItsAsyncTaskRun(FakeClock clock) {
        CountDownLatch started = new CountDownLatch(1);
        AsyncTask0<String> task = Task.named("forever").async(() -> {
            started.countDown();
            return new CompletableFuture<String>();
        });
        AsyncFlow0<String> flow = Flow.named("f").timeout(LIMIT).async(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.await(started, "the task started");
        clock.advance(LIMIT);
        FlowRun<String> run = finished(handle);

        assertThat(run.state()).hasToString("TimedOut('Flow run '" + run.name() + "' exceeded its timeout of 150 ms')");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
    }
}
