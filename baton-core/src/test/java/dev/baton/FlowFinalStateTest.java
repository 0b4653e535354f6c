package dev.baton;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static dev.baton.Support.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** How a flow run's final state follows from what its body did, Prefect 2 style. */
class FlowFinalStateTest {

    private static final Task0<Integer> OK = Task.named("ok").of(() -> 1);
    private static final Task0<Integer> BOOM = Task.named("boom").of(() -> {
        throw new IllegalStateException("task broke");
    });

    // ----- the body throws -----

    @Test
    void bodyThrowingFailsTheRunWithTheExceptionMessage() {
        RuntimeException error = new RuntimeException("kaboom");
        Flow0<Integer> flow = Flow.named("fails").of(() -> {
            throw error;
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: RuntimeException: kaboom')");
        assertThat(run.state().cause()).containsSame(error);
    }

    @Test
    void resultOfAFailedRunThrowsFlowRunFailedException() {
        RuntimeException error = new RuntimeException("kaboom");
        Flow0<Integer> flow = Flow.named("fails").of(() -> {
            throw error;
        });

        FlowRun<Integer> run = flow.run();

        Throwable thrown = catchThrowable(run::result);
        assertThat(thrown).isInstanceOf(FlowRunFailedException.class)
                .hasMessage("Flow run '" + run.name() + "' of flow 'fails' ended in state"
                        + " Failed('Flow run encountered an exception: RuntimeException: kaboom')")
                .cause().isSameAs(error);
        assertThat(((FlowRunFailedException) thrown).flowRun()).isSameAs(run);
    }

    @Test
    void callingAFailingFlowThrowsFlowRunFailedException() {
        Flow0<Integer> flow = Flow.named("fails").of(() -> {
            throw new IOException("no disk");
        });

        assertThatThrownBy(flow::call).isInstanceOf(FlowRunFailedException.class)
                .hasMessageContaining("of flow 'fails' ended in state Failed('Flow run encountered an exception:"
                        + " IOException: no disk')")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void bodyThrowingAVirtualMachineErrorCrashesTheRun() {
        Flow0<Integer> flow = Flow.named("deep").of(() -> {
            throw new StackOverflowError("too deep");
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.CRASHED);
        assertThat(run.state()).hasToString("Crashed('Flow run crashed: StackOverflowError: too deep')");
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class);
    }

    @Test
    void failingCallInTheBodyFailsTheRunWithTheTaskRunFailure() {
        Flow0<Integer> flow = Flow.named("f").of(BOOM::call);

        FlowRun<Integer> run = flow.run();

        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: TaskRunFailedException:"
                + " Task run 'boom-0' ended in state Failed('Task run encountered an exception:"
                + " IllegalStateException: task broke')')");
        assertThat(run.state().cause()).get().isInstanceOf(TaskRunFailedException.class);
    }

    // ----- the body returns nothing -----

    @Test
    void procedureWithAFailedTaskRunFailsWithTheCount() {
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            OK.submit();
            BOOM.submit();
            OK.submit();
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state()).hasToString("Failed('1/3 states failed.')");
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class)
                .hasMessage("Flow run '" + run.name() + "' of flow 'f' ended in state Failed('1/3 states failed.')");
    }

    @Test
    void procedureWithAllTaskRunsCompletedCompletes() {
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            OK.submit();
            OK.call();
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(run.result()).isNull();
    }

    @Test
    void procedureWithoutTaskRunsCompletesWithoutAMessage() {
        FlowRun<Void> run = Flow.named("f").procedure(() -> {}).run();

        assertThat(run.state()).hasToString("Completed()"); // Prefect 2: nothing to aggregate, None returned
    }

