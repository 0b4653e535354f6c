package dev.baton;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.baton.Support.completed;
import static dev.baton.Support.names;
import static dev.baton.Support.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** State factories and names, and the histories runs go through. */
class StateTest {

    // ----- histories -----

    @Test
    void completedTaskRunHistoryIsPendingRunningCompleted() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        FlowRun<Void> run = completed(Flow.named("f").procedure(one::call).run());

        TaskRun tr = run.taskRuns().getFirst();
        assertThat(names(tr.history())).containsExactly("Pending", "Running", "Completed");
        assertThat(types(tr.history())).containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(tr.state()).isEqualTo(tr.history().getLast());
        assertThat(tr.duration()).isPresent();
        assertThat(tr.duration().get().isNegative()).isFalse();
    }

    @Test
    void failedTaskRunHistoryIsPendingRunningFailed() {
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("no");
        });
        FlowRun<Void> run = Flow.named("f").procedure(() -> boom.submit()).run();

        TaskRun tr = run.taskRuns().getFirst();
        assertThat(names(tr.history())).containsExactly("Pending", "Running", "Failed");
        assertThat(tr.state()).hasToString("Failed('Task run encountered an exception: IllegalStateException: no')");
    }

    @Test
    void completedFlowRunHistoryIsPendingRunningCompleted() {
        FlowRun<Integer> run = completed(Flow.named("f").of(() -> 1).run());

        assertThat(names(run.history())).containsExactly("Pending", "Running", "Completed");
        assertThat(run.state()).isEqualTo(run.history().getLast());
    }

    @Test
    void failedFlowRunHistoryIsPendingRunningFailed() {
        FlowRun<Integer> run = Flow.named("f").<Integer>of(() -> {
            throw new IllegalStateException("no");
        }).run();

        assertThat(names(run.history())).containsExactly("Pending", "Running", "Failed");
    }

    @Test
    void historyTimestampsAreNonDecreasing() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            List<TaskFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) fs.add(inc.submit(fs.isEmpty() ? 0 : i));
            return inc.call(fs.getLast());
        });
        Instant before = Instant.now().minusSeconds(1);

        FlowRun<Integer> run = completed(flow.run());

        List<List<State>> histories = new ArrayList<>();
        histories.add(run.history());
        for (TaskRun tr : run.taskRuns()) histories.add(tr.history());
        for (List<State> h : histories) {
            for (int i = 1; i < h.size(); i++) {
                assertThat(h.get(i).epochNanos()).isGreaterThanOrEqualTo(h.get(i - 1).epochNanos());
            }
            assertThat(h.getFirst().timestamp()).isAfter(before);
            assertThat(h.getFirst().timestamp()).isBeforeOrEqualTo(Instant.now().plusSeconds(1));
        }
    }

    @Test
    void everyConcurrentTaskRunHasTheFullHistory() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            for (int i = 0; i < 50; i++) inc.submit(i);
        });

        FlowRun<Void> run = completed(flow.run());

        assertThat(run.taskRuns()).hasSize(50)
                .allSatisfy(tr -> assertThat(names(tr.history())).containsExactly("Pending", "Running", "Completed"));
    }

    @Test
    void historyIsAReadOnlySnapshot() {
        FlowRun<Integer> run = completed(Flow.named("f").of(() -> 1).run());

        List<State> h = run.history();
        assertThatThrownBy(() -> h.add(State.pending()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ----- factories and names -----

    @Test
    void baseFactoriesHaveTheTypeDisplayName() {
        assertThat(State.scheduled().name()).isEqualTo("Scheduled");
        assertThat(State.pending().name()).isEqualTo("Pending");
        assertThat(State.running().name()).isEqualTo("Running");
        assertThat(State.completed().name()).isEqualTo("Completed");
        assertThat(State.failed("m").name()).isEqualTo("Failed");
        assertThat(State.cancelled("m").name()).isEqualTo("Cancelled");
        assertThat(State.crashed("m").name()).isEqualTo("Crashed");
        assertThat(State.paused().name()).isEqualTo("Paused");
        assertThat(State.cancelling().name()).isEqualTo("Cancelling");
        assertThat(State.cancelling().type()).isEqualTo(StateType.CANCELLING);
    }

    @Test
    void cachedIsACompletedStateCarryingItsResult() {
        State s = State.cached(42);

        assertThat(s.name()).isEqualTo("Cached");
        assertThat(s.type()).isEqualTo(StateType.COMPLETED);
        assertThat(s.isCompleted()).isTrue();
        assertThat(s.isFinal()).isTrue();
        assertThat(s.result()).isEqualTo(42);
        assertThat(s).hasToString("Cached()");
    }

    @Test
    void retryingIsARunningState() {
        State s = State.retrying();

        assertThat(s.name()).isEqualTo("Retrying");
        assertThat(s.type()).isEqualTo(StateType.RUNNING);
        assertThat(s.isRunning()).isTrue();
        assertThat(s.isFinal()).isFalse();
    }

    @Test
    void awaitingRetryIsAScheduledState() {
        java.time.Instant due = java.time.Instant.parse("2026-01-01T00:00:02Z");
        State s = State.awaitingRetry("in 2s", due);

        assertThat(s.name()).isEqualTo("AwaitingRetry");
        assertThat(s.type()).isEqualTo(StateType.SCHEDULED);
        assertThat(s.isScheduled()).isTrue();
        assertThat(s.scheduledTime()).contains(due);
        assertThat(s).hasToString("AwaitingRetry('in 2s')");
    }

    @Test
    void timedOutIsAFailedState() {
        State s = State.timedOut("took too long");

        assertThat(s.name()).isEqualTo("TimedOut");
        assertThat(s.type()).isEqualTo(StateType.FAILED);
        assertThat(s.isFailed()).isTrue();
        assertThat(s.isFinal()).isTrue();
        assertThat(s.message()).contains("took too long");
    }

    @Test
    void lateIsAScheduledState() {
        State s = State.late();

        assertThat(s.name()).isEqualTo("Late");
        assertThat(s.type()).isEqualTo(StateType.SCHEDULED);
        assertThat(s.isFinal()).isFalse();
    }

    @Test
    void notReadyIsAPendingStateThatIsSettledButNotFinal() {
        State s = State.notReady("upstream failed");

        assertThat(s.name()).isEqualTo("NotReady");
        assertThat(s.type()).isEqualTo(StateType.PENDING);
        assertThat(s.isPending()).isTrue();
        assertThat(s.isNotReady()).isTrue();
        assertThat(s.isFinal()).isFalse();
        assertThat(s.isSettled()).isTrue();
        assertThat(State.pending().isNotReady()).isFalse();
        assertThat(State.pending().isSettled()).isFalse();
    }

    @Test
    void finalTypesAreCompletedFailedCancelledCrashed() {
        assertThat(StateType.values()).filteredOn(StateType::isFinal)
                .containsExactly(StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED);
        assertThat(State.completed().isFinal()).isTrue();
        assertThat(State.failed("x").isFinal()).isTrue();
        assertThat(State.cancelled("x").isFinal()).isTrue();
        assertThat(State.crashed("x").isFinal()).isTrue();
        assertThat(State.pending().isFinal()).isFalse();
        assertThat(State.running().isFinal()).isFalse();
        assertThat(State.scheduled().isFinal()).isFalse();
        assertThat(State.paused().isFinal()).isFalse();
        assertThat(State.cancelling().isFinal()).isFalse();
    }

    @Test
    void toStringIsPrefectsShortForm() {
        assertThat(State.completed()).hasToString("Completed()");
        assertThat(State.failed("msg")).hasToString("Failed('msg')");
        assertThat(State.notReady("why")).hasToString("NotReady('why')");
        assertThat(State.late()).hasToString("Late()");
    }

    @Test
    void completedStateCarriesItsResultOthersDoNot() {
        assertThat(State.completed("v").result()).isEqualTo("v");
        assertThat(State.completed().result()).isNull();
        assertThat(State.failed("m").result()).isNull();
    }

    @Test
    void failedStateCarriesItsCause() {
        RuntimeException e = new RuntimeException("x");

        assertThat(State.failed("m", e).cause()).containsSame(e);
        assertThat(State.failed("m").cause()).isEmpty();
        assertThat(State.completed(e).cause()).isEmpty();
    }

    @Test
    void ofRestoresAStateExactly() {
        State s = State.of(StateType.FAILED, null, 1_000_000_123L, "m", null);

        assertThat(s.name()).isEqualTo("Failed");
        assertThat(s.epochNanos()).isEqualTo(1_000_000_123L);
        assertThat(s.timestamp()).isEqualTo(Instant.ofEpochSecond(1, 123));
        assertThat(s).isEqualTo(State.of(StateType.FAILED, "Failed", 1_000_000_123L, "m", null));
        assertThat(s.hashCode()).isEqualTo(State.of(StateType.FAILED, "Failed", 1_000_000_123L, "m", null).hashCode());
        assertThat(s).isNotEqualTo(State.of(StateType.FAILED, "TimedOut", 1_000_000_123L, "m", null));
    }

    @Test
    void withResultKeepsEverythingButTheValue() {
        State s = State.of(StateType.COMPLETED, null, 5L, null, null);

        State v = s.withResult(9);
        assertThat(v.result()).isEqualTo(9);
        assertThat(v.name()).isEqualTo("Completed");
        assertThat(v.epochNanos()).isEqualTo(5L);
        assertThat(s.result()).isNull();
        assertThat(s.withResult(null)).isSameAs(s);
    }

    @Test
    void displayNamesOfTypes() {
        assertThat(StateType.COMPLETED.displayName()).isEqualTo("Completed");
        assertThat(StateType.CANCELLING.displayName()).isEqualTo("Cancelling");
        assertThat(StateType.SCHEDULED.displayName()).isEqualTo("Scheduled");
    }
}
