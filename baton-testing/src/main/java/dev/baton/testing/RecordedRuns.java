package dev.baton.testing;

import dev.baton.FlowRun;
import dev.baton.TaskRun;
import dev.baton.spi.InMemoryRunStore;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** The flow runs (and their task runs) that the current test recorded, oldest first. */
public final class RecordedRuns {
    private final InMemoryRunStore store;

    RecordedRuns(InMemoryRunStore store) {
        this.store = store;
    }

    /** Every flow run the test started (subflows included), oldest first. */
    public List<FlowRun<?>> flowRuns() {
        List<FlowRun<?>> runs = new ArrayList<>(store.flowRuns());
        java.util.Collections.reverse(runs);
        return runs;
    }

    /** The flow runs of the flow called {@code flowName}, oldest first. */
    public List<FlowRun<?>> flowRuns(String flowName) {
        return flowRuns().stream().filter(r -> r.flowName().equals(flowName)).toList();
    }

    /**
     * The most recent flow run.
     *
     * @throws NoSuchElementException if the test has not run a flow
     */
    public FlowRun<?> lastFlowRun() {
        List<FlowRun<?>> runs = store.flowRuns();
        if (runs.isEmpty()) throw new NoSuchElementException("This test has not run any flow yet");
        return runs.get(0);
    }

    /** Every task run of every recorded flow run, flow run by flow run, in creation order. */
    public List<TaskRun> taskRuns() {
        List<TaskRun> all = new ArrayList<>();
        for (FlowRun<?> r : flowRuns()) all.addAll(r.taskRuns());
        return all;
    }

    /** The task runs of the task called {@code taskName}. */
    public List<TaskRun> taskRuns(String taskName) {
        return taskRuns().stream().filter(t -> t.taskName().equals(taskName)).toList();
    }

    /** Forgets the runs recorded so far. */
    public void clear() {
        store.clear();
    }
}
