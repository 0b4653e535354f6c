package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static dev.baton.Baton.all;
import static dev.baton.Support.completed;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code all(futures)}: a list of futures passed, typed, to a task that takes the list of their values. */
class FanInTest {
    private static final Task1<Integer, Integer> SQUARE = Task.named("square").of(x -> x * x);
    private static final Task1<List<Integer>, Integer> SUM = Task.named("sum").of(xs -> {
        int total = 0;
        for (int x : xs) total += x;
        return total;
    });

    @Test
    void aTaskTakingAListReceivesTheValuesOfTheGatheredFuturesInOrderAndDependsOnEach() {
        FlowRun<Integer> run = completed(Flow.named("fan_in").of(() -> {
            List<TaskFuture<Integer>> squares = SQUARE.map(List.of(1, 2, 3, 4));
            return SUM.submit(all(squares)).result();
        }).run());

        assertThat(run.result()).isEqualTo(30);
        TaskRun sum = run.taskRuns().get(4);
        assertThat(sum.name()).isEqualTo("sum-0");
        assertThat(runNames(sum.upstream())).containsExactly("square-0", "square-1", "square-2", "square-3");
    }

    @Test
    void theListRunWaitsForEveryFutureOnTheConcurrentExecutor() {
        CountDownLatch release = new CountDownLatch(1);
        Task1<Integer, Integer> slow = Task.named("slow").of(x -> {
            release.await();
            return x;
        });
        FlowRun<Integer> run = completed(Flow.named("wait_all").executor(new ConcurrentExecutor()).of(() -> {
            List<TaskFuture<Integer>> parts = slow.map(List.of(1, 2, 3));
            TaskFuture<Integer> total = SUM.submit(all(parts));
            assertThat(total.isDone()).isFalse();
            release.countDown();
            return total.result();
        }).run());
        assertThat(run.result()).isEqualTo(6);
    }

    @Test
    void aFailedGatheredFutureLeavesTheListRunNotReadyAndAllowFailureGathersStates() {
        Task1<Integer, Integer> failsOnTwo = Task.named("fails_on_two").of(x -> {
            if (x == 2) throw new IllegalStateException("two");
            return x;
        });
        Task1<List<State>, Long> countFailed = Task.named("count_failed")
                .of(states -> states.stream().filter(State::isFailed).count());
        List<Object> seen = new ArrayList<>();
        FlowRun<Integer> run = Flow.named("partial").of(() -> {
            List<TaskFuture<Integer>> parts = failsOnTwo.map(List.of(1, 2, 3));
            TaskFuture<Integer> total = SUM.submit(all(parts));
            List<TaskFuture<State>> states = parts.stream().map(Baton::allowFailure).toList();
            seen.add(countFailed.submit(all(states)).result());
            seen.add(total.state().isNotReady());
            return total.result();
        }).run();

        assertThat(run.state().isFailed()).isTrue();
        assertThat(seen).containsExactly(1L, true);
    }

    @Test
    void theGatheredFutureItselfGivesTheValuesOrTheFirstFailure() {
        Task1<Integer, Integer> failsOnTwo = Task.named("fails_on_two").of(x -> {
            if (x == 2) throw new IllegalStateException("two");
            return x;
        });
        completed(Flow.named("direct").of(() -> {
            TaskFuture<List<Integer>> squares = all(SQUARE.map(List.of(2, 3)));
            assertThat(squares.result()).containsExactly(4, 9);
            assertThat(squares.isDone()).isTrue();
            assertThat(squares.state().isCompleted()).isTrue();
            assertThat(squares.toCompletionStage().toCompletableFuture().join()).containsExactly(4, 9);
            assertThatThrownBy(squares::taskRun).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("2 task runs");

            TaskFuture<List<Integer>> broken = all(failsOnTwo.map(List.of(1, 2)));
            assertThatThrownBy(broken::result).isInstanceOf(TaskRunFailedException.class)
                    .hasMessageContaining("fails_on_two-1");
            assertThat(broken.await().isFailed()).isTrue();
            return 0;
        }).run());
    }

    @Test
    void nothingGatheredIsAnEmptyListAndANullFutureIsRefusedByItsIndex() {
        FlowRun<Integer> run = completed(Flow.named("empty").of(() -> SUM.call(all(List.<TaskFuture<Integer>>of()))).run());
        assertThat(run.result()).isZero();

        List<TaskFuture<Integer>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> all(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("index 0 of 1");
        assertThatThrownBy(() -> all(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("list of futures");
    }
}
