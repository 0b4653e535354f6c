package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import org.slf4j.event.Level;

import java.util.List;

/**
 * The calls a flow run's body makes: a task call becomes a task run, handed to the executor once
 * its upstream runs have settled; a subflow call, a child flow run with a task run standing for it
 * here. Calls are counted by task name and position ({@link CallCounts}), so that on a retry a
 * call whose run completed in an earlier attempt gets that run back instead of running again
 * ({@link CompletedCalls}).
 */
final class FlowRunCalls {
    private final FlowRunEngine engine;
    private final CallCounts counts = new CallCounts();
    /** What completed, for the next attempt to reuse; null if the run cannot retry, and once it has ended. */
    private volatile CompletedCalls completed;

    FlowRunCalls(FlowRunEngine engine, boolean mayRetry) {
        this.engine = engine;
        this.completed = mayRetry ? new CompletedCalls() : null;
    }

    /**
     * Creates a task run of {@code task} and starts it once its upstream futures have resolved;
     * on a retry, a call whose run completed in an earlier attempt gets that run back instead.
     */
    <T> TaskRunFuture<T> submit(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        CallCounts.Counter counter = counts.of(task.name());
        int position = counter.nextPosition(engine.attempts.started());
        CompletedCalls done = completed;
        if (done != null) {
            TaskRunFuture<T> earlier = done.taskRun(task.name(), position);
            if (earlier != null) {
                reused("Task run '" + earlier.record.name() + "'");
                return earlier;
            }
        }
        Arguments.Upstream found = Arguments.upstreamOf(args, waitFor);
        List<TaskRunFuture<?>> upstream = found.futures();
        if (upstream.isEmpty() && found.needsResolving()) args = Arguments.resolve(args);
        TaskRunRecord[] upstreamRecords = null;
        if (!upstream.isEmpty()) {
            upstreamRecords = new TaskRunRecord[upstream.size()];
            for (int i = 0; i < upstreamRecords.length; i++) upstreamRecords[i] = upstream.get(i).record();
        }
        TaskRunRecord run = newTaskRun(task, counter, position, upstreamRecords);
        TaskRunFuture<T> future = new TaskRunFuture<>(engine, run, args, upstream, found.failureAllowed());
        future.start();
        return future;
    }

    /** The position of the next call of the flow named {@code name} in this attempt. */
    int nextSubflowPosition(String name) {
        return counts.of(name).nextPosition(engine.attempts.started());
    }

    /**
     * The engine of the child flow run of the subflow call of {@code name} at {@code position}
     * that completed in an earlier attempt, which the call gets back; null if there is none.
     */
    FlowRunEngine completedSubflow(String name, int position) {
        CompletedCalls done = completed;
        FlowRunEngine earlier = done == null ? null : done.subflow(name, position);
        if (earlier != null) reused("Subflow run '" + earlier.record().name() + "'");
        return earlier;
    }

    /** A call gets back a run that completed in an earlier attempt; {@code what} names it for the log. */
    private void reused(String what) {
        engine.tally.reused();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, engine, what + " completed in an earlier attempt: reusing its result"
                    + " instead of running it again", null);
        }
    }

    private TaskRunRecord newTaskRun(TaskDefinition task, CallCounts.Counter counter, int position, TaskRunRecord[] upstream) {
        FlowRunRecord<Object> record = engine.record();
        if (!engine.tally.taskRunAdded()) {
            throw new IllegalStateException("Task '" + task.name() + "' was called after flow run '" + record.name()
                    + "' had finished. Call tasks while the flow's body runs; in async flows, return the stage that"
                    + " calls them so the flow run waits for it.");
        }
        // Pending before it is listed anywhere; the store hears of the state once it knows the run
        TaskRunRecord run = new TaskRunRecord(task, record, counter.nextRunIndex(), position, upstream,
                State.of(StateType.PENDING, null, engine.now(), null, null));
        record.addTaskRun(run);
        run.announceFirst();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, engine, "Created task run '" + run.name() + "' for task '"
                    + task.name() + "'", null);
        }
        return run;
    }

    /** The task run standing for a subflow run of {@code child} in this (the parent) flow run. */
    TaskRunRecord beginSubflow(FlowDefinition child, int position) {
        TaskRunRecord run = newTaskRun(child.subflowTask(), counts.of(child.name()), position, null);
        run.append(State.of(StateType.RUNNING, null, engine.now(), null, null));
        return run;
    }

    /** The subflow run {@code child} ended in {@code state}: its task run here ends alike, counting as a task run's outcome. */
    void endSubflow(FlowRunEngine child, State state) {
        TaskRunRecord run = child.standIn();
        State mirrored = State.of(state.type(), state.name(), engine.now(), state.message().orElse(null),
                state.isCompleted() ? null : state.cause().orElse(null));
        run.append(mirrored);
        engine.tally.count(mirrored);
        CompletedCalls done = completed;
        if (done != null && mirrored.isCompleted()) done.subflowCompleted(run, child);
        engine.tally.taskRunDone();
    }

    /** {@code run} has settled in {@code state}: counted for the final state, kept for a retry if it completed, logged. */
    void taskRunSettled(TaskRunInFlight run, State state) {
        boolean bad = engine.tally.count(state);
        CompletedCalls done = completed;
        if (done != null && state.isCompleted()) done.taskRunCompleted(run);
        if (bad ? RunLog.TASK_RUNS.isErrorEnabled() : RunLog.TASK_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.TASK_RUNS, bad ? Level.ERROR : Level.INFO, run, "Finished in state " + state,
                    state.cause().orElse(null));
        }
    }

    /** No attempt follows: the completed runs kept for one can go. */
    void attemptsEnded() {
        completed = null;
    }
}
