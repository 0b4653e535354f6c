package dev.baton;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static dev.baton.Support.names;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Async tasks and flows: immediate calls, gathering, the seed example, errors, and run context in continuations. */
class AsyncTest {

    private static final String ASYNC_IN_SYNC =
            "Your task is async, but your flow is synchronous. Async tasks may only be called from async flows.";

    /** The seed's print_values: sleeps ~100 ms (without holding a thread) before printing each value. */
    private static AsyncTask1<List<?>, Void> printValues(StringBuffer out) {
        return Task.named("print_values").async(values -> printFrom(values, 0, out));
    }

    private static CompletionStage<Void> printFrom(List<?> values, int i, StringBuffer out) {
        if (i == values.size()) return CompletableFuture.completedFuture(null);
        return Async.sleep(Duration.ofMillis(100)).thenCompose(ignored -> {
            out.append(values.get(i)).append(' ');
            return printFrom(values, i + 1, out);
        });
    }

    private static AsyncFlow0<List<Void>> seedFlow(AsyncTask1<List<?>, Void> printValues, Executor executor) {
        return Flow.named("async_flow").executor(executor).async(() ->
                printValues.call(List.of(1, 2)) // "await": runs first
                        .thenCompose(done -> Async.allOf(
                                printValues.call(List.of("a", "b", "c", "d")),
                                printValues.call(List.of(6, 7, 8, 9)))));
    }

    // ----- calls, gathering, the seed -----

    @Test
    void asyncCallsReturnAtOnceAndAreGatheredWithAllOf() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AsyncTask1<Integer, Integer> twice = Task.named("twice").async(x -> gate.thenApply(v -> x * 2));
        AtomicReference<String> beforeGate = new AtomicReference<>();
        AsyncFlow0<List<Integer>> flow = Flow.named("gather").async(() -> {
            CompletionStage<Integer> a = twice.call(1), b = twice.call(2);
            beforeGate.set(a.toCompletableFuture().isDone() + "/" + b.toCompletableFuture().isDone());
            gate.complete(null);
            return Async.allOf(a, b);
        });

        FlowRun<List<Integer>> run = completed(flow.run());

