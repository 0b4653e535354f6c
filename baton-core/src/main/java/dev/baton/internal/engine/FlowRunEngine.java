package dev.baton.internal.engine;

import dev.baton.Executor;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.internal.Time;
import dev.baton.internal.store.RunStore;
import dev.baton.internal.store.RunStores;
import org.slf4j.event.Level;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Runs one flow run: calls the body in the flow run's scope, creates a task run for every
 * task call and hands the ready ones to the flow's executor, waits for all of them, then
 * decides the final state the Prefect 2 way.
 */
public final class FlowRunEngine extends RunScope {
    private final FlowRunRecord<Object> record;
    private final RunStore store;
    private Executor.Session session;
    /** Task runs not yet settled, plus one for the body while it runs. */
    private final AtomicLong outstanding = new AtomicLong(1);
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final ConcurrentHashMap<String, AtomicInteger> runCounters = new ConcurrentHashMap<>();
    private final AtomicInteger failedRuns = new AtomicInteger(), cancelledRuns = new AtomicInteger();
    private volatile boolean finished;

    private FlowRunEngine(FlowDefinition flow, Object[] parameters, FlowRunEngine parent) {
        this.record = new FlowRunRecord<>(flow, parameters, parent == null ? null : parent.record.id());
        // a child flow run records where its parent does, whichever thread it runs on
        this.store = parent != null ? parent.store : RunStores.current();
    }

    /** Runs {@code flow} with {@code parameters} on the calling thread and returns its finished record. */
    @SuppressWarnings("unchecked")
    static <R> FlowRunRecord<R> run(FlowDefinition flow, Object[] parameters) {
        RunScope caller = RunScope.current();
        FlowRunEngine engine = new FlowRunEngine(flow, parameters, caller == null ? null : caller.engine());
        engine.execute();
        return (FlowRunRecord<R>) (FlowRunRecord<?>) engine.record;
    }

