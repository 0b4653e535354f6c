package dev.baton.semantics;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.RetryDelay;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task and flow retries, after Prefect 2's TestTaskRetries, TestFlowRetries and the retry-delay
 * cases of test_engine.py: attempt counts, the AwaitingRetry/Retrying trace, delays (fixed, per
 * retry, exponential, jitter, maximum) as recorded in AwaitingRetry's scheduled time, retryIf.
 */
@BatonTest
class RetryTest {

    /** A task body failing its first {@code failures} attempts, counting every attempt. */
    private static Task0<String> flaky(Task.Builder builder, AtomicInteger calls, int failures) {
        return builder.of(() -> {
            int n = calls.incrementAndGet();
            if (n <= failures) throw new IllegalStateException("boom " + n);
            return "ok after " + n;
        });
    }

    private static TaskRun onlyTaskRun(FlowRun<?> run) {
        assertThat(run.taskRuns()).hasSize(1);
        return run.taskRuns().get(0);
    }

    /** The delay each AwaitingRetry state recorded: its scheduled time minus its timestamp. */
    private static List<Duration> recordedDelays(TaskRun run) {
        List<Duration> delays = new ArrayList<>();
        for (State s : run.history()) {
            if (s.name().equals("AwaitingRetry")) {
                delays.add(Duration.between(s.timestamp(), s.scheduledTime().orElseThrow()));
            }
        }
        return delays;
    }

