package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.FlowRunFailedException;
import dev.baton.State;
import dev.baton.TaskRun;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * A flow run read back from the database: read-only, with its full state history. Its task runs
 * are read when first asked for (a flow run may have a million), from the store that made it.
 * The flow's return value is not in the database: {@link #result()} refuses, naming the run.
 */
final class StoredFlowRun implements FlowRun<Object> {
    private final UUID id;
    private final String name;
    private final String flowName;
    private final List<Object> parameters;
    private final UUID parentFlowRunId;
    private final UUID parentTaskRunId;
    private final Set<String> tags;
    private final List<State> history;
    private final Function<UUID, List<TaskRun>> taskRunLoader;
    private volatile List<TaskRun> taskRuns;

    StoredFlowRun(UUID id, String name, String flowName, List<Object> parameters, UUID parentFlowRunId,
                  UUID parentTaskRunId, Set<String> tags, List<State> history,
                  Function<UUID, List<TaskRun>> taskRunLoader) {
        this.id = id;
        this.name = name;
        this.flowName = flowName;
        this.parameters = parameters;
        this.parentFlowRunId = parentFlowRunId;
        this.parentTaskRunId = parentTaskRunId;
        this.tags = tags;
        this.history = history;
        this.taskRunLoader = taskRunLoader;
    }

    @Override public UUID id() { return id; }

    @Override public String name() { return name; }

    @Override public String flowName() { return flowName; }

    /** The arguments as recorded: JSON values (maps, lists, strings, numbers, booleans), not the original objects. */
    @Override public List<Object> parameters() { return parameters; }

    @Override public Optional<UUID> parentFlowRunId() { return Optional.ofNullable(parentFlowRunId); }

    @Override public Optional<UUID> parentTaskRunId() { return Optional.ofNullable(parentTaskRunId); }

    @Override public Set<String> tags() { return tags; }

    @Override public State state() { return history.isEmpty() ? null : history.get(history.size() - 1); }

    @Override public List<State> history() { return history; }

    @Override
    public List<TaskRun> taskRuns() {
        List<TaskRun> runs = taskRuns;
        if (runs == null) {
            runs = taskRunLoader.apply(id);
            taskRuns = runs;
        }
        return runs;
    }

    @Override
    public Object result() {
        State s = state();
        if (s == null || !s.isCompleted()) throw new FlowRunFailedException(this, null);
        throw new UnsupportedOperationException("Flow run '" + name + "' of flow '" + flowName + "' was read back"
                + " from the run store, which keeps states, not return values: take the result from the FlowRun"
                + " that run() returned, or persist it (persistResult) and read it from result storage");
    }

    @Override
    public String toString() {
        return "FlowRun[" + name + " of '" + flowName + "', " + state() + "]";
    }
}
