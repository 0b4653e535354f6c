package dev.baton.internal.engine;

import dev.baton.FlowRun;
import dev.baton.FlowRunFailedException;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.Ids;
import dev.baton.spi.RunStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The kept record of a flow run: its history, its task runs, and once finished its result. */
public final class FlowRunRecord<R> extends RunRecord implements FlowRun<R> {
    private final FlowDefinition flow;
    private final String name;
    private final List<Object> parameters;
    private final UUID parentFlowRunId;
    private final UUID parentTaskRunId;
    private final ArrayList<TaskRunRecord> taskRuns = new ArrayList<>();
    private final RunStore store;
    private volatile R result;
    private volatile Throwable failure;

    /** A record with no state yet, for tests that append every state themselves. */
    FlowRunRecord(FlowDefinition flow, Object[] parameters, UUID parentFlowRunId, UUID parentTaskRunId, RunStore store) {
        this(flow, parameters, parentFlowRunId, parentTaskRunId, store, null);
    }

    /** A flow run that is {@code pending} from the start (see {@link #announceFirst()}), unless that is null. */
    FlowRunRecord(FlowDefinition flow, Object[] parameters, UUID parentFlowRunId, UUID parentTaskRunId, RunStore store,
                  State pending) {
        super(Ids.msb(), Ids.lsb(), pending);
        this.flow = flow;
        this.name = RunNames.next();
        this.parameters = Collections.unmodifiableList(Arrays.asList(parameters.clone()));
        this.parentFlowRunId = parentFlowRunId;
        this.parentTaskRunId = parentTaskRunId;
        this.store = store;
    }

    /**
     * The record of flow run {@code id}, recorded before as {@code name} with the states
     * {@code earlier} (a scheduled run, claimed to run here).
     */
    FlowRunRecord(FlowDefinition flow, Object[] parameters, RunStore store, UUID id, String name, List<State> earlier) {
        super(id.getMostSignificantBits(), id.getLeastSignificantBits(), earlier);
        this.flow = flow;
        this.name = name;
        this.parameters = Collections.unmodifiableList(Arrays.asList(parameters.clone()));
        this.parentFlowRunId = null;
        this.parentTaskRunId = null;
        this.store = store;
    }

    RunStore store() {
        return store;
    }

    @Override
    void recorded(State state) {
        store.flowRunState(this, state);
    }

    FlowDefinition flow() {
        return flow;
    }

    void addTaskRun(TaskRunRecord run) {
        synchronized (taskRuns) {
            taskRuns.add(run);
        }
        store.taskRunCreated(run);
    }

    int taskRunCount() {
        synchronized (taskRuns) {
            return taskRuns.size();
        }
    }

    /**
     * Records the final state and what the body returned or threw, atomically, unless a final
     * state is recorded already, or the run is Cancelling and {@code finalState} is not Cancelled
     * (a {@link dev.baton.orchestration.StateRecorder}).
     *
     * @return null if recorded, else the state that stands
     */
    synchronized State finish(State finalState, R result, Throwable failure) {
        State current = state();
        if (refuses(current, finalState)) return current; // its result stays
        this.result = result;
        this.failure = failure;
        return append(finalState); // the same lock: nothing can come in between
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String flowName() {
        return flow.name();
    }

    @Override
    public Set<String> tags() {
        return flow.tags();
    }

    @Override
    public List<Object> parameters() {
        return parameters;
    }

    @Override
    public Optional<UUID> parentFlowRunId() {
        return Optional.ofNullable(parentFlowRunId);
    }

    @Override
    public Optional<UUID> parentTaskRunId() {
        return Optional.ofNullable(parentTaskRunId);
    }

    @Override
    public List<TaskRun> taskRuns() {
        synchronized (taskRuns) {
            return List.copyOf(taskRuns);
        }
    }

    @Override
    public R result() {
        State s = state();
        if (s == null || !s.isCompleted()) {
            Throwable cause = failure != null ? failure : s == null ? null : s.cause().orElse(null);
            throw new FlowRunFailedException(this, cause);
        }
        return result;
    }

    @Override
    public String toString() {
        return "FlowRun[" + name + " of '" + flow.name() + "', " + state() + "]";
    }
}
