package dev.baton.semantics;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task and flow hooks, after Prefect 2's TestTaskHooksOnCompletion/OnFailure,
 * TestOnCompletionHooksForCachedTasks and TestFlowHooksOnCompletion/OnFailure/OnCancellation/
 * OnCrashed: called once with the run and its final state, only for their kind of state, in
 * registration order; a hook that throws is logged and changes nothing.
 */
@BatonTest
class HookTest {
    /** What hooks saw: "kind run-name state". */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private dev.baton.TaskHook note(String kind) {
        return (run, state) -> calls.add(kind + " " + run.name() + " " + state);
    }

    private dev.baton.FlowHook noteFlow(String kind) {
        return (run, state) -> calls.add(kind + " " + run.flowName() + " " + state);
    }

    private Task.Builder hooked(String name) {
        return Task.named(name).onCompletion(note("completed")).onFailure(note("failed")).onCancellation(note("cancelled"));
    }

    private Flow.Builder hookedFlow(String name) {
        return Flow.named(name).onCompletion(noteFlow("completed")).onFailure(noteFlow("failed"))
                .onCancellation(noteFlow("cancelled")).onCrashed(noteFlow("crashed"));
    }

    // ----- task hooks -----

    @Test
    void onCompletionIsCalledOnceWithTheRunAndItsFinalState() {
        AtomicReference<TaskRun> hookRun = new AtomicReference<>();
        AtomicReference<State> hookState = new AtomicReference<>(), runStateInHook = new AtomicReference<>();
        Task0<Integer> task = hooked("load").onCompletion((run, state) -> {
            hookRun.set(run);
            hookState.set(state);
            runStateInHook.set(run.state());
        }).of(() -> 1);
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(calls).containsExactly("completed load-0 Completed()");
        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(hookRun.get().id()).isEqualTo(taskRun.id());
        assertThat(hookState.get()).isEqualTo(taskRun.state());
        assertThat(runStateInHook.get()).as("the run is final when its hook runs").isEqualTo(taskRun.state());
    }

    @Test
    void hooksRunBeforeTheFutureResolves() {
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        AtomicReference<Boolean> futureKnownInHook = new AtomicReference<>();
        Task0<Integer> task = Task.named("t").onCompletion((run, state) -> futureKnownInHook.set(future.get() != null))
                .of(() -> 1);
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(task.submit())); // sequential: submit returns once settled

        flow.run();

