package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Task and flow definitions, builder validation, run names, ids, parameters and parent links. */
class DefinitionTest {

    // ----- tasks -----

    @Test
    void taskCarriesNameDescriptionVersionAndTags() {
        Task2<Integer, Integer, Integer> add = Task.named("add").description("Adds two numbers").version("1.2")
                .tags("math", "fast", "math").of((a, b) -> a + b);

        assertThat(add.name()).isEqualTo("add");
        assertThat(add.description()).contains("Adds two numbers");
        assertThat(add.version()).contains("1.2");
        assertThat(add.tags()).containsExactlyInAnyOrder("math", "fast");
        assertThat(add.isAsync()).isFalse();
        assertThat(add).hasToString("Task2[add]");
    }

    @Test
    void taskWithoutOptionsHasNoDescriptionVersionOrTags() {
        Task0<String> hello = Task.named("hello").of(() -> "hi");

        assertThat(hello.description()).isEmpty();
        assertThat(hello.version()).isEmpty();
        assertThat(hello.tags()).isEmpty();
    }

    @Test
    void taskTagsCannotBeModified() {
        Task0<String> t = Task.named("t").tags("io").of(() -> "x");

        assertThatThrownBy(() -> t.tags().add("more")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void reusedBuilderMakesIndependentTasks() {
        Task.Builder builder = Task.named("fetch").tags("io");
        Task0<Integer> first = builder.of(() -> 1);
        builder.tags("slow").description("later");
        Task0<Integer> second = builder.of(() -> 2);

        assertThat(first.tags()).containsExactly("io");
        assertThat(first.description()).isEmpty();
        assertThat(second.tags()).containsExactlyInAnyOrder("io", "slow");
        assertThat(second.description()).contains("later");
    }

    @Test
    void blankTaskNameIsRejected() {
        assertThatThrownBy(() -> Task.named("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A task needs a non-blank name, e.g. Task.named(\"fetch\"); got \"  \"");
    }

    @Test
    void nullTaskNameIsRejected() {
        assertThatThrownBy(() -> Task.named(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A task needs a non-blank name, e.g. Task.named(\"fetch\"); got null");
    }

    @Test
    void nullTagIsRejected() {
        assertThatThrownBy(() -> Task.named("fetch").tags("io", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Task 'fetch' got a blank or null tag in [io, null]");
    }

    @Test
    void blankTagIsRejected() {
        assertThatThrownBy(() -> Task.named("fetch").tags(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Task 'fetch' got a blank or null tag in [ ]");
    }

    @Test
    void nullTaskBodyIsRejected() {
        assertThatThrownBy(() -> Task.named("fetch").of((Task0.Body<String>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the body of task 'fetch' is null");
    }

    @Test
    void asyncTaskIsAsync() {
        AsyncTask0<String> t = Task.named("a").async(() -> java.util.concurrent.CompletableFuture.completedFuture("x"));

        assertThat(t.isAsync()).isTrue();
        assertThat(t).hasToString("AsyncTask0[a]");
    }

    // ----- flows -----

    @Test
    void flowCarriesNameDescriptionVersionAndDefaultExecutor() {
        Flow0<Void> etl = Flow.named("etl").description("Loads data").version("3").procedure(() -> {});

        assertThat(etl.name()).isEqualTo("etl");
        assertThat(etl.description()).contains("Loads data");
        assertThat(etl.version()).contains("3");
        assertThat(etl.executor()).isInstanceOf(SequentialExecutor.class);
        assertThat(etl.isAsync()).isFalse();
        assertThat(etl).hasToString("Flow0[etl]");
    }

    @Test
    void flowKeepsItsExecutor() {
        ConcurrentExecutor executor = new ConcurrentExecutor(4);
        Flow0<Void> f = Flow.named("f").executor(executor).procedure(() -> {});

        assertThat(f.executor()).isSameAs(executor);
    }

    @Test
    void blankFlowNameIsRejected() {
        assertThatThrownBy(() -> Flow.named(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A flow needs a non-blank name, e.g. Flow.named(\"etl\"); got \"\"");
    }

    @Test
    void nullFlowNameIsRejected() {
        assertThatThrownBy(() -> Flow.named(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A flow needs a non-blank name, e.g. Flow.named(\"etl\"); got null");
    }

    @Test
    void nullExecutorIsRejected() {
        assertThatThrownBy(() -> Flow.named("etl").executor(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("flow 'etl' got a null executor");
    }

    @Test
    void nullFlowBodyIsRejected() {
        assertThatThrownBy(() -> Flow.named("etl").procedure((Flow0.Procedure) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the body of flow 'etl' is null");
    }

    // ----- run names and ids -----

    @Test
    void taskRunNamesCountPerTaskWithinAFlowRun() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        Task2<Integer, Integer, Integer> mul = Task.named("mul").of((a, b) -> a * b);
        Flow0<Void> flow = Flow.named("arith").procedure(() -> {
            add.call(1, 2);
            mul.call(2, 3);
            add.call(3, 4);
            add.submit(5, 6);
            mul.submit(7, 8);
        });

        FlowRun<Void> run = completed(flow.run());

        assertThat(runNames(run.taskRuns())).containsExactly("add-0", "mul-0", "add-1", "add-2", "mul-1");
    }

    @Test
    void taskRunCountersRestartForEachFlowRun() {
        Task0<String> hello = Task.named("hello").of(() -> "hi");
        Flow0<Void> flow = Flow.named("greet").procedure(() -> {
            hello.call();
            hello.call();
        });

        FlowRun<Void> first = completed(flow.run());
        FlowRun<Void> second = completed(flow.run());

        assertThat(runNames(first.taskRuns())).containsExactly("hello-0", "hello-1");
        assertThat(runNames(second.taskRuns())).containsExactly("hello-0", "hello-1");
    }

    @Test
    void taskRunNamesAreUniqueAcrossTasksOfTheSameName() {
        // two distinct task values with one name share the counter: run names stay unique in the flow run
        Task0<Integer> one = Task.named("step").of(() -> 1);
        Task0<Integer> two = Task.named("step").of(() -> 2);
        Flow0<Void> flow = Flow.named("steps").procedure(() -> {
            one.call();
            two.call();
        });

        assertThat(runNames(completed(flow.run()).taskRuns())).containsExactly("step-0", "step-1");
    }

    @Test
    void flowRunNamesAreAdjectiveAnimal() {
        Flow0<Void> flow = Flow.named("named").procedure(() -> {});

        for (int i = 0; i < 20; i++) {
            FlowRun<Void> run = flow.run();
            assertThat(run.name()).matches("[a-z]+-[a-z]+");
            assertThat(run.flowName()).isEqualTo("named");
        }
    }

    @Test
    void flowRunAndTaskRunIdsAreUniqueTimeOrderedUuids() {
        Task0<Integer> t = Task.named("t").of(() -> 1);
        Flow0<Void> flow = Flow.named("ids").procedure(() -> {
            t.call();
            t.call();
            t.call();
        });
        Set<UUID> ids = new HashSet<>();
        List<UUID> flowRunIds = new ArrayList<>();

        for (int i = 0; i < 50; i++) {
            FlowRun<Void> run = completed(flow.run());
            ids.add(run.id());
            flowRunIds.add(run.id());
            for (TaskRun tr : run.taskRuns()) ids.add(tr.id());
        }

        assertThat(ids).hasSize(50 * 4);
        assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
        assertThat(flowRunIds.getFirst().getMostSignificantBits() >>> 16)
                .isLessThanOrEqualTo(flowRunIds.getLast().getMostSignificantBits() >>> 16);
    }

    @Test
    void taskRunRecordsItsTaskTagsAndFlowRun() {
        Task0<Integer> t = Task.named("tagged").tags("io", "db").of(() -> 1);
        Flow0<Void> flow = Flow.named("f").procedure(t::call);

        FlowRun<Void> run = completed(flow.run());

        TaskRun tr = run.taskRuns().getFirst();
        assertThat(tr.name()).isEqualTo("tagged-0");
        assertThat(tr.taskName()).isEqualTo("tagged");
        assertThat(tr.tags()).containsExactlyInAnyOrder("io", "db");
        assertThat(tr.flowRunId()).isEqualTo(run.id());
        assertThat(tr.upstream()).isEmpty();
    }

    // ----- parameters and parents -----

    @Test
    void flowRunRecordsItsParametersInOrder() {
        Flow2<String, Integer, String> flow = Flow.named("params").of((s, n) -> s.repeat(n));

        FlowRun<String> run = completed(flow.run("ab", 2));

        assertThat(run.parameters()).containsExactly("ab", 2);
        assertThat(run.result()).isEqualTo("abab");
    }

    @Test
    void flowRunOfNoParametersHasEmptyParameters() {
        FlowRun<Void> run = Flow.named("none").procedure(() -> {}).run();

        assertThat(run.parameters()).isEmpty();
    }

    @Test
    void flowRunParametersMayBeNullAndAreReadOnly() {
        Flow3<String, String, String, String> flow = Flow.named("three").of((a, b, c) -> a + b + c);

        FlowRun<String> run = completed(flow.run("x", null, "z"));

        assertThat(run.parameters()).containsExactly("x", null, "z");
        assertThatThrownBy(() -> run.parameters().add("w")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void topLevelFlowRunHasNoParent() {
        FlowRun<Void> run = Flow.named("top").procedure(() -> {}).run();

        assertThat(run.parentFlowRunId()).isEmpty();
    }

    @Test
    void flowCalledInsideAFlowIsAChildRunWithItsOwnTaskRuns() {
        Task0<Integer> t = Task.named("t").of(() -> 1);
        Flow1<Integer, Integer> child = Flow.named("child").of(n -> {
            t.call();
            return n * 10;
        });
        AtomicReference<FlowRun<Integer>> childRun = new AtomicReference<>();
        Flow0<Integer> parent = Flow.named("parent").of(() -> {
            t.call();
            childRun.set(child.run(4));
            t.call();
            return childRun.get().result();
        });

        FlowRun<Integer> run = completed(parent.run());

        assertThat(run.result()).isEqualTo(40);
        assertThat(childRun.get().parentFlowRunId()).contains(run.id());
        assertThat(childRun.get().flowName()).isEqualTo("child");
        assertThat(childRun.get().parameters()).containsExactly(4);
        assertThat(childRun.get().id()).isNotEqualTo(run.id());
        // the parent has a task run standing for the child flow run, named after the child flow
        assertThat(runNames(run.taskRuns())).containsExactly("t-0", "child-0", "t-1");
        assertThat(run.taskRuns().get(1).id()).isEqualTo(childRun.get().parentTaskRunId().orElseThrow());
        assertThat(run.taskRuns().get(1).history()).extracting(State::name).containsExactly("Pending", "Running", "Completed");
        assertThat(runNames(childRun.get().taskRuns())).containsExactly("t-0");
        assertThat(childRun.get().taskRuns().getFirst().flowRunId()).isEqualTo(childRun.get().id());
    }

    @Test
    void flowCallInsideAFlowReturnsTheChildValue() {
        Flow1<Integer, Integer> child = Flow.named("child").of(n -> n + 1);
        Flow0<Integer> parent = Flow.named("parent").of(() -> child.call(1) + child.call(2));

        assertThat(parent.call()).isEqualTo(5);
    }
}
