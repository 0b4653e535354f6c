package dev.baton.semantics;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.FlowRun;
import dev.baton.FlowRunFailedException;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Subflows, after Prefect 2's TestSubflowCalls and the subflow cases of TestFlowCall: a flow
 * called in a flow is a child flow run linked to its parent and to a stand-in task run named
 * after the child flow; the child's outcome counts like a task run's; it uses its own executor.
 */
@BatonTest
class SubflowTest {
    static final Task1<Integer, Integer> square = Task.named("square").of(x -> x * x);

    static final Flow1<Integer, Integer> child = Flow.named("child").of(square::call);

    static final Flow0<Void> failingChild = Flow.named("failing_child").procedure(() -> {
        throw new IllegalStateException("child broke");
    });

    @Test
    void aSubflowIsAChildRunWithAStandInTaskRunInItsParent(RecordedRuns runs) {
        Flow0<Integer> parent = Flow.named("parent").of(() -> child.call(3) + 1);

        FlowRun<Integer> run = parent.run();

        assertThat(run.result()).isEqualTo(10);
        FlowRun<?> childRun = runs.flowRuns("child").get(0);
        assertThat(childRun.parentFlowRunId()).contains(run.id());
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("child-0");
        TaskRun standIn = run.taskRuns().get(0);
        assertThat(standIn.taskName()).isEqualTo("child");
        assertThat(standIn.flowRunId()).isEqualTo(run.id());
        assertThat(childRun.parentTaskRunId()).contains(standIn.id());
        assertThat(names(standIn)).containsExactly("Pending", "Running", "Completed");
        assertThat(childRun.taskRuns()).extracting(TaskRun::name).containsExactly("square-0");
        assertThat(run.parentFlowRunId()).isEmpty();
        assertThat(run.parentTaskRunId()).isEmpty();
    }

    @Test
    void aSubflowWithNoTasksReturnsItsValue() {
        Flow0<String> inner = Flow.named("inner").of(() -> "hello");
        Flow0<String> outer = Flow.named("outer").of(() -> inner.call() + "!");

        assertThat(outer.run().result()).isEqualTo("hello!");
    }

    @Test
    void eachCallOfASubflowGetsItsOwnStandIn(RecordedRuns runs) {
        Flow0<Integer> parent = Flow.named("parent").of(() -> child.call(2) + child.call(3));

        FlowRun<Integer> run = parent.run();

        assertThat(run.result()).isEqualTo(13);
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("child-0", "child-1");
        List<FlowRun<?>> children = runs.flowRuns("child");
        assertThat(children).hasSize(2);
        assertThat(children).extracting(c -> c.parentTaskRunId().orElseThrow())
                .containsExactly(run.taskRuns().get(0).id(), run.taskRuns().get(1).id());
    }

    @Test
    void aFailedChildFailsAProcedureParentLikeAFailedTaskRun() {
        Flow0<Void> parent = Flow.named("parent").procedure(failingChild::run);

        FlowRun<Void> run = parent.run();

        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
        TaskRun standIn = run.taskRuns().get(0);
        assertThat(standIn.name()).isEqualTo("failing_child-0");
        assertThat(names(standIn)).containsExactly("Pending", "Running", "Failed");
        assertThat(standIn.state()).hasToString("Failed('Flow run encountered an exception: IllegalStateException: child broke')");
    }

    @Test
    void aFailedChildCountsAmongTheParentsTaskRuns() {
        Task0<String> ok = Task.named("ok").of(() -> "fine");
        Flow0<Void> parent = Flow.named("parent").procedure(() -> {
            ok.submit();
            failingChild.run();
            ok.submit();
        });

        FlowRun<Void> run = parent.run();

        assertThat(run.state()).hasToString("Failed('1/3 states failed.')");
    }

    @Test
    void callingAFailedChildThrowsFlowRunFailedException() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Flow0<Void> parent = Flow.named("parent").procedure(() -> {
            try {
                failingChild.call();
            } catch (FlowRunFailedException e) {
                thrown.set(e);
            }
        });

        parent.run();

