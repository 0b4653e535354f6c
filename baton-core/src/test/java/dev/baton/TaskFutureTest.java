package dev.baton;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static dev.baton.Support.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** TaskFuture: result, result(timeout), state, await, isDone, toCompletionStage, and call. */
class TaskFutureTest {

    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void submitReturnsAFutureOfTheRunWithItsValue() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(add.submit(1, 2)));

        FlowRun<Void> run = completed(flow.run());

        TaskFuture<Integer> f = future.get();
        assertThat(f.result()).isEqualTo(3);
        assertThat(f.isDone()).isTrue();
        assertThat(f.taskRun().name()).isEqualTo("add-0");
        assertThat(f.taskRun()).isSameAs(run.taskRuns().getFirst());
    }

    @Test
    void callReturnsTheValue() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        Flow0<Integer> flow = Flow.named("f").of(() -> add.call(2, 3) * add.call(1, 1));

        assertThat(flow.call()).isEqualTo(10);
    }

    @Test
    void procedureTaskCompletesWithNull() {
        Task1<String, Void> log = Task.named("log").procedure(s -> {});
        AtomicReference<TaskFuture<Void>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(log.submit("x")));

        completed(flow.run());

        assertThat(future.get().state().isCompleted()).isTrue();
        assertThat(future.get().result()).isNull();
    }

    @Test
    void resultWithTimeoutThrowsTimeoutExceptionWhileTheRunIsBlocked() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<String> block = Task.named("block").of(() -> {
            release.await();
            return "done";
        });
        AtomicReference<Throwable> timeout = new AtomicReference<>();
        AtomicReference<String> after = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            TaskFuture<String> f = block.submit();
            timeout.set(catchThrowable(() -> f.result(Duration.ofMillis(50))));
            release.countDown();
            after.set(f.result(LONG));
        });

        completed(flow.run());

        assertThat(timeout.get()).isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("Task run 'block-0' did not finish within PT0.05S; it is still ")
                .hasMessageEndingWith(" and goes on running");
        assertThat(after.get()).isEqualTo("done");
    }

    @Test
    void resultWithTimeoutOfAFailedRunThrowsTaskRunFailedException() {
        Task0<String> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("bad");
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<String> f = boom.submit();
            thrown.set(catchThrowable(() -> f.result(LONG)));
        });

        flow.run();

        assertThat(thrown.get()).isInstanceOf(TaskRunFailedException.class).hasRootCauseMessage("bad");
    }

    @Test
    void stateOfABlockedRunIsNotFinalAndDoesNotThrow() throws Exception {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        Task0<String> block = Task.named("block").of(() -> {
            started.countDown();
            release.await();
            return "done";
        });
        AtomicReference<State> whileRunning = new AtomicReference<>();
        AtomicReference<Boolean> doneWhileRunning = new AtomicReference<>();
        AtomicReference<State> awaitedShort = new AtomicReference<>();
        AtomicReference<State> finalState = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            TaskFuture<String> f = block.submit();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            whileRunning.set(f.state());
            doneWhileRunning.set(f.isDone());
            awaitedShort.set(f.await(Duration.ofMillis(30)));
            release.countDown();
            finalState.set(f.await());
        });

        completed(flow.run());

        assertThat(whileRunning.get().name()).isEqualTo("Running");
        assertThat(whileRunning.get().isFinal()).isFalse();
        assertThat(whileRunning.get().result()).isNull();
        assertThat(doneWhileRunning.get()).isFalse();
        assertThat(awaitedShort.get().name()).isEqualTo("Running");
        assertThat(finalState.get().name()).isEqualTo("Completed");
        assertThat(finalState.get().result()).isEqualTo("done");
    }

    @Test
    void stateOfACompletedRunCarriesTheValueButTheHistoryDoesNot() {
        Task0<String> hello = Task.named("hello").of(() -> "hi");
        AtomicReference<TaskFuture<String>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(hello.submit()));

        FlowRun<Void> run = completed(flow.run());

        TaskFuture<String> f = future.get();
        assertThat(f.state().isCompleted()).isTrue();
        assertThat(f.state().result()).isEqualTo("hi");
        assertThat(f.taskRun().state().isCompleted()).isTrue();
        assertThat(f.taskRun().state().result()).isNull();
        assertThat(run.taskRuns().getFirst().history()).allSatisfy(s -> assertThat(s.result()).isNull());
    }

    @Test
    void stateOfAFailedRunDoesNotThrowAndCarriesTheCause() {
        IllegalArgumentException error = new IllegalArgumentException("bad input");
        Task0<String> boom = Task.named("boom").of(() -> {
            throw error;
        });
        AtomicReference<TaskFuture<String>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(boom.submit()));

        flow.run();

        State s = future.get().state();
        assertThat(s.type()).isEqualTo(StateType.FAILED);
        assertThat(s).hasToString("Failed('Task run encountered an exception: IllegalArgumentException: bad input')");
        assertThat(s.cause()).containsSame(error);
        assertThat(s.result()).isNull();
        assertThat(future.get().await()).isEqualTo(s);
        assertThat(future.get().isDone()).isTrue();
    }

    @Test
    void failedRunResultThrowsTaskRunFailedExceptionNamingTheRunWithTheOriginalCause() {
        IllegalArgumentException error = new IllegalArgumentException("bad input");
        Task0<String> boom = Task.named("boom").of(() -> {
            throw error;
        });
        AtomicReference<TaskFuture<String>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(boom.submit()));

        flow.run();

        Throwable thrown = catchThrowable(() -> future.get().result());
        assertThat(thrown).isInstanceOf(TaskRunFailedException.class)
                .hasMessage("Task run 'boom-0' ended in state Failed('Task run encountered an exception:"
                        + " IllegalArgumentException: bad input')")
                .cause().isSameAs(error);
        assertThat(((TaskRunFailedException) thrown).taskRun()).isSameAs(future.get().taskRun());
    }

    @Test
    void checkedExceptionOfATaskIsTheCause() {
        IOException error = new IOException("disk full");
        Task0<String> write = Task.named("write").of(() -> {
            throw error;
        });
        AtomicReference<TaskFuture<String>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(write.submit()));

        flow.run();

        assertThatThrownBy(() -> future.get().result()).isInstanceOf(TaskRunFailedException.class)
                .hasMessageContaining("IOException: disk full").cause().isSameAs(error);
    }

    @Test
    void callOfAFailingTaskThrowsTaskRunFailedExceptionInTheBody() {
        Task0<String> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("nope");
        });
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> caught.set(catchThrowable(boom::call)));

        FlowRun<Void> run = flow.run();

        assertThat(caught.get()).isInstanceOf(TaskRunFailedException.class)
                .hasMessage("Task run 'boom-0' ended in state Failed('Task run encountered an exception:"
                        + " IllegalStateException: nope')")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
    }

    @Test
    void awaitReturnsTheFinalStateOnceSettled() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> slow = Task.named("slow").of(() -> {
            release.await();
            return 7;
        });
        AtomicReference<State> awaited = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            TaskFuture<Integer> f = slow.submit();
            release.countDown();
            awaited.set(f.await());
        });

        completed(flow.run());

        assertThat(awaited.get().isFinal()).isTrue();
        assertThat(awaited.get()).hasToString("Completed()");
        assertThat(awaited.get().result()).isEqualTo(7);
    }

    @Test
    void awaitWithTimeoutReturnsTheFinalStateWhenInTime() {
        Task0<Integer> quick = Task.named("quick").of(() -> 7);
        AtomicReference<State> awaited = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor())
                .procedure(() -> awaited.set(quick.submit().await(LONG)));

        completed(flow.run());

        assertThat(awaited.get().isCompleted()).isTrue();
        assertThat(awaited.get().result()).isEqualTo(7);
    }

    @Test
    void toCompletionStageCompletesWithTheValue() throws Exception {
        Task0<Integer> seven = Task.named("seven").of(() -> 7);
        AtomicReference<CompletionStage<Integer>> stage = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> stage.set(seven.submit().toCompletionStage()));

        completed(flow.run());

        assertThat(stage.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(stage.get().thenApply(v -> v + 1).toCompletableFuture().join()).isEqualTo(8);
    }

    @Test
    void toCompletionStageOfAFailedRunCompletesExceptionallyWithTaskRunFailedException() {
        RuntimeException error = new RuntimeException("broken");
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw error;
        });
        AtomicReference<CompletionStage<Integer>> stage = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> stage.set(boom.submit().toCompletionStage()));

        flow.run();

        assertThatThrownBy(() -> stage.get().toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskRunFailedException.class)
                .hasMessage("Task run 'boom-0' ended in state Failed('Task run encountered an exception:"
                        + " RuntimeException: broken')")
                .cause().isSameAs(error);
        assertThatThrownBy(() -> stage.get().toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(TaskRunFailedException.class);
    }

    @Test
    void toCompletionStageCompletesOnlyWhenTheRunDoes() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> slow = Task.named("slow").of(() -> {
            release.await();
            return 1;
        });
        AtomicReference<Boolean> doneBefore = new AtomicReference<>();
        AtomicReference<Integer> value = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            CompletionStage<Integer> stage = slow.submit().toCompletionStage();
            doneBefore.set(stage.toCompletableFuture().isDone());
            release.countDown();
            value.set(stage.toCompletableFuture().join());
        });

        completed(flow.run());

        assertThat(doneBefore.get()).isFalse();
        assertThat(value.get()).isEqualTo(1);
    }

    @Test
    void futureToStringNamesTheRunAndItsState() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(one.submit()));

        completed(flow.run());

        assertThat(future.get().toString()).isEqualTo("TaskFuture[one-0, Completed()]");
        assertThat(names(future.get().taskRun().history())).containsExactly("Pending", "Running", "Completed");
    }
}