    @Test
    void succeedsOnTheThirdAttemptWithTheFullTrace() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(3), calls, 2);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 3");
        assertThat(calls).hasValue(3);
        assertThat(names(onlyTaskRun(run))).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void usesOnlyTheRetriesItNeeds() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(3), calls, 1);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 2");
        assertThat(calls).hasValue(2);
        assertThat(names(onlyTaskRun(run))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void exhaustedRetriesEndFailedWithTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(3), calls, Integer.MAX_VALUE);
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(calls).as("3 retries mean 4 attempts").hasValue(4);
        TaskRun taskRun = onlyTaskRun(run);
        assertThat(names(taskRun)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry",
                "Retrying", "AwaitingRetry", "Retrying", "Failed");
        State last = taskRun.state();
        assertThat(last).hasToString("Failed('Task run encountered an exception: IllegalStateException: boom 4')");
        assertThat(last.cause()).get().extracting(Throwable::getMessage).isEqualTo("boom 4");
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
    }

    @Test
    void doesNotRetryWithoutRetries() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch"), calls, 1);
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(1);
        assertThat(names(onlyTaskRun(run))).containsExactly("Pending", "Running", "Failed");
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
    }

    @Test
    void eachAttemptSeesItsRunInRunningThenRetrying(RecordedRuns runs) {
        List<String> seen = new ArrayList<>();
        Task0<Void> task = Task.named("t").retries(3).procedure(() -> {
            seen.add(runs.lastFlowRun().taskRuns().get(0).state().name());
            throw new IllegalStateException("again");
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        flow.run();

        assertThat(seen).containsExactly("Running", "Retrying", "Retrying", "Retrying");
    }

    @Test
    void awaitingRetryIsScheduledAtItsTimestampPlusTheDelay(FakeClock clock) {
        Instant start = clock.now();
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(1).retryDelay(Duration.ofSeconds(43)), calls, 1);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 2");
        List<State> h = onlyTaskRun(run).history();
        assertThat(names(h)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        State awaiting = h.get(2);
        assertThat(awaiting.type()).isEqualTo(StateType.SCHEDULED);
        assertThat(awaiting.timestamp()).isEqualTo(start);
        assertThat(awaiting.scheduledTime()).contains(start.plusSeconds(43));
        assertThat(awaiting.message()).contains("Retry 1/1 in 43 s after IllegalStateException: boom 1");
        State retrying = h.get(3);
        assertThat(retrying.type()).isEqualTo(StateType.RUNNING);
        assertThat(retrying.timestamp()).as("the retry starts when it was scheduled").isEqualTo(start.plusSeconds(43));
        assertThat(clock.now()).isEqualTo(start.plusSeconds(43));
    }

    @Test
    void aListOfDelaysGivesOneDelayPerRetry(FakeClock clock) {
        Instant start = clock.now();
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(3)
                .retryDelay(RetryDelay.of(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(9))), calls, 3);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 4");
        assertThat(recordedDelays(onlyTaskRun(run)))
                .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(9));
        assertThat(Duration.between(start, clock.now())).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void aShortListOfDelaysRepeatsItsLastDelay(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(4)
                .retryDelay(RetryDelay.of(Duration.ofSeconds(1), Duration.ofSeconds(2))), calls, 4);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(recordedDelays(onlyTaskRun(run))).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void exponentialDelaysDoubleEachRetry(FakeClock clock) {
        Instant start = clock.now();
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(3)
                .retryDelay(RetryDelay.exponential(Duration.ofSeconds(10))), calls, 3);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(recordedDelays(onlyTaskRun(run)))
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40));
        assertThat(Duration.between(start, clock.now())).isEqualTo(Duration.ofSeconds(70));
    }

    @Test
    void exponentialDelaysStopAtTheirMaximum(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(4)
                .retryDelay(RetryDelay.exponential(Duration.ofSeconds(10)).withMaximum(Duration.ofSeconds(25))), calls, 4);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(recordedDelays(onlyTaskRun(run))).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(25), Duration.ofSeconds(25));
    }

    @Test
    void jitteredDelaysVaryWithinTheirBounds(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(10)
                .retryDelay(RetryDelay.fixed(Duration.ofSeconds(100)).withJitter(0.5)), calls, 10);
        Flow0<String> flow = Flow.named("f").of(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 11");
        List<Duration> delays = recordedDelays(onlyTaskRun(run));
        assertThat(delays).hasSize(10).allSatisfy(d -> assertThat(d)
                .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(150)));
        assertThat(delays.stream().distinct().count()).as("jitter varies the delays").isGreaterThan(1);
    }

    @Test
    void retryIfDecidesWhichFailuresAreRetried() {
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> asked = new ArrayList<>();
        Task0<String> task = Task.named("fetch").retries(5)
                .retryIf(e -> {
                    asked.add(e);
                    return e instanceof IOException;
                })
                .of(() -> {
                    if (calls.incrementAndGet() == 1) throw new IOException("network");
                    throw new IllegalArgumentException("bad input");
                });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(calls).as("the IOException is retried, the IllegalArgumentException is not").hasValue(2);
        assertThat(asked).extracting(Throwable::getMessage).containsExactly("network", "bad input");
        assertThat(names(onlyTaskRun(run))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Failed");
        assertThat(onlyTaskRun(run).state())
                .hasToString("Failed('Task run encountered an exception: IllegalArgumentException: bad input')");
    }

    @Test
    void aRetryConditionThatThrowsStopsRetrying() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(5).retryIf(e -> {
            throw new IllegalStateException("condition broke");
        }), calls, Integer.MAX_VALUE);
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(1);
        assertThat(onlyTaskRun(run).state()).hasToString("Failed('Task run encountered an exception: IllegalStateException: boom 1')");
    }

    @Test
    void sequentialSubmitReturnsOnceTheRetriesAreOver(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(2).retryDelay(Duration.ofMinutes(5)), calls, 2);
        AtomicReference<State> atSubmit = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> atSubmit.set(task.submit().state()));

        flow.run();

        assertThat(atSubmit.get()).hasToString("Completed()");
        assertThat(atSubmit.get().result()).isEqualTo("ok after 3");
    }

    @Test
    void concurrentExecutorRetriesOnItsOwnThread(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = flaky(Task.named("fetch").retries(2).retryDelay(Duration.ofSeconds(7)), calls, 2);
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> task.submit().result());

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 3");
        TaskRun taskRun = onlyTaskRun(run);
        assertThat(names(taskRun)).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
        assertThat(recordedDelays(taskRun)).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void manyRetryingRunsRetryIndependently(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("fetch").retries(1).retryDelay(Duration.ofSeconds(1)).of(() -> {
            if (calls.incrementAndGet() % 2 == 1) throw new IllegalStateException("odd");
            return "even";
        });
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            for (int i = 0; i < 5; i++) task.submit();
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(run.taskRuns()).hasSize(5).allSatisfy(t -> assertThat(names(t))
                .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed"));
    }

    @Test
    void asyncTasksRetryToo() {
        AtomicInteger calls = new AtomicInteger();
        dev.baton.AsyncTask0<String> task = Task.named("fetch").retries(2).async(() -> {
            int n = calls.incrementAndGet();
            return n < 3 ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("boom " + n))
                    : java.util.concurrent.CompletableFuture.completedFuture("ok after " + n);
        });
        dev.baton.AsyncFlow0<String> flow = Flow.named("f").async(task::call);

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok after 3");
        assertThat(names(onlyTaskRun(run))).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
        assertThat(onlyTaskRun(run).history().get(2).message()).contains("Retry 1/2 in 0 ms after IllegalStateException: boom 1");
    }

    @Test
    void asyncRetryDelaysPassAtOnceOnFakeTime(FakeClock clock) {
        Instant start = clock.now();
        AtomicInteger calls = new AtomicInteger();
        dev.baton.AsyncTask0<String> task = Task.named("fetch").retries(1).retryDelay(Duration.ofSeconds(30)).async(() ->
                calls.incrementAndGet() == 1
                        ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("once"))
                        : java.util.concurrent.CompletableFuture.completedFuture("ok"));
        dev.baton.AsyncFlow0<String> flow = Flow.named("f").async(task::call);

        dev.baton.FlowRunHandle<String> handle = flow.start(); // a hang would fail the test, not block it
        java.util.Optional<FlowRun<String>> finished = handle.await(Traces.PATIENCE);
        if (finished.isEmpty()) handle.cancel();

        assertThat(finished).as("the flow run finished on fake time").isPresent();
        FlowRun<String> run = finished.get();
        assertThat(run.result()).isEqualTo("ok");
        assertThat(names(onlyTaskRun(run))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(onlyTaskRun(run).history().get(2).scheduledTime()).contains(start.plusSeconds(30));
    }

    // ----- flows -----

    @Test
    void aRetriedFlowRunsItsBodyAgain() {
        AtomicInteger bodies = new AtomicInteger();
        Flow0<String> flow = Flow.named("f").retries(1).of(() -> {
            if (bodies.incrementAndGet() == 1) throw new IllegalStateException("first time");
            return "hello";
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("hello");
        assertThat(bodies).hasValue(2);
        assertThat(names(run)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(run.history().get(2).message())
                .contains("Retry 1/1 in 0 ms after Failed('Flow run encountered an exception: IllegalStateException: first time')");
    }

    @Test
    void aFlowRetryWaitsItsDelay(FakeClock clock) {
        Instant start = clock.now();
        AtomicInteger bodies = new AtomicInteger();
        Flow0<String> flow = Flow.named("f").retries(2).retryDelay(Duration.ofMinutes(2)).of(() -> {
            if (bodies.incrementAndGet() < 3) throw new IllegalStateException("not yet");
            return "hello";
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("hello");
        List<State> h = run.history();
        assertThat(names(h)).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
        assertThat(h.get(2).scheduledTime()).contains(start.plus(Duration.ofMinutes(2)));
        assertThat(h.get(4).scheduledTime()).contains(start.plus(Duration.ofMinutes(4)));
    }

    @Test
    void aFlowFailingThroughATaskIsRetriedAndRunsTheTaskAgain() {
        AtomicInteger bodies = new AtomicInteger(), taskCalls = new AtomicInteger();
        Task0<String> task = Task.named("t").of(() -> {
            taskCalls.incrementAndGet();
            if (bodies.get() == 1) throw new IllegalStateException("fails in the first flow attempt");
            return "hello";
        });
        Flow0<String> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            return task.call();
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("hello");
        assertThat(bodies).hasValue(2);
        assertThat(taskCalls).as("the task is run again").hasValue(2);
        assertThat(run.taskRuns()).extracting(TaskRun::name, t -> t.state().name())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t-0", "Failed"),
                        org.assertj.core.groups.Tuple.tuple("t-1", "Completed"));
    }

    @Test
    void aRetriedProcedureFlowCountsOnlyTheLastAttemptsTaskRuns() {
        AtomicInteger bodies = new AtomicInteger();
        Task0<Void> task = Task.named("t").procedure(() -> {
            if (bodies.get() == 1) throw new IllegalStateException("first attempt");
        });
        Flow0<Void> flow = Flow.named("f").retries(1).procedure(() -> {
            bodies.incrementAndGet();
            task.submit();
            task.submit();
        });

        FlowRun<Void> run = flow.run();

        assertThat(names(run)).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(run.history().get(2).message()).contains("Retry 1/1 in 0 ms after Failed('2/2 states failed.')");
        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(run.taskRuns()).hasSize(4);
    }

    @Test
    void aFlowWhoseRetriesRunOutEndsFailed() {
        AtomicInteger bodies = new AtomicInteger();
        Flow0<String> flow = Flow.named("f").retries(2).of(() -> {
            throw new IllegalStateException("attempt " + bodies.incrementAndGet());
        });

        FlowRun<String> run = flow.run();

        assertThat(bodies).hasValue(3);
        assertThat(names(run)).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Failed");
        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException: attempt 3')");
    }

    @Test
    void aFlowRetryIfSeesTheBodysException() {
        AtomicInteger bodies = new AtomicInteger();
        Flow0<String> flow = Flow.named("f").retries(3).retryIf(e -> e instanceof IOException).of(() -> {
            if (bodies.incrementAndGet() == 1) throw new IOException("transient");
            throw new IllegalStateException("permanent");
        });

        FlowRun<String> run = flow.run();

        assertThat(bodies).hasValue(2);
        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException: permanent')");
    }

    @Test
    void tasksAreNotRetriedWhenTheyAreNotReady() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("x");
        });
        dev.baton.Task1<Integer, Integer> inc = Task.named("inc").retries(3).of(x -> {
            calls.incrementAndGet();
            return x + 1;
        });
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> b = boom.submit();
            inc.submit(b);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(0);
        assertThat(names(Traces.taskRun(run, "inc-0"))).containsExactly("Pending", "NotReady");
    }
}