        assertThat(beforeGate.get()).isEqualTo("false/false");
        assertThat(run.result()).containsExactly(2, 4);
        assertThat(run.state()).hasToString("Completed()");
        assertThat(runNames(run.taskRuns())).containsExactly("twice-0", "twice-1");
        assertThat(run.taskRuns()).allSatisfy(t ->
                assertThat(names(t.history())).containsExactly("Pending", "Running", "Completed"));
    }

    @Test
    void seedExamplePrintsInterleavedWithTheDefaultExecutor() {
        StringBuffer out = new StringBuffer();

        FlowRun<List<Void>> run = completed(seedFlow(printValues(out), new SequentialExecutor()).run());

        assertThat(out.toString().trim()).isEqualTo("1 2 a 6 b 7 c 8 d 9");
        assertThat(runNames(run.taskRuns())).containsExactly("print_values-0", "print_values-1", "print_values-2");
        assertThat(run.state()).hasToString("Completed()");
    }

    @Test
    void seedExampleWorksWithTheConcurrentExecutor() {
        StringBuffer out = new StringBuffer();

        FlowRun<List<Void>> run = completed(seedFlow(printValues(out), new ConcurrentExecutor()).run());

        List<String> printed = List.of(out.toString().trim().split(" "));
        assertThat(printed).startsWith("1", "2").containsExactlyInAnyOrder("1", "2", "a", "b", "c", "d", "6", "7", "8", "9");
        assertThat(printed.stream().filter(s -> s.matches("[a-d]")).toList()).containsExactly("a", "b", "c", "d");
        assertThat(printed.stream().filter(s -> s.matches("[6-9]")).toList()).containsExactly("6", "7", "8", "9");
        assertThat(run.result()).hasSize(2);
        assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.state().name()).isEqualTo("Completed"));
    }

    @Test
    void asyncTasksWithTheConcurrentExecutorReturnCorrectResults() {
        AsyncTask1<Integer, Integer> square = Task.named("square")
                .async(x -> Async.sleep(Duration.ofMillis(5)).thenApply(v -> x * x));
        AsyncFlow0<List<Integer>> flow = Flow.named("squares").executor(new ConcurrentExecutor()).async(() -> {
            List<CompletionStage<Integer>> stages = new ArrayList<>();
            for (int i = 0; i < 20; i++) stages.add(square.call(i));
            return Async.allOf(stages);
        });

        FlowRun<List<Integer>> run = completed(flow.run());

        assertThat(run.result()).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).map(i -> i * i).boxed().toList());
        assertThat(run.taskRuns()).hasSize(20);
    }

    @Test
    void asyncTaskSubmitReturnsAFuture() {
        AsyncTask1<Integer, Integer> inc = Task.named("inc").async(x -> CompletableFuture.completedFuture(x + 1));
        AsyncFlow0<Integer> flow = Flow.named("f").async(() -> inc.submit(1).toCompletionStage());

        assertThat(flow.call()).isEqualTo(2);
    }

    @Test
    void asyncTaskTakesFuturesOfOtherRunsAsArguments() {
        AsyncTask1<Integer, Integer> inc = Task.named("inc")
                .async(x -> Async.sleep(Duration.ofMillis(5)).thenApply(v -> x + 1));
        AsyncFlow0<Integer> flow = Flow.named("f").async(() -> {
            TaskFuture<Integer> a = inc.submit(1);
            return inc.call(a).thenCompose(b -> inc.call(b));
        });

        FlowRun<Integer> run = completed(flow.run());

        assertThat(run.result()).isEqualTo(4);
        assertThat(runNames(run.taskRuns().get(1).upstream())).containsExactly("inc-0");
    }

    @Test
    void asyncFlowAndTaskAreAsync() {
        AsyncFlow0<Integer> flow = Flow.named("f").async(() -> CompletableFuture.completedFuture(1));

        assertThat(flow.isAsync()).isTrue();
        assertThat(flow).hasToString("AsyncFlow0[f]");
        assertThat(flow.call()).isEqualTo(1);
    }

    @Test
    void asyncFlowWaitsForTaskRunsNotPartOfItsStage() {
        AtomicBoolean finished = new AtomicBoolean();
        AsyncTask0<String> slow = Task.named("slow").async(() -> Async.sleep(Duration.ofMillis(50)).thenApply(v -> {
            finished.set(true);
            return "late";
        }));
        AsyncFlow0<String> flow = Flow.named("f").async(() -> {
            slow.call(); // not awaited
            return CompletableFuture.completedFuture("early");
        });

        FlowRun<String> run = completed(flow.run());

        assertThat(finished).isTrue();
        assertThat(run.result()).isEqualTo("early");
        assertThat(run.taskRuns().getFirst().state()).hasToString("Completed()");
    }

    // ----- async in sync -----

    @Test
    void asyncTaskCalledFromASyncFlowFailsTheFlow() {
        AsyncTask0<Integer> one = Task.named("one").async(() -> CompletableFuture.completedFuture(1));
        Flow0<Integer> flow = Flow.named("sync").of(() -> one.call().toCompletableFuture().join());

        FlowRun<Integer> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().message()).get().asString().contains(ASYNC_IN_SYNC);
        assertThat(run.state().cause()).get().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).isEqualTo(ASYNC_IN_SYNC);
        assertThat(run.taskRuns()).isEmpty();
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage(ASYNC_IN_SYNC);
    }

    @Test
    void asyncTaskSubmittedFromASyncFlowFailsTheFlow() {
        AsyncTask0<Integer> one = Task.named("one").async(() -> CompletableFuture.completedFuture(1));
        Flow0<Void> flow = Flow.named("sync").procedure(one::submit);

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException: " + ASYNC_IN_SYNC + "')");
    }

    // ----- failures -----

    @Test
    void exceptionallyCompletedStageFailsTheTaskRun() {
        IOException error = new IOException("disk");
        AsyncTask0<Integer> broken = Task.named("broken").async(() -> CompletableFuture.failedFuture(error));
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        AsyncFlow0<Void> flow = Flow.named("f").async(() -> {
            future.set(broken.submit());
            return CompletableFuture.completedFuture(null);
        });

        FlowRun<Void> run = flow.run();

        TaskFuture<Integer> f = future.get();
        assertThat(f.state()).hasToString("Failed('Task run encountered an exception: IOException: disk')");
        assertThat(f.state().cause()).containsSame(error);
        assertThat(names(f.taskRun().history())).containsExactly("Pending", "Running", "Failed");
        assertThatThrownBy(f::result).isInstanceOf(TaskRunFailedException.class).cause().isSameAs(error);
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')"); // the body's stage gave null
    }

    @Test
    void stageFailedLaterFailsTheTaskRunAndTheAwaitingFlow() {
        AsyncTask0<Integer> broken = Task.named("broken").async(() ->
                Async.sleep(Duration.ofMillis(5)).thenApply(v -> {
                    throw new IllegalStateException("later");
                }));
        AsyncFlow0<Integer> flow = Flow.named("f").async(broken::call);

        FlowRun<Integer> run = flow.run();

        assertThat(run.taskRuns().getFirst().state())
                .hasToString("Failed('Task run encountered an exception: IllegalStateException: later')");
        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().message()).get().asString()
                .isEqualTo("Flow run encountered an exception: TaskRunFailedException: Task run 'broken-0' ended in state"
                        + " Failed('Task run encountered an exception: IllegalStateException: later')");
    }

    @Test
    void asyncBodyThrowingSynchronouslyFailsTheTaskRun() {
        AsyncTask0<Integer> broken = Task.named("broken").async(() -> {
            throw new IllegalArgumentException("at once");
        });
        AsyncFlow0<Integer> flow = Flow.named("f").async(broken::call);

        FlowRun<Integer> run = flow.run();

        assertThat(run.taskRuns().getFirst().state())
                .hasToString("Failed('Task run encountered an exception: IllegalArgumentException: at once')");
        assertThat(run.state().isFailed()).isTrue();
    }

    @Test
    void asyncTaskReturningNoStageFails() {
        AsyncTask0<Integer> wrong = Task.named("wrong").async(() -> null);
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        AsyncFlow0<Void> flow = Flow.named("f").async(() -> {
            future.set(wrong.submit());
            return CompletableFuture.completedFuture(null);
        });

        flow.run();

        assertThat(future.get().state()).hasToString("Failed('Task run encountered an exception: IllegalStateException:"
                + " Async task 'wrong' returned null instead of a CompletionStage')");
    }

    @Test
    void asyncFlowReturningNoStageFails() {
        AsyncFlow0<Integer> flow = Flow.named("wrong").async(() -> null);

        FlowRun<Integer> run = flow.run();

        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException:"
                + " Async flow 'wrong' returned null instead of a CompletionStage')");
    }

    @Test
    void allOfFailsWithTheFirstFailureOnceAllHaveFinished() {
        AsyncTask1<Integer, Integer> check = Task.named("check").async(x -> Async.sleep(Duration.ofMillis(5 * x))
                .thenApply(v -> {
                    if (x % 2 == 0) throw new IllegalStateException("even " + x);
                    return x;
                }));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AsyncFlow0<Object> flow = Flow.named("f").async(() ->
                Async.allOf(check.call(1), check.call(4), check.call(2), check.call(3))
                        .handle((v, t) -> {
                            failure.set(t);
                            return "handled";
                        }));

        FlowRun<Object> run = completed(flow.run());

        assertThat(run.result()).isEqualTo("handled");
        assertThat(failure.get()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(TaskRunFailedException.class)
                .hasMessageContaining("Task run 'check-1'").hasMessageContaining("even 4");
        assertThat(run.taskRuns()).extracting(t -> t.state().name())
                .containsExactly("Completed", "Failed", "Failed", "Completed");
    }

    // ----- run context in continuations -----

    @Test
    void continuationOnTheTimerThreadMayCallTasks() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        AsyncTask1<Integer, Integer> asyncInc = Task.named("async_inc").async(x -> CompletableFuture.completedFuture(x + 1));
        Queue<String> threads = new ConcurrentLinkedQueue<>();
        AsyncFlow0<Integer> flow = Flow.named("f").async(() ->
                Async.sleep(Duration.ofMillis(10)).thenCompose(v -> {
                    threads.add(Thread.currentThread().getName());
                    int one = inc.call(0);
                    return asyncInc.call(one);
                }).thenApply(two -> {
                    threads.add(Thread.currentThread().getName());
                    return inc.call(two);
                }));

        // the continuation runs on the timer thread only if it was attached before the sleep ended; on a
        // loaded machine the 10 ms may pass first, and then it runs on the flow's thread: that run shows
        // nothing, so run the flow again
        FlowRun<Integer> run = completed(flow.run());
        for (int again = 0; again < 20 && !"baton-async-timer".equals(threads.peek()); again++) {
            threads.clear();
            run = completed(flow.run());
        }
        FlowRun<Integer> checked = run;

        assertThat(run.result()).isEqualTo(3);
        assertThat(threads).first().isEqualTo("baton-async-timer");
        assertThat(runNames(run.taskRuns())).containsExactly("inc-0", "async_inc-0", "inc-1");
        assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.flowRunId()).isEqualTo(checked.id()));
    }

    @Test
    void continuationOfATaskStageMayCallTasksAndLog() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        AtomicReference<String> loggerName = new AtomicReference<>();
        AsyncFlow0<Integer> flow = Flow.named("f").executor(new ConcurrentExecutor()).async(() ->
                inc.submit(1).toCompletionStage().thenApply(v -> {
                    loggerName.set(Baton.logger().getName());
                    return inc.call(v);
                }));

        FlowRun<Integer> run = completed(flow.run());

        assertThat(run.result()).isEqualTo(3);
        assertThat(loggerName.get()).isEqualTo("dev.baton.flow_runs");
    }

    @Test
    void continuationsOutsideAnyRunHaveNoRunContext() throws Exception {
        CompletionStage<Void> stage = Async.sleep(Duration.ofMillis(1));
        Task0<Integer> one = Task.named("one").of(() -> 1);

        CompletableFuture<Object> attempt = stage.thenApply(v -> (Object) one.call()).toCompletableFuture()
                .exceptionally(t -> t.getCause());

        assertThat(attempt.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .extracting(o -> ((Throwable) o).getMessage()).asString().startsWith("Task 'one' was called outside a flow run.");
    }
}
