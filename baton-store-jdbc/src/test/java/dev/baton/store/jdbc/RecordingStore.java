package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.InMemoryRunStore;
import dev.baton.spi.RunEventKind;
import dev.baton.spi.RunEventQueue;
import dev.baton.spi.RunStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** An in-memory store that also keeps every call it got, in order, to replay them into another store. */
final class RecordingStore implements RunStore {
    record Call(byte kind, Object run, State state) {}

    private final InMemoryRunStore runs = InMemoryRunStore.unbounded();
    private final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized void flowRunStarted(FlowRun<?> run) {
        runs.flowRunStarted(run);
        calls.add(new Call(RunEventKind.FLOW_RUN_CREATED, run, null));
    }

    @Override
    public synchronized void taskRunCreated(TaskRun run) {
        calls.add(new Call(RunEventKind.TASK_RUN_CREATED, run, null));
    }

    @Override
    public synchronized void taskRunState(TaskRun run, State state) {
        calls.add(new Call(RunEventKind.TASK_RUN_STATE, run, state));
    }

    @Override
    public synchronized void flowRunState(FlowRun<?> run, State state) {
        calls.add(new Call(RunEventKind.FLOW_RUN_STATE, run, state));
    }

    @Override
    public void flowRunFinished(FlowRun<?> run) {}

    @Override
    public List<FlowRun<?>> flowRuns() {
        return runs.flowRuns();
    }

    @Override
    public Optional<FlowRun<?>> flowRun(UUID id) {
        return runs.flowRun(id);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Makes the same calls, in the same order, on {@code store} (without flowRunFinished). */
    void replayInto(RunStore store) {
        for (Call c : calls()) {
            switch (c.kind()) {
                case RunEventKind.FLOW_RUN_CREATED -> store.flowRunStarted((FlowRun<?>) c.run());
                case RunEventKind.TASK_RUN_CREATED -> store.taskRunCreated((TaskRun) c.run());
                case RunEventKind.TASK_RUN_STATE -> store.taskRunState((TaskRun) c.run(), c.state());
                case RunEventKind.FLOW_RUN_STATE -> store.flowRunState((FlowRun<?>) c.run(), c.state());
                default -> throw new IllegalStateException("kind " + c.kind());
            }
        }
    }

    /** Puts the same calls, in order, on {@code queue}. */
    void replayInto(RunEventQueue queue) {
        for (Call c : calls()) queue.putUninterruptibly(c.kind(), c.run(), c.state());
    }
}