        assertThat(thrown.get()).isInstanceOf(FlowRunFailedException.class)
                .hasMessageContaining("of flow 'failing_child' ended in state Failed('Flow run encountered an exception: IllegalStateException: child broke')")
                .hasRootCauseMessage("child broke");
        assertThat(((FlowRunFailedException) thrown.get()).flowRun().flowName()).isEqualTo("failing_child");
    }

    @Test
    void anUncaughtChildFailureFailsTheParent() {
        Flow0<Void> parent = Flow.named("parent").procedure(failingChild::call);

        FlowRun<Void> run = parent.run();

        assertThat(run.state().isFailed()).isTrue();
        assertThat(run.state().message()).get().asString()
                .startsWith("Flow run encountered an exception: FlowRunFailedException: Flow run '")
                .contains("of flow 'failing_child' ended in state Failed(");
    }

    @Test
    void aChildWhoseTaskFailsReportsTheFailureToItsParent() {
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalArgumentException("bad");
        });
        Flow0<Void> inner = Flow.named("inner").procedure(boom::submit);
        Flow0<Void> parent = Flow.named("parent").procedure(inner::run);

        FlowRun<Void> run = parent.run();

        assertThat(run.taskRuns().get(0).state()).hasToString("Failed('1/1 states failed.')");
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
    }

    @Test
    void aChildUsesItsOwnExecutor(RecordedRuns runs) {
        CyclicBarrier together = new CyclicBarrier(2);
        Task0<String> meet = Task.named("meet").of(() -> {
            together.await(5, TimeUnit.SECONDS); // only possible if both run at once
            return Thread.currentThread().isVirtual() ? "virtual" : "platform";
        });
        Flow0<List<String>> parallelChild = Flow.named("parallel_child").executor(new ConcurrentExecutor())
                .of(() -> {
                    var a = meet.submit();
                    var b = meet.submit();
                    return List.of(a.result(), b.result());
                });
        Flow0<List<String>> parent = Flow.named("parent").of(parallelChild::call); // sequential parent

        FlowRun<List<String>> run = parent.run();

        assertThat(run.result()).containsExactly("virtual", "virtual");
        FlowRun<?> childRun = runs.flowRuns("parallel_child").get(0);
        assertThat(childRun.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("parallel_child-0");
    }

    @Test
    void aSequentialChildInAConcurrentParentRunsItsTasksInOrder() {
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task1<Integer, Integer> note = Task.named("note").of(x -> {
            order.add(x);
            return x;
        });
        Flow0<Void> sequentialChild = Flow.named("sequential_child").procedure(() -> {
            for (int i = 0; i < 5; i++) note.submit(i);
        });
        Flow0<Void> parent = Flow.named("parent").executor(new ConcurrentExecutor()).procedure(sequentialChild::run);

        FlowRun<Void> run = parent.run();

        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void subflowsNest(RecordedRuns runs) {
        Flow0<Integer> middle = Flow.named("middle").of(() -> child.call(4));
        Flow0<Integer> top = Flow.named("top").of(middle::call);

        FlowRun<Integer> run = top.run();

        assertThat(run.result()).isEqualTo(16);
        FlowRun<?> middleRun = runs.flowRuns("middle").get(0);
        FlowRun<?> childRun = runs.flowRuns("child").get(0);
        assertThat(middleRun.parentFlowRunId()).contains(run.id());
        assertThat(childRun.parentFlowRunId()).contains(middleRun.id());
        assertThat(childRun.parentTaskRunId()).contains(middleRun.taskRuns().get(0).id());
        assertThat(middleRun.taskRuns()).extracting(TaskRun::name).containsExactly("child-0");
    }

    @Test
    void aChildFlowRunsOnTheCallersThreadAndTheParentWaitsForIt() {
        AtomicReference<Thread> childThread = new AtomicReference<>();
        Flow0<Void> inner = Flow.named("inner").procedure(() -> childThread.set(Thread.currentThread()));
        AtomicReference<Thread> parentThread = new AtomicReference<>();
        Flow0<Void> parent = Flow.named("parent").procedure(() -> {
            parentThread.set(Thread.currentThread());
            inner.run();
        });

        FlowRun<Void> run = parent.run();

        assertThat(childThread.get()).isSameAs(parentThread.get());
        assertThat(run.taskRuns().get(0).state().isFinal()).isTrue();
    }

    // ----- a retried parent, after Prefect 2's TestFlowRetries -----

    @Test
    void aChildThatCompletedIsNotRunAgainWhenItsParentRetries(RecordedRuns runs) {
        AtomicInteger parentBodies = new AtomicInteger(), childBodies = new AtomicInteger();
        Flow0<String> once = Flow.named("once").of(() -> "child " + childBodies.incrementAndGet());
        Flow0<String> parent = Flow.named("parent").retries(1).of(() -> {
            FlowRun<String> childRun = once.run();
            if (parentBodies.incrementAndGet() == 1) throw new IllegalStateException("parent broke");
            return childRun.result() + " in attempt " + parentBodies.get();
        });

        FlowRun<String> run = parent.run();

        assertThat(run.result()).isEqualTo("child 1 in attempt 2");
        assertThat(childBodies).as("the child ran once").hasValue(1);
        assertThat(runs.flowRuns("once")).as("one child flow run").hasSize(1);
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("once-0");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Completed");
    }

    @Test
    void aChildStartedByAParentIsNotStartedAgainWhenItCompletedBeforeTheRetry(RecordedRuns runs) {
        AtomicInteger parentBodies = new AtomicInteger(), childBodies = new AtomicInteger();
        Flow0<Integer> once = Flow.named("once").of(childBodies::incrementAndGet);
        Flow0<Integer> parent = Flow.named("parent").retries(1).of(() -> {
            int value = once.start().await().result();
            if (parentBodies.incrementAndGet() == 1) throw new IllegalStateException("parent broke");
            return value;
        });

        assertThat(parent.run().result()).isEqualTo(1);
        assertThat(childBodies).hasValue(1);
        assertThat(runs.flowRuns("once")).hasSize(1);
    }

    @Test
    void aChildThatFailedRunsAgainAsANewFlowRunWhenItsParentRetries(RecordedRuns runs) {
        AtomicInteger parentBodies = new AtomicInteger(), childBodies = new AtomicInteger();
        Flow0<String> flaky = Flow.named("flaky_child").of(() -> {
            if (childBodies.incrementAndGet() == 1) throw new IllegalStateException("child broke");
            return "child " + childBodies.get();
        });
        Flow0<String> parent = Flow.named("parent").retries(1).of(() -> {
            parentBodies.incrementAndGet();
            return flaky.call();
        });

        FlowRun<String> run = parent.run();

        assertThat(run.result()).isEqualTo("child 2");
        assertThat(childBodies).hasValue(2);
        assertThat(runs.flowRuns("flaky_child")).extracting(r -> r.state().name())
                .containsExactlyInAnyOrder("Failed", "Completed");
        assertThat(run.taskRuns()).extracting(TaskRun::name, TaskRun::callPosition)
                .containsExactly(tuple("flaky_child-0", 0), tuple("flaky_child-1", 0));
    }
}