    private void execute() {
        FlowDefinition flow = record.flow();
        record.append(State.of(StateType.PENDING, null, Time.epochNanos(), null, null));
        store.flowRunStarted(record);
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.FLOW_RUNS.atInfo().setMessage("Created flow run '" + record.name() + "' for flow '" + flow.name() + "'")
                    .addKeyValue("flow_run_id", record.id()).log();
        }
        Object returned = null;
        Throwable thrown = null;
        try {
            session = flow.executor().open(record);
        } catch (RuntimeException e) {
            thrown = new IllegalStateException("Executor " + flow.executor() + " could not start: " + e.getMessage(), e);
        }
        if (session != null) {
            if (RunLog.FLOW_RUNS.isInfoEnabled()) {
                RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, "Using executor " + flow.executor(), null);
            }
            record.append(State.of(StateType.RUNNING, null, Time.epochNanos(), null, null));
            RunScope previous = RunScope.enter(this);
            try {
                returned = flow.body().invoke(record.parameters().toArray());
                if (flow.isAsync()) returned = awaitStage(flow, returned);
            } catch (Throwable t) {
                thrown = t;
            } finally {
                RunScope.exit(previous);
            }
            if (outstanding.decrementAndGet() == 0) drained.complete(null);
            thrown = awaitTaskRuns(thrown);
            try {
                session.close();
            } catch (RuntimeException e) {
                RunLog.log(RunLog.FLOW_RUNS, Level.WARN, this, "Executor " + flow.executor() + " failed to close: " + e, e);
            }
        }
        finished = true;
        State fin = finalState(returned, thrown);
        record.finish(fin, returned, thrown);
        if (RunLog.FLOW_RUNS.isInfoEnabled() || !fin.isCompleted()) {
            RunLog.log(RunLog.FLOW_RUNS, fin.isCompleted() ? Level.INFO : Level.ERROR, this,
                    "Finished in state " + fin, null);
        }
        store.flowRunFinished(record);
    }

    private static Object awaitStage(FlowDefinition flow, Object returned) throws Throwable {
        if (!(returned instanceof CompletionStage<?> stage)) {
            throw new IllegalStateException("Async flow '" + flow.name() + "' returned " + returned
                    + " instead of a CompletionStage");
        }
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Waits until every task run has settled; an interrupt ends the wait and the run crashes. */
    private Throwable awaitTaskRuns(Throwable thrown) {
        try {
            drained.get();
            return thrown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CancellationException("Flow run '" + record.name() + "' was interrupted while "
                    + outstanding.get() + " task runs were still running");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    // ----- task runs -----

    /** Creates a task run of {@code task} and starts it once its upstream futures have resolved. */
    <T> TaskRunFuture<T> submit(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        List<TaskRunFuture<?>> upstream = Arguments.upstreamOf(args, waitFor);
        TaskRunRecord[] upstreamRecords = null;
        if (!upstream.isEmpty()) {
            upstreamRecords = new TaskRunRecord[upstream.size()];
            for (int i = 0; i < upstreamRecords.length; i++) upstreamRecords[i] = upstream.get(i).record();
        }
        int index = runCounters.computeIfAbsent(task.name(), k -> new AtomicInteger()).getAndIncrement();
        TaskRunRecord run = new TaskRunRecord(task, record, index, upstreamRecords);
        run.append(State.of(StateType.PENDING, null, Time.epochNanos(), null, null));
        record.addTaskRun(run);
        outstanding.incrementAndGet();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, "Created task run '" + run.name() + "' for task '" + task.name() + "'", null);
        }
        TaskRunFuture<T> future = new TaskRunFuture<>(this, run, args, upstream);
        future.start();
        return future;
    }

    /** Hands a ready task run to the executor. */
    void execute(TaskRunFuture<?> ready) {
        session.submit(ready);
    }

    void taskRunSettled(TaskRunFuture<?> run, State state) {
        StateType type = state.type();
        if (type == StateType.FAILED || type == StateType.CRASHED) failedRuns.incrementAndGet();
        else if (type == StateType.CANCELLED) cancelledRuns.incrementAndGet();
        boolean bad = type == StateType.FAILED || type == StateType.CRASHED;
        if (bad ? RunLog.TASK_RUNS.isErrorEnabled() : RunLog.TASK_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.TASK_RUNS, bad ? Level.ERROR : Level.INFO, run, "Finished in state " + state,
                    state.cause().orElse(null));
        }
    }

    void taskRunDone() {
        if (outstanding.decrementAndGet() == 0) drained.complete(null);
    }

    // ----- the final state -----

    private State finalState(Object returned, Throwable thrown) {
        long now = Time.epochNanos();
        if (thrown != null) {
            if (thrown instanceof CompletionException && thrown.getCause() != null) thrown = thrown.getCause();
            if (thrown instanceof VirtualMachineError) {
                return State.of(StateType.CRASHED, null, now, "Flow run crashed: " + describe(thrown), thrown);
            }
            if (thrown instanceof CancellationException) {
                return State.of(StateType.CRASHED, null, now, thrown.getMessage(), thrown);
            }
            return State.of(StateType.FAILED, null, now, "Flow run encountered an exception: " + describe(thrown), thrown);
        }
        if (returned instanceof State s) {
            return State.of(s.type(), s.name(), now, s.message().orElse(null), s.isCompleted() ? null : s.cause().orElse(null));
        }
        if (returned instanceof TaskFuture<?> f) {
            return outcomeOf(f.await(), now);
        }
        if (returned instanceof Collection<?> c && containsStates(c)) {
            return aggregate(c, now);
        }
        if (returned == null) {
            return summarise(failedRuns.get(), cancelledRuns.get(), record.taskRunCount(), now);
        }
        return State.of(StateType.COMPLETED, null, now, null, null);
    }

    private static State outcomeOf(State s, long now) {
        return switch (s.type()) {
            case COMPLETED -> State.of(StateType.COMPLETED, null, now, null, null);
            case CANCELLED -> State.of(StateType.CANCELLED, null, now, s.message().orElse(null), null);
            default -> State.of(StateType.FAILED, null, now, s.message().orElse(s.toString()), s.cause().orElse(null));
        };
    }

    private static boolean containsStates(Collection<?> c) {
        for (Object o : c) if (o instanceof TaskFuture<?> || o instanceof State) return true;
        return false;
    }

    private static State aggregate(Collection<?> c, long now) {
        int failed = 0, cancelled = 0, total = 0;
        for (Object o : c) {
            State s = o instanceof TaskFuture<?> f ? f.await() : o instanceof State st ? st : null;
            if (s == null) continue;
            total++;
            if (s.isCancelled()) cancelled++;
            else if (!s.isCompleted()) failed++;
        }
        return summarise(failed, cancelled, total, now);
    }

    private static State summarise(int failed, int cancelled, int total, long now) {
        if (failed > 0) return State.of(StateType.FAILED, null, now, failed + "/" + total + " states failed.", null);
        if (cancelled > 0) return State.of(StateType.CANCELLED, null, now, cancelled + "/" + total + " states cancelled.", null);
        return State.of(StateType.COMPLETED, null, now, "All states completed.", null);
    }

    /** {@code IllegalArgumentException: bad input}, the way messages name an exception. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }

    /** True once the run and all its task runs are over: no task may join it any more. */
    boolean hasFinished() {
        return finished;
    }

    String flowRunName() {
        return record.name();
    }

    // ----- RunScope: the flow body's view -----

    @Override
    FlowRunEngine engine() {
        return this;
    }

    @Override
    TaskRunFuture<?> currentTaskRun() {
        return null;
    }

    FlowDefinition flow() {
        return record.flow();
    }

    @Override
    public String logPrefix() {
        return "Flow run '" + record.name() + "' - ";
    }

    @Override
    public void describeTo(BiConsumer<String, Object> keyValues) {
        keyValues.accept("flow_run_id", record.id());
        keyValues.accept("flow_run_name", record.name());
    }
}
