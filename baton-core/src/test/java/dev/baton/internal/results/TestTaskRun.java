package dev.baton.internal.results;

import dev.baton.State;
import dev.baton.TaskRun;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A task run with a name and nothing else, for key functions. */
record TestTaskRun(String taskName, int index) implements TaskRun {

    static TestTaskRun of(String taskName) {
        return new TestTaskRun(taskName, 0);
    }

    @Override public UUID id() { return new UUID(0, index); }
    @Override public String name() { return taskName + "-" + index; }
    @Override public Set<String> tags() { return Set.of(); }
    @Override public UUID flowRunId() { return new UUID(0, 0); }
    @Override public List<TaskRun> upstream() { return List.of(); }
    @Override public State state() { return null; }
    @Override public List<State> history() { return List.of(); }
}