    @Test
    void procedureWithACancelledAndAFailedRunIsCancelledAsInPrefect() {
        Flow0<State> cancelledChild = Flow.named("child").of(() -> State.cancelled("stopped"));
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            BOOM.submit();
            cancelledChild.run();
            OK.submit();
        });

        assertThat(flow.run().state()).hasToString("Cancelled('1/3 states cancelled.')");
    }

    @Test
    void procedureCountsACrashedRunAsFailed() {
        Flow0<State> crashedChild = Flow.named("child").of(() -> State.crashed("lost"));
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            crashedChild.run();
            OK.submit();
        });

        assertThat(flow.run().state()).hasToString("Failed('1/2 states failed.')");
    }

    @Test
    void bodyReturningNullIsJudgedByItsTaskRuns() {
        Flow0<String> failing = Flow.named("f").of(() -> {
            BOOM.submit();
            BOOM.submit();
            return null;
        });
        Flow0<String> fine = Flow.named("g").of(() -> {
            OK.submit();
            return null;
        });

        assertThat(failing.run().state()).hasToString("Failed('2/2 states failed.')");
        assertThat(fine.run().state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void procedureCountsNotReadyRunsInTheTotalButNotAsFailed() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            inc.submit(BOOM.submit());
            OK.submit();
        });

        assertThat(flow.run().state()).hasToString("Failed('1/3 states failed.')");
    }

    // ----- the body returns a state -----

    @Test
    void returnedCancelledStateCancelsTheRun() {
        Flow0<State> flow = Flow.named("f").of(() -> {
            OK.submit();
            return State.cancelled("stopped by user");
        });

        FlowRun<State> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(run.state()).hasToString("Cancelled('stopped by user')");
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class);
    }

    @Test
    void returnedFailedStateFailsTheRunWithItsMessage() {
        Flow0<State> flow = Flow.named("f").of(() -> State.failed("custom failure"));

        FlowRun<State> run = flow.run();

        assertThat(run.state()).hasToString("Failed('custom failure')");
        assertThat(names(run.history())).containsExactly("Pending", "Running", "Failed");
    }

    @Test
    void returnedNamedStateKeepsTypeNameAndMessage() {
        FlowRun<State> run = Flow.named("f").of(() -> State.timedOut("too slow")).run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().name()).isEqualTo("TimedOut");
        assertThat(run.state().message()).contains("too slow");
    }

    @Test
    void returnedCompletedStateCompletesTheRunEvenIfATaskRunFailed() {
        Flow0<State> flow = Flow.named("f").of(() -> {
            BOOM.submit();
            return State.completed();
        });

        FlowRun<State> run = flow.run();

        assertThat(run.state()).hasToString("Completed()");
    }

    // ----- the body returns futures -----

    @Test
    void returnedFailedFutureFailsTheRun() {
        Flow0<TaskFuture<Integer>> flow = Flow.named("f").of(() -> {
            OK.submit();
            return BOOM.submit();
        });

        FlowRun<TaskFuture<Integer>> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state()).hasToString("Failed('Task run encountered an exception: IllegalStateException: task broke')");
        assertThatThrownBy(run::result).isInstanceOf(FlowRunFailedException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void returnedCompletedFutureCompletesTheRunEvenIfAnotherTaskRunFailed() {
        Flow0<TaskFuture<Integer>> flow = Flow.named("f").of(() -> {
            BOOM.submit();
            return OK.submit();
        });

        FlowRun<TaskFuture<Integer>> run = flow.run();

        assertThat(run.state()).hasToString("Completed()");
        assertThat(run.result().result()).isEqualTo(1);
    }

    @Test
    void returnedNotReadyFutureFailsTheRun() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        FlowRun<TaskFuture<Integer>> run = Flow.named("f").of(() -> inc.submit(BOOM.submit())).run();

        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().message()).contains("Upstream task run 'boom-0' did not reach a 'COMPLETED' state.");
    }

    @Test
    void returnedListOfFuturesWithOneFailureFailsTheRun() {
        Flow0<List<TaskFuture<Integer>>> flow = Flow.named("f").of(() -> List.of(OK.submit(), BOOM.submit(), OK.submit()));

        FlowRun<List<TaskFuture<Integer>>> run = flow.run();

        assertThat(run.state()).hasToString("Failed('1/3 states failed.')");
    }

    @Test
    void returnedListOfCompletedFuturesCompletesTheRun() {
        Flow0<List<TaskFuture<Integer>>> flow = Flow.named("f").of(() -> List.of(OK.submit(), OK.submit()));

        assertThat(flow.run().state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void returnedListOfACompletedAndANotReadyFutureFailsAsNotFinal() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<List<TaskFuture<Integer>>> flow = Flow.named("f").of(() -> {
            TaskFuture<Integer> notReady = inc.submit(BOOM.submit());
            return List.of(OK.submit(), notReady);
        });

        FlowRun<List<TaskFuture<Integer>>> run = flow.run();

        assertThat(run.state()).hasToString("Failed('1/2 states are not final.')");
    }

    @Test
    void returnedListOfStatesCountsCrashedAsFailed() {
        Flow0<List<State>> flow = Flow.named("f").of(() -> List.of(State.crashed("lost"), State.failed("x"), State.completed()));

        assertThat(flow.run().state()).hasToString("Failed('2/3 states failed.')");
    }

    @Test
    void returnedListWithACancelledAndAFailedFutureIsCancelledAsInPrefect() {
        Flow0<List<Object>> flow = Flow.named("f").of(() -> List.of(State.cancelled("c"), BOOM.submit(), OK.submit()));

        assertThat(flow.run().state()).hasToString("Cancelled('1/3 states cancelled.')");
    }

    @Test
    void returnedListWithAFailedAndANotFinalStateCountsTheFailures() {
        Flow0<List<State>> flow = Flow.named("f").of(() -> List.of(State.failed("x"), State.notReady("up"), State.paused()));

        assertThat(flow.run().state()).hasToString("Failed('1/3 states failed.')");
    }

    @Test
    void returnedListWithAPausedStateFailsAsNotFinal() {
        Flow0<List<State>> flow = Flow.named("f").of(() -> List.of(State.completed(), State.paused()));

        assertThat(flow.run().state()).hasToString("Failed('1/2 states are not final.')");
    }

    @Test
    void returnedListWithACancelledStateCancelsTheRun() {
        Flow0<List<Object>> flow = Flow.named("f").of(() -> List.of(OK.submit(), State.cancelled("c"), "plain"));

        assertThat(flow.run().state()).hasToString("Cancelled('1/2 states cancelled.')");
    }

    // ----- the body returns a value -----

    @Test
    void returnedValueCompletesTheRunAndIsItsResult() {
        Flow0<Integer> flow = Flow.named("f").of(() -> {
            BOOM.submit(); // a failed task run does not matter once the body returns a value
            return 42;
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.state()).hasToString("Completed()");
        assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(run.result()).isEqualTo(42);
    }

    @Test
    void callReturnsTheFlowValue() {
        Flow1<String, String> flow = Flow.named("shout").of(s -> s.toUpperCase() + "!");

        assertThat(flow.call("hey")).isEqualTo("HEY!");
    }

    @Test
    void returnedListOfPlainValuesCompletesTheRun() {
        FlowRun<List<Integer>> run = Flow.named("f").of(() -> List.of(1, 2)).run();

        assertThat(run.state()).hasToString("Completed()");
        assertThat(run.result()).containsExactly(1, 2);
    }

    // ----- waiting for task runs -----

    @Test
    void flowRunWaitsForTaskRunsStillRunningWhenTheBodyReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bodyReturning = new CountDownLatch(1);
        AtomicBoolean taskFinished = new AtomicBoolean();
        Task0<String> slow = Task.named("slow").of(() -> {
            release.await();
            taskFinished.set(true);
            return "late";
        });
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            slow.submit();
            bodyReturning.countDown();
        });
        AtomicReference<FlowRun<Void>> result = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> result.set(flow.run()));

        assertThat(bodyReturning.await(10, TimeUnit.SECONDS)).isTrue();
        runner.join(100);
        boolean returnedBeforeTaskFinished = !runner.isAlive();
        release.countDown();
        runner.join(10_000);

        assertThat(returnedBeforeTaskFinished).isFalse();
        assertThat(runner.isAlive()).isFalse();
        assertThat(taskFinished).isTrue();
        FlowRun<Void> run = result.get();
        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(run.taskRuns().getFirst().state()).hasToString("Completed()");
    }

    @Test
    void flowRunWaitsForTaskRunsEvenWhenTheBodyThrows() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<String> slow = Task.named("slow").of(() -> {
            release.await();
            return "late";
        });
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            slow.submit();
            release.countDown();
            throw new IllegalStateException("body failed");
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException: body failed')");
        assertThat(names(run.taskRuns().getFirst().history())).containsExactly("Pending", "Running", "Completed");
    }
}
