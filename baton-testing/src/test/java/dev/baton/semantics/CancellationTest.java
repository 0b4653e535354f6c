package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask0;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a flow run started with start(): it goes Cancelling then Cancelled; running task
 * runs are interrupted and end Cancelled; runs not yet started never start and end Cancelled;
 * cancel() answers false once the run has finished or is already cancelling. Latches tell the
 * test when task bodies are running; nothing here sleeps to wait.
 */
@BatonTest
class CancellationTest {
    private static final long LONG_SLEEP_MS = 10_000;

    /** A task that says it started, then sleeps until interrupted, noting the interrupt. */
    private static Task0<String> blocker(String name, CountDownLatch started, CountDownLatch interrupted, AtomicInteger calls) {
        return Task.named(name).of(() -> {
            calls.incrementAndGet();
            started.countDown();
            try {
                Thread.sleep(LONG_SLEEP_MS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "woke up";
        });
    }

    private static String cancelledMessage(FlowRunHandle<?> handle) {
        return "Cancelled('Task run was cancelled: flow run '" + handle.name() + "' is cancelling.')";
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void runningTaskRunsAreInterruptedAndEndCancelled() {
        CountDownLatch started = new CountDownLatch(2), interrupted = new CountDownLatch(2);
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = blocker("long", started, interrupted, calls);
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor()).procedure(() -> {
            task.submit();
            task.submit();
        });

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "both task runs started");
        long start = System.nanoTime();
        boolean cancelled = handle.cancel();
        FlowRun<Void> run = handle.await();

        assertThat(cancelled).isTrue();
        assertThat(millisSince(start)).isLessThan(PATIENCE.toMillis());
        Traces.await(interrupted, "both bodies saw InterruptedException");
        assertThat(names(run)).containsExactly("Pending", "Running", "Cancelling", "Cancelled");
        assertThat(run.state()).hasToString("Cancelled('Flow run was cancelled')");
        assertThat(run.taskRuns()).hasSize(2).allSatisfy(t -> {
            assertThat(names(t)).containsExactly("Pending", "Running", "Cancelled");
            assertThat(t.state()).hasToString(cancelledMessage(handle));
        });
        assertThat(handle.isDone()).isTrue();
        assertThat(handle.state()).isEqualTo(run.state());
    }

    @Test
    void queuedTaskRunsNeverStartAndEndCancelled() {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = blocker("long", started, interrupted, calls);
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor(1)).procedure(() -> {
            for (int i = 0; i < 3; i++) task.submit();
        });

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the first task run started");
        Traces.until(() -> handle.flowRun().taskRuns().size() == 3, "all three task runs were created");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        assertThat(calls).as("only the first body ever ran").hasValue(1);
        Traces.await(interrupted, "the running body was interrupted");
        assertThat(names(Traces.taskRun(run, "long-0"))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(names(Traces.taskRun(run, "long-1"))).containsExactly("Pending", "Cancelled");
        assertThat(names(Traces.taskRun(run, "long-2"))).containsExactly("Pending", "Cancelled");
        assertThat(Traces.taskRun(run, "long-2").state()).hasToString(cancelledMessage(handle));
        assertThat(run.state()).hasToString("Cancelled('Flow run was cancelled')");
    }

    @Test
    void aRunWaitingForARunningUpstreamNeverStarts() {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger(), downstreamCalls = new AtomicInteger();
        Task0<String> upstream = blocker("upstream", started, interrupted, calls);
        Task1<String, String> downstream = Task.named("downstream").of(x -> {
            downstreamCalls.incrementAndGet();
            return x;
        });
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor()).procedure(() ->
                downstream.submit(upstream.submit()));

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the upstream started");
        Traces.until(() -> handle.flowRun().taskRuns().size() == 2, "the downstream run was created");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        assertThat(downstreamCalls).hasValue(0);
        assertThat(names(Traces.taskRun(run, "downstream-0"))).containsExactly("Pending", "Cancelled");
    }

