package dev.baton.semantics;

import dev.baton.AsyncTask0;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * What a flow retry keeps, after Prefect 2's TestFlowRetries: a task run that completed in an
 * earlier attempt of the same flow run is not run again; the retried body gets its recorded
 * run and value back. Runs that failed, crashed, were cancelled or did not run (NotReady) run
 * again. A call is matched to its earlier run by its task and its call position: the n-th call
 * of that task in the attempt.
 */
@BatonTest
class FlowRetryTest {

    @Test
    void aTaskWithAPersistedResultRunsOnceWhileItsFlowIsRetriedUntilItsThirdAttempt() {
        AtomicInteger bodies = new AtomicInteger(), taskCalls = new AtomicInteger();
        Task0<String> fetch = Task.named("fetch").persistResult(true).of(() -> "data " + taskCalls.incrementAndGet());
        Flow0<String> flow = Flow.named("f").retries(10).of(() -> {
            String data = fetch.call();
            if (bodies.incrementAndGet() < 3) throw new IllegalStateException("attempt " + bodies.get());
            return data;
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("data 1");
        assertThat(bodies).hasValue(3);
        assertThat(taskCalls).as("the task body ran once").hasValue(1);
        assertThat(run.taskRuns()).as("the task run is recorded once").hasSize(1);
        TaskRun fetchRun = run.taskRuns().get(0);
        assertThat(names(fetchRun)).containsExactly("Pending", "Running", "Completed");
        assertThat(fetchRun.state().result()).isEqualTo("data 1"); // its persisted result
        assertThat(names(run)).containsExactly(
                "Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void aCompletedTaskRunIsReusedWithItsRecordAndInMemoryValue() {
        AtomicInteger bodies = new AtomicInteger(), taskCalls = new AtomicInteger();
        List<State> seen = new CopyOnWriteArrayList<>();
        Task0<List<Integer>> load = Task.named("load").of(() -> {
            taskCalls.incrementAndGet();
            return List.of(1, 2, 3);
        });
        Flow0<List<Integer>> flow = Flow.named("f").retries(1).of(() -> {
            TaskFuture<List<Integer>> f = load.submit();
            seen.add(f.state());
            if (bodies.incrementAndGet() == 1) throw new IllegalStateException("first attempt");
            return f.result();
        });

        FlowRun<List<Integer>> run = flow.run();

        assertThat(run.result()).containsExactly(1, 2, 3);
        assertThat(taskCalls).hasValue(1);
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("load-0");
        assertThat(seen).as("both attempts see the same completed state").hasSize(2);
        assertThat(seen.get(1).timestamp()).isEqualTo(seen.get(0).timestamp());
        assertThat(seen.get(1).result()).isEqualTo(List.of(1, 2, 3));
    }

    @Test
    void aFailedTaskRunsAgainOnARetryWhileItsCompletedSiblingDoesNot() {
        AtomicInteger bodies = new AtomicInteger(), okCalls = new AtomicInteger(), flakyCalls = new AtomicInteger();
        Task0<String> ok = Task.named("ok").of(() -> "ok " + okCalls.incrementAndGet());
        Task0<String> flaky = Task.named("flaky").of(() -> {
            if (flakyCalls.incrementAndGet() == 1) throw new IllegalStateException("flaky broke");
            return "flaky " + flakyCalls.get();
        });
        Flow0<String> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            TaskFuture<String> a = ok.submit();
            TaskFuture<String> b = flaky.submit();
            return a.result() + ", " + b.result();
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("ok 1, flaky 2");
        assertThat(bodies).hasValue(2);
        assertThat(okCalls).hasValue(1);
        assertThat(flakyCalls).hasValue(2);
        assertThat(run.taskRuns()).extracting(TaskRun::name, t -> t.state().name(), TaskRun::callPosition)
                .containsExactly(tuple("ok-0", "Completed", 0), tuple("flaky-0", "Failed", 0),
                        tuple("flaky-1", "Completed", 0));
    }

    @Test
    void aTaskRunThatWasNotReadyRunsOnTheRetry() {
        AtomicInteger bodies = new AtomicInteger(), downstreamCalls = new AtomicInteger();
        Task0<Integer> source = Task.named("source").of(() -> {
            if (bodies.get() == 1) throw new IllegalStateException("source broke");
            return 20;
        });
        Task1<Integer, Integer> plusOne = Task.named("plus_one").of(x -> {
            downstreamCalls.incrementAndGet();
            return x + 1;
        });
        Flow0<Integer> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            return plusOne.submit(source.submit()).result();
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.result()).isEqualTo(21);
        assertThat(downstreamCalls).hasValue(1);
        assertThat(run.taskRuns()).extracting(TaskRun::name, t -> t.state().name()).containsExactly(
                tuple("source-0", "Failed"), tuple("plus_one-0", "NotReady"),
                tuple("source-1", "Completed"), tuple("plus_one-1", "Completed"));
    }

    @Test
    void aTaskDownstreamOfAReusedRunReceivesItsValue() {
        AtomicInteger bodies = new AtomicInteger(), upstreamCalls = new AtomicInteger();
        Task0<Integer> upstream = Task.named("upstream").of(() -> 10 * upstreamCalls.incrementAndGet());
        Task1<Integer, Integer> downstream = Task.named("downstream").of(x -> {
            if (bodies.get() == 1) throw new IllegalStateException("downstream broke");
            return x + 1;
        });
        Flow0<Integer> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            return downstream.submit(upstream.submit()).result();
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.result()).isEqualTo(11);
        assertThat(upstreamCalls).hasValue(1);
        TaskRun rerun = Traces.taskRun(run, "downstream-1");
        assertThat(rerun.upstream()).extracting(TaskRun::name).containsExactly("upstream-0");
    }

    @Test
    void callsAreMatchedByTheirPositionAmongCallsOfTheirTask() {
        AtomicInteger bodies = new AtomicInteger();
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        Task1<Integer, Integer> square = Task.named("square").of(x -> {
            calls.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
            if (x == 3 && bodies.get() == 1) throw new IllegalStateException("3 broke");
            return x * x;
        });
        Flow0<List<Integer>> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            // attempt 2 calls once more: the fifth call has no earlier run, so it runs
            List<Integer> xs = bodies.get() == 1 ? List.of(1, 2, 3, 4) : List.of(1, 2, 3, 4, 5);
            return square.map(xs).stream().map(TaskFuture::result).toList();
        });

