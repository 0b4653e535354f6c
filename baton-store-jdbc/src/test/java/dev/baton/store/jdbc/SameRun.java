package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that a flow run read back from a store is the flow run the engine recorded, exactly. */
final class SameRun {
    private SameRun() {}

    static void assertSameRun(FlowRun<?> live, FlowRun<?> stored) {
        String what = "flow run " + live.name();
        assertThat(stored.id()).as(what + " id").isEqualTo(live.id());
        assertThat(stored.name()).as(what + " name").isEqualTo(live.name());
        assertThat(stored.flowName()).as(what + " flow name").isEqualTo(live.flowName());
        assertThat(stored.parentFlowRunId()).as(what + " parent").isEqualTo(live.parentFlowRunId());
        assertThat(stored.parentTaskRunId()).as(what + " parent task run").isEqualTo(live.parentTaskRunId());
        assertThat(stored.tags()).as(what + " tags").isEqualTo(live.tags());
        assertSameHistory(what, live.history(), stored.history());
        List<TaskRun> liveTasks = live.taskRuns(), storedTasks = stored.taskRuns();
        assertThat(storedTasks).as(what + " task run names, in order")
                .extracting(TaskRun::name).containsExactlyElementsOf(liveTasks.stream().map(TaskRun::name).toList());
        for (int i = 0; i < liveTasks.size(); i++) assertSameTaskRun(liveTasks.get(i), storedTasks.get(i));
    }

    static void assertSameTaskRun(TaskRun live, TaskRun stored) {
        String what = "task run " + live.name();
        assertThat(stored.id()).as(what + " id").isEqualTo(live.id());
        assertThat(stored.name()).as(what + " name").isEqualTo(live.name());
        assertThat(stored.taskName()).as(what + " task name").isEqualTo(live.taskName());
        assertThat(stored.callPosition()).as(what + " call position").isEqualTo(live.callPosition());
        assertThat(stored.taskVersion()).as(what + " task version").isEqualTo(live.taskVersion());
        assertThat(stored.tags()).as(what + " tags").isEqualTo(live.tags());
        assertThat(stored.flowRunId()).as(what + " flow run id").isEqualTo(live.flowRunId());
        assertThat(stored.upstream()).as(what + " upstream ids, in order").extracting(TaskRun::id)
                .containsExactlyElementsOf(live.upstream().stream().map(TaskRun::id).toList());
        assertThat(stored.upstream()).as(what + " upstream names").extracting(TaskRun::name)
                .containsExactlyElementsOf(live.upstream().stream().map(TaskRun::name).toList());
        assertSameHistory(what, live.history(), stored.history());
    }

    static void assertSameHistory(String what, List<State> live, List<State> stored) {
        assertThat(stored).as(what + " history " + stored + " against " + live).hasSameSizeAs(live);
        for (int i = 0; i < live.size(); i++) {
            State l = live.get(i), s = stored.get(i);
            String at = what + " state " + i + " (" + l + ")";
            assertThat(s.type()).as(at + " type").isEqualTo(l.type());
            assertThat(s.name()).as(at + " name").isEqualTo(l.name());
            assertThat(s.epochNanos()).as(at + " timestamp").isEqualTo(l.epochNanos());
            assertThat(s.message()).as(at + " message").isEqualTo(l.message());
            assertThat(s.scheduledTime()).as(at + " scheduled time").isEqualTo(l.scheduledTime());
        }
    }
}