    @Test
    void aFlowBodyWaitingOnAResultIsInterruptedToo() {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<String> bodyEnd = new CopyOnWriteArrayList<>();
        Task0<String> task = blocker("long", started, interrupted, calls);
        Flow0<String> flow = Flow.named("etl").executor(new ConcurrentExecutor()).of(() -> {
            try {
                return task.submit().result();
            } catch (RuntimeException e) {
                bodyEnd.add(e.getClass().getSimpleName());
                throw e;
            }
        });

        FlowRunHandle<String> handle = flow.start();
        Traces.await(started, "the task started");
        handle.cancel();
        FlowRun<String> run = handle.await();

        assertThat(bodyEnd).hasSize(1);
        assertThat(names(run)).containsExactly("Pending", "Running", "Cancelling", "Cancelled");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
    }

    @Test
    void aSequentialFlowIsCancelledInItsRunningTaskAndStartsNoMore() {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger(), laterCalls = new AtomicInteger();
        Task0<String> task = blocker("long", started, interrupted, calls);
        Task0<String> later = Task.named("later").of(() -> {
            laterCalls.incrementAndGet();
            return "ran";
        });
        Flow0<Void> flow = Flow.named("etl").procedure(() -> {
            task.submit();
            later.submit();
        });

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the task started");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        Traces.await(interrupted, "the running body was interrupted");
        assertThat(laterCalls).hasValue(0);
        assertThat(names(Traces.taskRun(run, "long-0"))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(names(Traces.taskRun(run, "later-0"))).containsExactly("Pending", "Cancelled");
        assertThat(run.state()).hasToString("Cancelled('Flow run was cancelled')");
    }

    @Test
    void aRunAwaitingARetryIsCancelledWithoutWaitingForIt() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("flaky").retries(3).retryDelay(Duration.ofMinutes(10)).of(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        });
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor()).procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> !handle.flowRun().taskRuns().isEmpty()
                && handle.flowRun().taskRuns().get(0).state().name().equals("AwaitingRetry"), "the task awaits its retry");
        long start = System.nanoTime();
        handle.cancel();
        FlowRun<Void> run = handle.await();

        assertThat(millisSince(start)).isLessThan(PATIENCE.toMillis());
        assertThat(calls).hasValue(1);
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Cancelled");
    }

    @Test
    void aFlowRunAwaitingItsOwnRetryEndsCancelledAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        List<String> hooks = new CopyOnWriteArrayList<>();
        Flow0<Void> flow = Flow.named("etl").retries(1).retryDelay(Duration.ofMinutes(10))
                .onCancellation((r, s) -> hooks.add("cancelled")).procedure(() -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("down");
                });

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> names(handle.flowRun()).contains("AwaitingRetry"), "the flow run awaits its retry");
        boolean cancelled = handle.cancel();
        Optional<FlowRun<Void>> ended = handle.await(PATIENCE);

        assertThat(cancelled).isTrue();
        assertThat(ended).as("the run ended without waiting for its retry").isPresent();
        FlowRun<Void> run = ended.get();
        assertThat(calls).as("the body did not run again").hasValue(1);
        assertThat(names(run)).containsExactly("Pending", "Running", "AwaitingRetry", "Cancelling", "Cancelled");
        assertThat(run.state()).hasToString("Cancelled('Flow run was cancelled')");
        assertThat(hooks).containsExactly("cancelled");
    }

    @Test
    void aFlowRunCancelledDuringItsRetryDelayNeverRunsItsBodyAgain(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<FlowRunHandle<Void>> handle = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        Flow0<Void> flow = Flow.named("etl").retries(1).retryDelay(Duration.ofSeconds(20)).procedure(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        });
        // 10 s into the 20 s retry delay (fake time: the wait runs the timer), the run is cancelled
        CountDownLatch started = new CountDownLatch(1);
        clock.schedule(() -> {
            Traces.await(started, "start() returned the handle");
            cancelled.set(handle.get().cancel());
        }, Duration.ofSeconds(10));

        handle.set(flow.start());
        started.countDown();
        FlowRun<Void> run = handle.get().await();

        assertThat(cancelled).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(names(run)).containsExactly("Pending", "Running", "AwaitingRetry", "Cancelling", "Cancelled");
        List<State> history = run.history();
        assertThat(history.get(3).timestamp()).isEqualTo(history.get(2).timestamp().plusSeconds(10));
    }

    @Test
    void anAsyncTaskRunIsCancelled() {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> never = new CompletableFuture<>();
        AsyncTask0<String> task = Task.named("forever").async(() -> {
            started.countDown();
            return never;
        });
        AsyncFlow0<String> flow = Flow.named("etl").async(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.await(started, "the async task started");
        handle.cancel();
        FlowRun<String> run = handle.await();

        assertThat(names(run)).containsExactly("Pending", "Running", "Cancelling", "Cancelled");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(never).as("the attempt's stage was stopped").isCompletedExceptionally();
    }

    @Test
    void cancelAnswersFalseOnceTheRunHasFinished() {
        Flow0<String> flow = Flow.named("quick").of(() -> "done");

        FlowRunHandle<String> handle = flow.start();
        FlowRun<String> run = handle.await();

        assertThat(handle.cancel()).isFalse();
        assertThat(run.state()).hasToString("Completed()");
        assertThat(names(run)).containsExactly("Pending", "Running", "Completed");
    }

    @Test
    void cancelAnswersFalseWhileTheRunIsAlreadyCancelling() {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        Task0<String> stubborn = Task.named("stubborn").of(() -> {
            started.countDown();
            while (true) {
                try {
                    release.await();
                    return "released";
                } catch (InterruptedException ignored) {
                    // ignores cancellation, so the flow run stays Cancelling until released
                }
            }
        });
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor()).procedure(stubborn::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the task started");
        boolean first = handle.cancel();
        boolean second = handle.cancel();
        boolean stillRunning = handle.await(Duration.ofMillis(50)).isEmpty();
        String whileStubborn = handle.state().name();
        release.countDown();
        FlowRun<Void> run = handle.await();

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(stillRunning).as("the flow run waits for the stubborn body").isTrue();
        assertThat(whileStubborn).isEqualTo("Cancelling");
        assertThat(run.state()).hasToString("Cancelled('Flow run was cancelled')");
        assertThat(names(run)).containsExactly("Pending", "Running", "Cancelling", "Cancelled");
    }

    @Test
    void onCancellationHooksOfTasksAndFlowAreCalled() {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<String> hooks = new CopyOnWriteArrayList<>();
        Task0<String> task = Task.named("long").onCancellation((r, s) -> hooks.add("task " + r.name() + " " + s.name()))
                .onFailure((r, s) -> hooks.add("task failure")).of(() -> {
                    calls.incrementAndGet();
                    started.countDown();
                    try {
                        Thread.sleep(LONG_SLEEP_MS);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "x";
                });
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor())
                .onCancellation((r, s) -> hooks.add("flow " + r.flowName() + " " + s.name()))
                .onFailure((r, s) -> hooks.add("flow failure"))
                .onCrashed((r, s) -> hooks.add("flow crashed"))
                .procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the task started");
        handle.cancel();
        handle.await();

        assertThat(hooks).containsExactly("task long-0 Cancelled", "flow etl Cancelled");
    }

    @Test
    void theHandleNamesTheRunItStarted(dev.baton.testing.RecordedRuns runs) {
        CountDownLatch release = new CountDownLatch(1);
        Flow0<String> flow = Flow.named("etl").of(() -> {
            Traces.await(release, "released");
            return "done";
        });

        FlowRunHandle<String> handle = flow.start();
        boolean doneEarly = handle.isDone();
        boolean awaitedEarly = handle.await(Duration.ofMillis(20)).isPresent();
        release.countDown();
        FlowRun<String> run = handle.await();

        assertThat(doneEarly).isFalse();
        assertThat(awaitedEarly).isFalse();
        assertThat(handle.id()).isEqualTo(run.id());
        assertThat(handle.name()).isEqualTo(run.name());
        assertThat(run.result()).isEqualTo("done");
        assertThat(runs.lastFlowRun().id()).isEqualTo(run.id());
    }
}
