package dev.baton.internal.engine;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.State;
import dev.baton.StateType;
import org.slf4j.event.Level;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Runs one flow run: calls the body in the flow run's scope, creates a task run for every
 * task call and hands the ready ones to the flow's executor, waits for all of them, then
 * decides the final state the Prefect 2 way. Every state is proposed to the flow run policy,
 * whose rules decide retries (AwaitingRetry, then Retrying once due) and keep a finished run
 * finished.
 *
 * <p>This class is the run from start to end, and the scope its body runs in; the rest is in its
 * parts: {@link FlowRunAttempts} (attempts and retries, the body's call), {@link FlowRunCalls}
 * (the task runs and subflow runs the body makes, and their reuse on a retry), {@link TaskRunTally}
 * (what those came to), {@link FlowCancellation} (a cancellation or a timeout stops the body and
 * the running task runs) and {@link FlowRunExecutor} (the executor's session).
 */
public final class FlowRunEngine extends RunScope {
    private static final VarHandle LAST_LOG_TIME;
    static {
        try {
            LAST_LOG_TIME = MethodHandles.lookup().findVarHandle(FlowRunEngine.class, "lastLogTime",
                    long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    @SuppressWarnings("unused") // through LAST_LOG_TIME
    private volatile long lastLogTime;
    private final FlowRunRecord<Object> record;
    private final EngineServices services;
    private final Clock clock;
    private final FlowRunEngine parent;
    private final TaskRunRecord standIn; // the parent's task run standing for this subflow run
    final TaskRunTally tally = new TaskRunTally();
    final FlowRunExecutor executor = new FlowRunExecutor(this);
    final FlowCancellation cancellation = new FlowCancellation(this);
    final FlowRunAttempts attempts;
    final FlowRunCalls calls;
    private final CompletableFuture<FlowRunRecord<Object>> finished = new CompletableFuture<>();
    /** Why the run cannot start (its parameters), or null. */
    private final RuntimeException unusable;

    /** @param position the call's position among the parent's calls of {@code flow}, if there is a parent */
    private FlowRunEngine(FlowDefinition flow, Object[] parameters, BatonRuntime runtime, FlowRunEngine parent,
                          int position) {
        this.parent = parent;
        this.unusable = null;
        // a child flow run records where its parent does, whichever thread it runs on
        this.services = parent != null ? parent.services
                : EngineAccess.services(runtime != null ? runtime : BatonRuntime.current());
        this.clock = services.clock();
        this.standIn = parent != null ? parent.calls.beginSubflow(flow, position) : null;
        this.record = new FlowRunRecord<>(flow, parameters, parent == null ? null : parent.record.id(),
                standIn == null ? null : standIn.id(), services.store(), State.of(StateType.PENDING, null, now(), null, null));
        // Pending from the moment the run can be seen (its handle, the store), before its thread starts
        services.store().flowRunStarted(record);
        record.announceFirst();
        this.attempts = new FlowRunAttempts(this, record, flow.options());
        this.calls = new FlowRunCalls(this, attempts.mayRetry());
        // every flow run can be cancelled (by its handle, or from outside its process: RunningFlowRuns), so
        // its child flow runs are tracked, to be stopped; its running task runs are found when that happens
        if (parent != null) parent.cancellation.adopt(this);
    }

    /**
     * The engine of flow run {@code id}, which the store holds already as {@code name} with the
     * states {@code earlier} (a scheduled run this process claimed, Pending last): it goes on from
     * there. If {@code unusable} is not null (its parameters could not be read), the run fails with
     * it at once, without running the body.
     */
    private FlowRunEngine(FlowDefinition flow, Object[] parameters, BatonRuntime runtime, UUID id, String name,
                          List<State> earlier, RuntimeException unusable) {
        this.parent = null;
        this.services = EngineAccess.services(runtime != null ? runtime : BatonRuntime.current());
        this.clock = services.clock();
        this.standIn = null;
        this.record = new FlowRunRecord<>(flow, parameters, services.store(), id, name, earlier);
        this.unusable = unusable;
        services.store().flowRunResumed(record);
        this.attempts = new FlowRunAttempts(this, record, flow.options());
        this.calls = new FlowRunCalls(this, attempts.mayRetry());
    }

    /**
     * Starts, on a new thread, flow run {@code id} that the store holds already (see the constructor),
     * and returns its engine.
     */
    static FlowRunEngine startRecorded(FlowDefinition flow, Object[] parameters, BatonRuntime runtime, UUID id,
                                       String name, List<State> earlier, RuntimeException unusable) {
        FlowRunEngine engine = new FlowRunEngine(flow, parameters, runtime, id, name, earlier, unusable);
        Thread.ofVirtual().name("baton-flow-" + name).start(engine::execute);
        return engine;
    }

    /** Runs {@code flow} with {@code parameters} on the calling thread and returns its finished record. */
    @SuppressWarnings("unchecked")
    static <R> FlowRunRecord<R> run(FlowDefinition flow, Object[] parameters, BatonRuntime runtime) {
        FlowRunEngine engine = newOrCompleted(flow, parameters, runtime);
        if (!engine.finished.isDone()) engine.execute();
        return (FlowRunRecord<R>) (FlowRunRecord<?>) engine.record;
    }

    /** Starts {@code flow} on a new thread and returns its engine, which the handle cancels and awaits. */
    static FlowRunEngine start(FlowDefinition flow, Object[] parameters, BatonRuntime runtime) {
        FlowRunEngine engine = newOrCompleted(flow, parameters, runtime);
        if (!engine.finished.isDone()) Thread.ofVirtual().name("baton-flow-" + engine.record.name()).start(engine::execute);
        return engine;
    }

    /**
     * The engine of a new run of {@code flow}, or, for a subflow call whose child flow run completed
     * in an earlier attempt of the parent, that finished run's engine: the call gets it back.
     */
    private static FlowRunEngine newOrCompleted(FlowDefinition flow, Object[] parameters, BatonRuntime runtime) {
        RunScope caller = RunScope.current();
        FlowRunEngine parent = caller == null ? null : caller.engine();
        if (parent == null) return new FlowRunEngine(flow, parameters, runtime, null, 0);
        int position = parent.calls.nextSubflowPosition(flow.name());
        FlowRunEngine earlier = parent.calls.completedSubflow(flow.name(), position);
        if (earlier != null) return earlier;
        return new FlowRunEngine(flow, parameters, null, parent, position);
    }

    private void execute() {
        RunningFlowRuns.started(this);
        try {
            runToTheEnd();
        } finally {
            RunningFlowRuns.finished(this);
            finished.complete(record);
        }
    }

    private void runToTheEnd() {
        FlowDefinition flow = record.flow();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            String created = "Created flow run '" + record.name() + "' for flow '" + flow.name() + "'";
            RunLog.FLOW_RUNS.atInfo().setMessage(created).addKeyValue("flow_run_id", record.id()).log();
            RunLog.toStore(this, Level.INFO, RunLog.FLOW_RUNS.getName(), created, null);
        }
        State fin;
        if (unusable != null) {
            fin = attempts.withoutAttempt(unusable);
        } else if (executor.open()) {
            fin = attempts.run();
            calls.attemptsEnded(); // no attempt follows: let the values go
            executor.close();
        } else {
            fin = attempts.withoutAttempt(executor.openFailure());
        }
        fin = attempts.end(fin);
        Hooks.forFlow(this, flow.options(), fin);
        // a cancellation was asked for: like a completion, it is no error (as Prefect logs it)
        boolean asked = fin.isCompleted() || fin.isCancelled();
        if (RunLog.FLOW_RUNS.isInfoEnabled() || !asked) {
            // the body's exception goes with the line, stack trace and all, as a task run's does
            RunLog.log(RunLog.FLOW_RUNS, asked ? Level.INFO : Level.ERROR, this, "Finished in state " + fin,
                    attempts.bodyFailure(fin));
        }
        if (standIn != null) parent.calls.endSubflow(this, fin);
        services.store().flowRunFinished(record);
    }

    /**
     * Cancels the run: it goes CANCELLING, running task runs are interrupted, pending ones
     * never start, and it ends CANCELLED. False if it had already finished or was cancelling.
     */
    boolean cancel() {
        return cancellation.cancel();
    }

    boolean isCancelling() {
        return cancellation.isCancelling();
    }

    CompletableFuture<FlowRunRecord<Object>> finished() {
        return finished;
    }

    /** The task run standing for this subflow run in its parent, or null. */
    TaskRunRecord standIn() {
        return standIn;
    }

    long now() {
        return clock.epochNanos();
    }

    /**
     * The time of a new log line of this flow run: now, or a nanosecond past the flow run's last
     * line when that is not earlier. Each line of a flow run has its own time, which the stores
     * use as its place in the log: a line sent twice (a batch resent to a restarted server) is
     * recognised and recorded once.
     */
    long nextLogTime() {
        while (true) {
            long last = (long) LAST_LOG_TIME.getVolatile(this);
            long t = Math.max(now(), last + 1);
            if (LAST_LOG_TIME.compareAndSet(this, last, t)) return t;
        }
    }

    EngineServices services() {
        return services;
    }

    Clock clock() {
        return clock;
    }

    FlowRunRecord<Object> record() {
        return record;
    }

    FlowDefinition flow() {
        return record.flow();
    }

    // ----- RunScope: the flow body's view -----

    @Override
    FlowRunEngine engine() {
        return this;
    }

    @Override
    TaskRunScope currentTaskRun() {
        return null;
    }

    @Override
    String taskRunName() {
        return null;
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