        assertThat(futureKnownInHook.get()).isFalse();
    }

    @Test
    void onCompletionIsNotCalledOnFailureNorOnFailureOnCompletion() {
        Task0<Integer> ok = hooked("ok").of(() -> 1);
        Task0<Integer> bad = hooked("bad").of(() -> {
            throw new IllegalStateException("oops");
        });
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            ok.submit();
            bad.submit();
        });

        flow.run();

        assertThat(calls).containsExactly("completed ok-0 Completed()",
                "failed bad-0 Failed('Task run encountered an exception: IllegalStateException: oops')");
    }

    @Test
    void onCompletionIsCalledForACachedRun() {
        Task0<String> task = hooked("cached_task").cacheKey((run, args) -> "k").of(() -> "cached_result");
        Flow0<String> flow = Flow.named("f").of(task::call);

        flow.run();
        flow.run();

        assertThat(calls).containsExactly("completed cached_task-0 Completed()", "completed cached_task-0 Cached()");
    }

    @Test
    void onFailureIsCalledOnlyAfterTheLastRetry(FakeClock clock) {
        Task0<Integer> task = hooked("flaky").retries(2).retryDelay(Duration.ofSeconds(1)).of(() -> {
            throw new IllegalStateException("oops");
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(run.taskRuns().get(0).history()).hasSize(7);
        assertThat(calls).containsExactly("failed flaky-0 Failed('Task run encountered an exception: IllegalStateException: oops')");
    }

    @Test
    void onFailureIsNotCalledWhenARetrySucceeds(FakeClock clock) {
        int[] attempts = {0};
        Task0<Integer> task = hooked("flaky").retries(2).of(() -> {
            if (++attempts[0] < 3) throw new IllegalStateException("oops");
            return attempts[0];
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        flow.run();

        assertThat(calls).containsExactly("completed flaky-0 Completed()");
    }

    @Test
    void onFailureIsCalledForATimedOutRun(FakeClock clock) {
        Task0<Integer> task = hooked("slow").timeout(Duration.ofMillis(100)).of(() -> {
            Thread.sleep(10_000); // until the timeout interrupts it
            return 1;
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> clock.pendingTimers() == 1, "the attempt runs, its timeout set");
        clock.advance(Duration.ofMillis(100));
        assertThat(handle.await(Traces.PATIENCE)).as("the timed-out run finished").isPresent();

        assertThat(calls).containsExactly("failed slow-0 TimedOut('Task run 'slow-0' exceeded its timeout of 100 ms')");
    }

    @Test
    void onFailureIsCalledForACrashedRun() {
        Task0<Integer> task = hooked("greedy").of(() -> {
            throw new OutOfMemoryError("Java heap space");
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run = flow.run();

        assertThat(run.taskRuns().get(0).state().type()).isEqualTo(StateType.CRASHED);
        assertThat(calls).containsExactly("failed greedy-0 Crashed('Task run crashed: OutOfMemoryError: Java heap space')");
    }

    @Test
    void noHookIsCalledForANotReadyRun() {
        Task0<Integer> bad = Task.named("bad").of(() -> {
            throw new IllegalStateException("oops");
        });
        dev.baton.Task1<Integer, Integer> downstream = hooked("downstream").of(x -> x);
        Flow0<Void> flow = Flow.named("f").procedure(() -> downstream.submit(bad.submit()));

        flow.run();

        assertThat(calls).isEmpty();
    }

    @Test
    void onCancellationIsCalledForACancelledRun() {
        CountDownLatch started = new CountDownLatch(1);
        Task0<Integer> task = hooked("long").of(() -> {
            started.countDown();
            Thread.sleep(10_000);
            return 1;
        });
        Flow0<Void> flow = hookedFlow("f").executor(new ConcurrentExecutor()).procedure(task::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the task started");
        handle.cancel();
        handle.await();

        assertThat(calls).containsExactly(
                "cancelled long-0 Cancelled('Task run was cancelled: flow run '" + handle.name() + "' is cancelling.')",
                "cancelled f Cancelled('Flow run was cancelled')");
    }

    @Test
    void hooksRunInOrderAndAThrowingHookIsLoggedWithoutChangingTheState() {
        Task0<Integer> task = Task.named("t")
                .onCompletion(note("first"))
                .onCompletion((run, state) -> {
                    throw new IllegalStateException("hook boom");
                })
                .onCompletion(note("third"))
                .of(() -> 1);
        Flow0<Integer> flow = Flow.named("f").of(task::call);

        FlowRun<Integer> run;
        List<String> logged;
        try (Traces.CapturedLog log = new Traces.CapturedLog("dev.baton.task_runs")) {
            run = flow.run();
            logged = log.messages();
        }

        assertThat(calls).containsExactly("first t-0 Completed()", "third t-0 Completed()");
        assertThat(run.result()).isEqualTo(1);
        assertThat(Traces.names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Completed");
        assertThat(logged).contains("Task run 't-0' - An onCompletion hook failed: IllegalStateException: hook boom;"
                + " the run's state stays Completed()");
    }

    @Test
    void aThrowingOnFailureHookIsLoggedToo() {
        Task0<Integer> task = Task.named("t").onFailure((run, state) -> {
            throw new IllegalStateException("hook boom");
        }).of(() -> {
            throw new IllegalArgumentException("task boom");
        });
        Flow0<Void> flow = Flow.named("f").procedure(task::submit);

        FlowRun<Void> run;
        List<String> logged;
        try (Traces.CapturedLog log = new Traces.CapturedLog("dev.baton.task_runs")) {
            run = flow.run();
            logged = log.messages();
        }

        assertThat(run.taskRuns().get(0).state()).hasToString("Failed('Task run encountered an exception: IllegalArgumentException: task boom')");
        assertThat(logged).contains("Task run 't-0' - An onFailure hook failed: IllegalStateException: hook boom;"
                + " the run's state stays Failed('Task run encountered an exception: IllegalArgumentException: task boom')");
    }

    // ----- flow hooks -----

    @Test
    void flowOnCompletionIsCalledWithTheFinishedRun() {
        AtomicReference<FlowRun<?>> hookRun = new AtomicReference<>();
        AtomicReference<State> runStateInHook = new AtomicReference<>();
        Flow0<String> flow = hookedFlow("etl").onCompletion((run, state) -> {
            hookRun.set(run);
            runStateInHook.set(run.state());
        }).of(() -> "done");

        FlowRun<String> run = flow.run();

        assertThat(calls).containsExactly("completed etl Completed()");
        assertThat(hookRun.get().id()).isEqualTo(run.id());
        assertThat(runStateInHook.get()).isEqualTo(run.state());
    }

    @Test
    void flowOnFailureIsCalledOnceAfterTheLastRetry() {
        Flow0<Void> flow = hookedFlow("etl").retries(2).procedure(() -> {
            throw new IllegalStateException("oops");
        });

        flow.run();

        assertThat(calls).containsExactly("failed etl Failed('Flow run encountered an exception: IllegalStateException: oops')");
    }

    @Test
    void flowOnFailureIsCalledForATaskRunFailure() {
        Task0<Integer> bad = Task.named("bad").of(() -> {
            throw new IllegalStateException("oops");
        });
        Flow0<Void> flow = hookedFlow("etl").procedure(bad::submit);

        flow.run();

        assertThat(calls).containsExactly("failed etl Failed('1/1 states failed.')");
    }

    @Test
    void flowOnCrashedIsCalledWhenTheBodyThrowsAnError() {
        Flow0<Void> flow = hookedFlow("etl").procedure(() -> {
            throw new StackOverflowError();
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state().type()).isEqualTo(StateType.CRASHED);
        assertThat(calls).containsExactly("crashed etl Crashed('Flow run crashed: StackOverflowError')");
    }

    @Test
    void flowOnCrashedIsCalledForARealStackOverflow() {
        Flow0<Integer> flow = hookedFlow("etl").of(() -> recurse(0));

        FlowRun<Integer> run = flow.run();

        assertThat(run.state()).hasToString("Crashed('Flow run crashed: StackOverflowError')");
        assertThat(calls).containsExactly("crashed etl Crashed('Flow run crashed: StackOverflowError')");
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void flowOnCrashedIsCalledForAReturnedCrashedState() {
        Flow0<State> flow = hookedFlow("etl").of(() -> State.of(StateType.CRASHED, null, 0, "gone", null));

        flow.run();

        assertThat(calls).containsExactly("crashed etl Crashed('gone')");
    }

    @Test
    void flowCrashedHooksAreNotCalledForCompletedOrFailedRuns() {
        Flow0<Void> passing = Flow.named("passing").onCrashed(noteFlow("crashed")).procedure(() -> { });
        Flow0<Void> failing = Flow.named("failing").onCrashed(noteFlow("crashed")).procedure(() -> {
            throw new Exception("Failing flow");
        });

        passing.run();
        failing.run();

        assertThat(calls).isEmpty();
    }

    @Test
    void flowOnCancellationIsCalledForAReturnedCancelledState() {
        Flow0<State> flow = hookedFlow("etl").of(() -> State.of(StateType.CANCELLED, null, 0, "stopped", null));

        flow.run();

        assertThat(calls).containsExactly("cancelled etl Cancelled('stopped')");
    }

    @Test
    void aThrowingFlowHookIsLoggedAndOtherHooksStillRun() {
        Flow0<Void> flow = Flow.named("etl")
                .onCompletion(noteFlow("first"))
                .onCompletion((run, state) -> {
                    throw new IllegalStateException("hook boom");
                })
                .onCompletion(noteFlow("third"))
                .procedure(() -> { });

        FlowRun<Void> run;
        List<String> logged;
        try (Traces.CapturedLog log = new Traces.CapturedLog("dev.baton.flow_runs")) {
            run = flow.run();
            logged = log.messages();
        }

        assertThat(calls).containsExactly("first etl Completed()", "third etl Completed()");
        assertThat(run.state()).hasToString("Completed()");
        assertThat(logged).contains("Flow run '" + run.name() + "' - An onCompletion hook failed: IllegalStateException:"
                + " hook boom; the run's state stays Completed()");
    }

    @Test
    void aChildsHooksAndItsParentsHooksBothRun() {
        Flow0<Void> child = Flow.named("child").onFailure(noteFlow("failed")).procedure(() -> {
            throw new IllegalStateException("child broke");
        });
        Flow0<Void> parent = Flow.named("parent").onFailure(noteFlow("failed")).procedure(child::call);

        parent.run();

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("failed child Failed('Flow run encountered an exception: IllegalStateException: child broke')");
        assertThat(calls.get(1)).startsWith("failed parent Failed('Flow run encountered an exception: FlowRunFailedException:");
    }
}
