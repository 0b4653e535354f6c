package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.TaskRun;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A task run read back from the database: read-only, with its full state history and upstream runs. */
final class StoredTaskRun implements TaskRun {
    private final UUID id;
    private final UUID flowRunId;
    private final String name;
    private final String taskName;
    private final String taskVersion;
    private final Set<String> tags;
    private final List<State> history;
    private final int callPosition;
    private List<TaskRun> upstream = List.of(); // set once by the reader, before anyone sees the run

    StoredTaskRun(UUID id, UUID flowRunId, String name, String taskName, String taskVersion, Set<String> tags,
                  List<State> history, int callPosition) {
        this.id = id;
        this.flowRunId = flowRunId;
        this.name = name;
        this.taskName = taskName;
        this.taskVersion = taskVersion;
        this.tags = tags;
        this.history = history;
        this.callPosition = callPosition;
    }

    void upstream(List<TaskRun> runs) {
        this.upstream = List.copyOf(runs);
    }

    @Override public UUID id() { return id; }

    @Override public String name() { return name; }

    @Override public String taskName() { return taskName; }

    @Override public int callPosition() { return callPosition; }

    @Override public Optional<String> taskVersion() { return Optional.ofNullable(taskVersion); }

    @Override public Set<String> tags() { return tags; }

    @Override public UUID flowRunId() { return flowRunId; }

    @Override public List<TaskRun> upstream() { return upstream; }

    @Override public State state() { return history.isEmpty() ? null : history.get(history.size() - 1); }

    @Override public List<State> history() { return history; }

    @Override
    public String toString() {
        return "TaskRun[" + name + ", " + state() + "]";
    }
}