        FlowRun<List<Integer>> run = flow.run();

        assertThat(run.result()).containsExactly(1, 4, 9, 16, 25);
        assertThat(calls).containsOnlyKeys(1, 2, 3, 4, 5);
        assertThat(calls.get(3)).hasValue(2);
        assertThat(calls.values()).filteredOn(c -> c.get() == 1).hasSize(4);
    }

    @Test
    void theConcurrentExecutorReusesRunsByTheirSubmitOrder() {
        AtomicInteger bodies = new AtomicInteger();
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        CountDownLatch allStarted = new CountDownLatch(8);
        Task1<Integer, Integer> work = Task.named("work").of(x -> {
            calls.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
            allStarted.countDown();
            allStarted.await(); // all eight run at once, so they finish in any order
            return x * 10;
        });
        Flow0<List<Integer>> flow = Flow.named("f").executor(new ConcurrentExecutor()).retries(1).of(() -> {
            List<TaskFuture<Integer>> futures = IntStream.range(0, 8).mapToObj(work::submit).toList();
            List<Integer> values = futures.stream().map(TaskFuture::result).toList();
            if (bodies.incrementAndGet() == 1) throw new IllegalStateException("first attempt");
            return values;
        });

        FlowRun<List<Integer>> run = flow.run();

        assertThat(run.result()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70);
        assertThat(calls).hasSize(8).allSatisfy((x, n) -> assertThat(n).as("calls of work(%d)", x).hasValue(1));
        assertThat(run.taskRuns()).hasSize(8);
        assertThat(run.taskRuns()).extracting(TaskRun::callPosition).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void anAsyncTaskThatCompletedIsReusedByAnAsyncFlow() {
        AtomicInteger bodies = new AtomicInteger(), taskCalls = new AtomicInteger();
        AsyncTask0<String> fetch = Task.named("fetch").async(() ->
                java.util.concurrent.CompletableFuture.completedFuture("fetched " + taskCalls.incrementAndGet()));
        dev.baton.AsyncFlow0<String> flow = Flow.named("f").retries(1).async(() -> fetch.call().thenApply(v -> {
            if (bodies.incrementAndGet() == 1) throw new IllegalStateException("first attempt");
            return v;
        }));

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("fetched 1");
        assertThat(taskCalls).hasValue(1);
    }

    @Test
    void aRerunTaskGetsAllItsRetriesAgain() {
        AtomicInteger bodies = new AtomicInteger(), taskCalls = new AtomicInteger();
        Task0<String> stubborn = Task.named("stubborn").retries(1).of(() -> {
            taskCalls.incrementAndGet();
            throw new IllegalStateException("never works");
        });
        Flow0<String> flow = Flow.named("f").retries(1).of(() -> {
            bodies.incrementAndGet();
            return stubborn.call();
        });

        FlowRun<String> run = flow.run();

        assertThat(run.state().isFailed()).isTrue();
        assertThat(taskCalls).as("two attempts in each of the two flow attempts").hasValue(4);
    }

    @Test
    void eachCallOfATaskInAnAttemptTakesTheNextCallPosition() {
        AtomicInteger taskCalls = new AtomicInteger();
        Task0<Integer> t = Task.named("t").of(taskCalls::incrementAndGet);
        AtomicReference<List<Integer>> seen = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> seen.set(List.of(t.call(), t.call())));

        FlowRun<Void> run = flow.run();

        assertThat(seen.get()).containsExactly(1, 2);
        assertThat(run.taskRuns()).extracting(TaskRun::callPosition).containsExactly(0, 1);
    }
}
