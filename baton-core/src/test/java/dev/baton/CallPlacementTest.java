package dev.baton;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where tasks and the run logger may be used: errors outside flows and inside tasks, and scope restoration. */
class CallPlacementTest {

    private static final String OUTSIDE = "Task 'add' was called outside a flow run. Call tasks from the body of a flow"
            + " (Flow.named(...).of(...)); in async flows, continue from the stages that Baton returns (task calls,"
            + " Async.sleep, Async.allOf), which carry the flow run along.";

    private final Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);

    @Test
    void callOutsideAFlowThrowsNamingTheTask() {
        assertThatThrownBy(() -> add.call(1, 2)).isInstanceOf(IllegalStateException.class).hasMessage(OUTSIDE);
    }

    @Test
    void submitOutsideAFlowThrowsNamingTheTask() {
        assertThatThrownBy(() -> add.submit(1, 2)).isInstanceOf(IllegalStateException.class).hasMessage(OUTSIDE);
    }

    @Test
    void mapOutsideAFlowThrowsNamingTheTask() {
        Task1<Integer, Integer> sq = Task.named("sq").of(x -> x * x);

        assertThatThrownBy(() -> sq.map(java.util.List.of(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task 'sq' was called outside a flow run.");
    }

    @Test
    void asyncTaskOutsideAFlowThrowsNamingTheTask() {
        AsyncTask0<Integer> one = Task.named("one").async(() -> CompletableFuture.completedFuture(1));

        assertThatThrownBy(one::call).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task 'one' was called outside a flow run.");
    }

    @Test
    void taskCalledInsideATaskFailsThatTaskNamingBoth() {
        Task0<Integer> inner = Task.named("inner").of(() -> 1);
        Task0<Integer> outer = Task.named("outer").of(inner::call);
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(outer.submit()));

        FlowRun<Void> run = flow.run();

        State s = future.get().state();
        assertThat(s.isFailed()).isTrue();
        assertThat(s.cause()).get().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).isEqualTo("Task 'inner' was called from inside task run 'outer-0'."
                        + " Tasks cannot be run from within tasks: call both from the flow, passing the first one's"
                        + " future to the second to make it wait.");
        assertThat(runNames(run.taskRuns())).containsExactly("outer-0");
    }

    @Test
    void taskCalledInsideATaskOnTheConcurrentExecutorFailsToo() {
        Task0<Integer> inner = Task.named("inner").of(() -> 1);
        Task0<Integer> outer = Task.named("outer").of(() -> inner.submit().result());
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> future.set(outer.submit()));

        flow.run();

        assertThat(future.get().state().cause()).get().extracting(Throwable::getMessage).asString()
                .startsWith("Task 'inner' was called from inside task run 'outer-0'.");
    }

    @Test
    void loggerOutsideARunThrows() {
        assertThatThrownBy(Baton::logger).isInstanceOf(IllegalStateException.class)
                .hasMessage("Baton.logger() was called outside a flow run or task run; use it in a flow or task body,"
                        + " or use an ordinary SLF4J logger (LoggerFactory.getLogger(...)) elsewhere.");
    }

    @Test
    void runScopeEndsWithTheFlowRun() {
        completed(Flow.named("f").procedure(() -> add.call(1, 1)).run());

        assertThatThrownBy(Baton::logger).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> add.call(1, 2)).isInstanceOf(IllegalStateException.class).hasMessage(OUTSIDE);
    }

    @Test
    void runScopeEndsWithAFailedFlowRun() {
        Flow.named("f").procedure(() -> {
            throw new IllegalStateException("x");
        }).run();

        assertThatThrownBy(() -> add.call(1, 2)).isInstanceOf(IllegalStateException.class).hasMessage(OUTSIDE);
    }

    @Test
    void parentScopeIsRestoredAfterAChildFlowRun() {
        Flow0<Integer> child = Flow.named("child").of(() -> add.call(10, 10));
        Flow0<Integer> parent = Flow.named("parent").of(() -> child.call() + add.call(1, 1));

        FlowRun<Integer> run = completed(parent.run());

        assertThat(run.result()).isEqualTo(22);
        // the child flow run stands in the parent as a task run named after it
        assertThat(runNames(run.taskRuns())).containsExactly("child-0", "add-0");
    }

    @Test
    void taskScopeEndsWithTheTaskBody() {
        AtomicReference<String> loggerAfterTask = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            add.call(1, 1);
            loggerAfterTask.set(Baton.logger().getName());
        });

        completed(flow.run());

        assertThat(loggerAfterTask.get()).isEqualTo("dev.baton.flow_runs");
    }

    @Test
    void taskCalledFromAContinuationInsideAnAsyncTaskFailsThatTask() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        AsyncTask1<Integer, Integer> outer = Task.named("outer").async(v ->
                Async.sleep(Duration.ofMillis(5)).thenApply(x -> inc.call(v)));
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        AsyncFlow0<Integer> flow = Flow.named("f").async(() -> {
            future.set(outer.submit(1));
            return future.get().toCompletionStage().exceptionally(e -> -1);
        });

        FlowRun<Integer> run = flow.run();

        assertThat(runNames(run.taskRuns())).containsExactly("outer-0");
        assertThat(future.get().state().cause()).get().extracting(Throwable::getMessage).asString()
                .startsWith("Task 'inc' was called from inside task run 'outer-0'.");
    }

    @Test
    void taskCalledAfterItsFlowRunFinishedIsRefused() throws Exception {
        Task0<Integer> late = Task.named("late").of(() -> 1);
        CountDownLatch attempted = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AsyncFlow0<String> flow = Flow.named("f").async(() -> {
            Async.sleep(Duration.ofMillis(50)).thenRun(() -> { // not returned: the run does not wait for it
                try {
                    late.call();
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    attempted.countDown();
                }
            });
            return CompletableFuture.completedFuture("done");
        });

        FlowRun<String> run = completed(flow.run());
        State finalState = run.state();
        assertThat(attempted.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(run.state()).isSameAs(finalState);
        assertThat(run.taskRuns()).isEmpty();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task 'late' was called after flow run '" + run.name() + "' had finished.");
    }
}
