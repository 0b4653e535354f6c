package dev.baton.internal.engine;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Executor;
import dev.baton.ResultSerializationException;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.internal.Durations;
import dev.baton.internal.ExceptionText;
import dev.baton.internal.results.ResultRef;
import dev.baton.orchestration.Decision;
import dev.baton.orchestration.RunKind;
import dev.baton.orchestration.StateRecorder;
import dev.baton.orchestration.Transition;
import org.slf4j.event.Level;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Runs one flow run: calls the body in the flow run's scope, creates a task run for every
 * task call and hands the ready ones to the flow's executor, waits for all of them, then
 * decides the final state the Prefect 2 way. Every state is proposed to the flow run policy,
 * whose rules decide retries (AwaitingRetry, then Retrying once due) and keep a finished run
 * finished. Retries re-run the body, where a call whose task run (or child flow run) completed
 * in an earlier attempt gets that run back instead of running again ({@link CompletedCalls}); a
 * timeout or a cancellation stops the body and the running task runs.
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
    private Executor.Session session;
    private boolean bodiesHere = true; // false for executors that ship task bodies to other processes
    /** Task runs not yet settled, plus one for the body while it runs. */
    private final AtomicLong outstanding = new AtomicLong();
    private volatile CompletableFuture<Void> drained;
    private final CallCounts calls = new CallCounts();
    /** What completed, for the next attempt to reuse; null if the run cannot retry, and once it has ended. */
    private volatile CompletedCalls completed;
    private final AtomicInteger failedRuns = new AtomicInteger(), cancelledRuns = new AtomicInteger(),
            notReadyRuns = new AtomicInteger();
    /** Calls of this attempt that got a completed run of an earlier attempt back. */
    private final AtomicInteger reusedRuns = new AtomicInteger();
    private int firstTaskRunOfAttempt;
    private final AtomicBoolean cancelling = new AtomicBoolean();
    private volatile boolean timedOut;
    private volatile Thread bodyThread;
    /** The thread waiting for the run's next attempt (a retry delay), which a cancellation wakes. */
    private volatile Thread attemptWaiter;
    private final CompletableFuture<FlowRunRecord<Object>> finished = new CompletableFuture<>();
    /** The flow's retry options as the policy asks them (guarded: a failing condition is logged), or null. */
    private final Transition.Retries retries;
    /** Attempts started so far. */
    private volatile int attempts;
    /** Child flow runs still running: a cancellation reaches them. */
    private final Set<FlowRunEngine> children;

    /** @param position the call's position among the parent's calls of {@code flow}, if there is a parent */
    private FlowRunEngine(FlowDefinition flow, Object[] parameters, BatonRuntime runtime, FlowRunEngine parent,
                          int position) {
        this.parent = parent;
        // a child flow run records where its parent does, whichever thread it runs on
        this.services = parent != null ? parent.services
                : EngineAccess.services(runtime != null ? runtime : BatonRuntime.current());
        this.clock = services.clock();
        this.standIn = parent != null ? parent.beginSubflow(flow, position) : null;
        this.record = new FlowRunRecord<>(flow, parameters, parent == null ? null : parent.record.id(),
                standIn == null ? null : standIn.id(), services.store(), State.of(StateType.PENDING, null, now(), null, null));
        // Pending from the moment the run can be seen (its handle, the store), before its thread starts
        services.store().flowRunStarted(record);
        record.announceFirst();
        FlowOptions options = flow.options();
        this.retries = options.retries() == 0 ? null
                : new Transition.Retries(options.retries(), this::retryDelay, this::retryIf);
        this.completed = retries == null ? null : new CompletedCalls();
        // every flow run can be cancelled (by its handle, or from outside its process: RunningFlowRuns), so
        // its child flow runs are tracked, to be stopped; its running task runs are found when that happens
        this.children = ConcurrentHashMap.newKeySet();
        if (parent != null) {
            parent.children.add(this);
            finished.whenComplete((r, t) -> parent.children.remove(this));
            if (parent.cancelling.get()) cancelling.set(true); // the parent was cancelled while this child was being made
        }
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
        int position = parent.calls.of(flow.name()).nextPosition(parent.attempts);
        CompletedCalls done = parent.completed;
        FlowRunEngine earlier = done == null ? null : done.subflow(flow.name(), position);
        if (earlier != null) {
            parent.reused("Subflow run '" + earlier.record.name() + "'");
            return earlier;
        }
        return new FlowRunEngine(flow, parameters, null, parent, position);
    }

    private void execute() {
        RunningFlowRuns.started(this);
        try {
            executeAttempts();
        } finally {
            RunningFlowRuns.finished(this);
            finished.complete(record);
        }
    }

    private void executeAttempts() {
        FlowDefinition flow = record.flow();
        FlowOptions options = flow.options();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            String created = "Created flow run '" + record.name() + "' for flow '" + flow.name() + "'";
            RunLog.FLOW_RUNS.atInfo().setMessage(created).addKeyValue("flow_run_id", record.id()).log();
            RunLog.toStore(this, Level.INFO, RunLog.FLOW_RUNS.getName(), created, null);
        }
        State fin;
        State ended = null; // the final state once recorded
        Object returned = null;
        Throwable thrown = null;
        try {
            session = flow.executor().open(record);
        } catch (RuntimeException e) {
            thrown = new IllegalStateException("Executor " + flow.executor() + " could not start: " + e.getMessage(), e);
        }
        if (session == null) {
            fin = finalState(null, thrown);
        } else {
            bodiesHere = session.runsBodiesHere();
            if (RunLog.FLOW_RUNS.isInfoEnabled()) {
                RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, "Using executor " + flow.executor(), null);
            }
            while (true) {
                State notStarted = enterRunning();
                if (notStarted != null) {
                    fin = notStarted;
                    if (notStarted.isFinal() && notStarted == record.state()) ended = notStarted;
                    break;
                }
                Attempt result = runAttempt(flow);
                returned = result.returned;
                thrown = result.thrown;
                fin = finalState(returned, thrown);
                if (!fin.isFailed() || retries == null || cancelling.get() && !timedOut) break;
                // the retry rule decides: AwaitingRetry (recorded) and another attempt, or the failure stands (recorded)
                Object r = returned;
                Throwable t = thrown;
                Decision d = propose(fin, true, s -> s.isFinal() ? record.finish(s, r, t) : record.append(s));
                if (d instanceof Decision.Reject reject && reject.state().isScheduled()) {
                    RunLog.log(RunLog.FLOW_RUNS, Level.WARN, this, "Attempt " + attempts + " failed: "
                            + reject.state().message().orElse(reject.state().toString()), bodyFailure(fin, thrown));
                    continue;
                }
                if (isCancelling(d.state())) {
                    fin = cancelled(); // cancelled as the attempt ended: no retry, only Cancelled may follow
                    break;
                }
                fin = ended = d.state() != null ? d.state() : record.state();
                break;
            }
            completed = null; // no attempt follows: let the values go
            try {
                session.close();
            } catch (RuntimeException e) {
                RunLog.log(RunLog.FLOW_RUNS, Level.WARN, this, "Executor " + flow.executor() + " failed to close: " + e, e);
            }
        }
        if (ended == null) {
            fin = persistResult(options, fin, returned);
            Object r = returned;
            Throwable t = thrown;
            Decision d = propose(fin, false, s -> record.finish(s, r, t));
            // cancelled as the run ended: only Cancelled may follow Cancelling
            if (isCancelling(d.state())) d = propose(cancelled(), false, s -> record.finish(s, r, t));
            if (d.state() != null) fin = d.state(); // a final state recorded first stands
        } else {
            fin = ended;
        }
        Hooks.forFlow(this, options, fin);
        // a cancellation was asked for: like a completion, it is no error (as Prefect logs it)
        boolean asked = fin.isCompleted() || fin.isCancelled();
        if (RunLog.FLOW_RUNS.isInfoEnabled() || !asked) {
            // the body's exception goes with the line, stack trace and all, as a task run's does
            RunLog.log(RunLog.FLOW_RUNS, asked ? Level.INFO : Level.ERROR, this, "Finished in state " + fin,
                    bodyFailure(fin, thrown));
        }
        if (standIn != null) parent.endSubflow(this, fin);
        services.store().flowRunFinished(record);
    }

    /**
     * What {@code fin} failed or crashed of when the body (or the executor) threw {@code thrown}:
     * the exception whose stack trace the log shows; null for an outcome the body returned.
     */
    private static Throwable bodyFailure(State fin, Throwable thrown) {
        if (thrown == null || fin.isCompleted() || fin.isCancelled()) return null;
        return fin.cause().orElse(null);
    }

    /**
     * Proposes RUNNING for the next attempt until the policy accepts it, sleeping through each
     * WAIT (a retry not yet due); null once running, else the state the run ends in instead. A
     * cancellation ends the wait at once: the run ends Cancelled and the body does not run again.
     */
    private State enterRunning() {
        while (true) {
            if (cancelling.get()) return cancelled();
            Decision d = propose(State.of(StateType.RUNNING, null, now(), null, null), false, record::append);
            switch (d) {
                case Decision.Accept a -> {
                    attempts++;
                    return null;
                }
                case Decision.Wait w -> {
                    attemptWaiter = Thread.currentThread(); // before reading the flag that cancel() sets before reading this
                    try {
                        if (!cancelling.get()) clock.sleep(w.delay());
                    } catch (InterruptedException e) {
                        if (!cancelling.get()) {
                            Thread.currentThread().interrupt();
                            return State.of(StateType.CRASHED, null, now(), "Flow run was interrupted while awaiting a retry", e);
                        }
                    } finally {
                        attemptWaiter = null;
                    }
                    if (cancelling.get()) {
                        Thread.interrupted(); // cancel()'s wake-up call, not meant for what follows
                        return cancelled();
                    }
                }
                case Decision.Reject r -> {
                    return isCancelling(r.state()) ? cancelled() : r.state();
                }
                case Decision.Abort x -> {
                    return State.of(StateType.CRASHED, null, now(), "Flow run could not start: " + x.reason(), null);
                }
            }
        }
    }

    /** Proposes {@code state} to the flow run policy, recorded through {@code recorder}. */
    private Decision propose(State state, boolean mayRetry, StateRecorder recorder) {
        Transition t = new Transition(RunKind.FLOW_RUN, record.id(), record.tags(), record.state(), state,
                new Transition.Context(attempts, mayRetry ? retries : null, null));
        return services.flowRunPolicy().apply(t, recorder);
    }

    private record Attempt(Object returned, Throwable thrown) {}

    /** One run of the body, then the wait for every task run it started. */
    private Attempt runAttempt(FlowDefinition flow) {
        outstanding.set(1);
        drained = new CompletableFuture<>();
        failedRuns.set(0);
        cancelledRuns.set(0);
        reusedRuns.set(0);
        notReadyRuns.set(0);
        firstTaskRunOfAttempt = record.taskRunCount();
        timedOut = false;
        Attempt result = flow.options().timeout() == null ? invokeBody(flow) : invokeBodyWithTimeout(flow);
        if (outstanding.decrementAndGet() == 0) drained.complete(null);
        Throwable thrown = awaitTaskRuns(result.thrown);
        if (timedOut) cancelling.set(false); // the next attempt, if any, starts afresh
        return new Attempt(result.returned, thrown);
    }

    private Attempt invokeBody(FlowDefinition flow) {
        RunScope previous = RunScope.enter(this);
        bodyThread = Thread.currentThread();
        try {
            Object returned = flow.body().invoke(record.parameters().toArray());
            if (flow.isAsync()) returned = awaitStage(flow, returned);
            return new Attempt(returned, null);
        } catch (Throwable t) {
            return new Attempt(null, t);
        } finally {
            bodyThread = null;
            RunScope.exit(previous);
        }
    }

    /** The body in a thread of its own, abandoned (interrupted, its task runs cancelled) when the time is up. */
    private Attempt invokeBodyWithTimeout(FlowDefinition flow) {
        Duration timeout = flow.options().timeout();
        CompletableFuture<Attempt> outcome = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean(); // the body's end or the timeout, whichever comes first
        Thread worker = Thread.ofVirtual().unstarted(() -> {
            Attempt a = invokeBody(flow);
            if (decided.compareAndSet(false, true)) outcome.complete(a);
        });
        TimeoutException limit = new TimeoutException("Flow run '" + record.name() + "' exceeded its timeout of "
                + Durations.format(timeout));
        Clock.Timer timer = clock.schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                timedOut = true; // before the outcome: the flow's thread reads it once the outcome is there
                stopRunningWork();
                worker.interrupt();
                outcome.complete(new Attempt(null, limit));
            }
        }, timeout);
        worker.start();
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return new Attempt(null, new CancellationException("Flow run '" + record.name() + "' was interrupted"));
        } catch (ExecutionException e) {
            return new Attempt(null, e.getCause());
        } finally {
            timer.cancel();
        }
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
            if (cancelling.get()) {
                // cancelled while waiting: the task runs are being stopped; wait for them to settle
                drained.join();
                return thrown;
            }
            return new CancellationException("Flow run '" + record.name() + "' was interrupted while "
                    + outstanding.get() + " task runs were still running");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** The retry condition, as the policy asks it; a condition that throws means no retry, and is logged. */
    private boolean retryIf(Throwable failure) {
        try {
            return record.flow().options().retryIf().test(failure);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return false;
        }
    }

    /** The retry delay, as the policy asks it; null (no retry) if it throws, which is logged. */
    private Duration retryDelay(int retry) {
        try {
            return record.flow().options().retryDelay().before(retry);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return null;
        }
    }

    private void retryOptionFailed(RuntimeException e) {
        RunLog.log(RunLog.FLOW_RUNS, Level.ERROR, this, "The retry condition or delay failed ("
                + ExceptionText.of(e) + "); not retrying", e);
    }

    private State persistResult(FlowOptions options, State fin, Object returned) {
        if (!options.persistResult() || !fin.isCompleted() || returned instanceof State || returned instanceof TaskFuture<?>) {
            return fin;
        }
        try {
            ResultRef ref = services.results().write(returned, options.serializerOrDefault());
            return State.of(fin.type(), fin.name(), fin.epochNanos(), fin.message().orElse(null),
                    new StoredResult(services.results(), ref));
        } catch (ResultSerializationException e) {
            return State.of(StateType.FAILED, null, now(), "Flow '" + record.flowName()
                    + "' returned a value that cannot be persisted: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            return State.of(StateType.FAILED, null, now(), "Flow '" + record.flowName()
                    + "' returned a value that could not be written to result storage: " + ExceptionText.of(e), e);
        }
    }

    // ----- cancellation -----

    /**
     * Cancels the run: it goes CANCELLING, running task runs are interrupted, pending ones
     * never start, and it ends CANCELLED. False if it had already finished or was cancelling.
     */
    boolean cancel() {
        if (finished.isDone() || record.state() != null && record.state().isFinal()) return false;
        if (!cancelling.compareAndSet(false, true)) return false;
        Decision d = propose(State.of(StateType.CANCELLING, null, now(), null, null), false, record::append);
        if (!(d instanceof Decision.Accept)) {
            // it finished meanwhile, or ended Cancelled at once from its retry wait, having seen the flag first
            return d.state() != null && d.state().isCancelled();
        }
        RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, "Cancelling: stopping running task runs", null);
        stopRunningWork();
        Thread body = bodyThread;
        if (body != null) body.interrupt();
        Thread waiter = attemptWaiter;
        if (waiter != null) waiter.interrupt(); // waiting for a retry: end the wait now
        return true;
    }

    private static boolean isCancelling(State s) {
        return s != null && s.type() == StateType.CANCELLING;
    }

    /** The state a cancelled run ends in. */
    private State cancelled() {
        return State.of(StateType.CANCELLED, null, now(), "Flow run was cancelled", null);
    }

    private void stopRunningWork() {
        cancelling.set(true);
        for (FlowRunEngine child : children) child.cancel();
        // a body that starts after this loop sees the flag in trackRunning and stops itself
        for (TaskRun t : record.taskRuns()) {
            TaskRunFuture<?> run = ((TaskRunRecord) t).future();
            if (run != null) run.interruptBody();
        }
    }

    boolean isCancelling() {
        return cancelling.get();
    }

    /**
     * Notes that {@code run}'s body runs in {@code what} (a thread or an async attempt), for a
     * cancellation to stop; the caller untracks it when the body ends.
     */
    void trackRunning(TaskRunFuture<?> run, Object what) {
        // a field, not a set: no cost per task run; a cancellation reads it from the flow run's task runs
        run.running = what;
        if (cancelling.get()) run.interruptBody(); // cancelled between the check and now
    }

    void untrackRunning(TaskRunFuture<?> run) {
        run.bodyEnded();
    }

    CompletableFuture<FlowRunRecord<Object>> finished() {
        return finished;
    }

    // ----- task runs -----

    /**
     * Creates a task run of {@code task} and starts it once its upstream futures have resolved;
     * on a retry, a call whose run completed in an earlier attempt gets that run back instead.
     */
    <T> TaskRunFuture<T> submit(TaskDefinition task, Object[] args, TaskFuture<?>[] waitFor) {
        CallCounts.Counter counter = calls.of(task.name());
        int position = counter.nextPosition(attempts);
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
        TaskRunFuture<T> future = new TaskRunFuture<>(this, run, args, upstream, found.failureAllowed());
        future.start();
        return future;
    }

    /** A call gets back a run that completed in an earlier attempt; {@code what} names it for the log. */
    private void reused(String what) {
        reusedRuns.incrementAndGet();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, what + " completed in an earlier attempt: reusing its result"
                    + " instead of running it again", null);
        }
    }

    private TaskRunRecord newTaskRun(TaskDefinition task, CallCounts.Counter counter, int position, TaskRunRecord[] upstream) {
        // joining and finishing race: the run is over once nothing is outstanding, and then stays over
        if (outstanding.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException("Task '" + task.name() + "' was called after flow run '" + record.name()
                    + "' had finished. Call tasks while the flow's body runs; in async flows, return the stage that"
                    + " calls them so the flow run waits for it.");
        }
        // Pending before it is listed anywhere; the store hears of the state once it knows the run
        TaskRunRecord run = new TaskRunRecord(task, record, counter.nextRunIndex(), position, upstream,
                State.of(StateType.PENDING, null, now(), null, null));
        record.addTaskRun(run);
        run.announceFirst();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, this, "Created task run '" + run.name() + "' for task '" + task.name() + "'", null);
        }
        return run;
    }

    /** The task run standing for a subflow run in this (the parent) flow run. */
    private TaskRunRecord beginSubflow(FlowDefinition child, int position) {
        TaskRunRecord run = newTaskRun(child.subflowTask(), calls.of(child.name()), position, null);
        run.append(State.of(StateType.RUNNING, null, now(), null, null));
        return run;
    }

    /** The subflow run {@code child} ended in {@code state}: its task run here ends alike, counting as a task run's outcome. */
    private void endSubflow(FlowRunEngine child, State state) {
        TaskRunRecord run = child.standIn;
        State mirrored = State.of(state.type(), state.name(), now(), state.message().orElse(null),
                state.isCompleted() ? null : state.cause().orElse(null));
        run.append(mirrored);
        countOutcome(mirrored);
        CompletedCalls done = completed;
        if (done != null && mirrored.isCompleted()) done.subflowCompleted(run, child);
        taskRunDone();
    }

    /**
     * Calls a task run's body: here, or through the executor when it runs bodies elsewhere (an
     * async body's stage then completes when the remote call does).
     */
    Object callBody(TaskRunFuture<?> run, Object[] args) throws Exception {
        if (bodiesHere) return run.record.task().body().invoke(args);
        RemoteTaskCall call;
        try {
            call = new RemoteTaskCall(run, args);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Task run '" + run.record.name() + "' cannot be sent to " + session
                    + ": its body (or what its lambda captures) is not serializable: " + ExceptionText.of(e), e);
        }
        CompletableFuture<Object> remote = session.call(call).toCompletableFuture();
        if (run.record.task().isAsync()) return remote;
        try {
            return remote.get();
        } catch (InterruptedException e) {
            remote.cancel(true); // a timeout or a cancellation: stop the remote call too
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new ExecutionException(e.getCause());
        }
    }

    /** Hands a ready task run to the executor. */
    void execute(TaskRunFuture<?> ready) {
        if (!Trampoline.defer(() -> session.submit(ready))) session.submit(ready);
    }

    void taskRunSettled(TaskRunFuture<?> run, State state) {
        boolean bad = countOutcome(state);
        CompletedCalls done = completed;
        if (done != null && state.isCompleted()) done.taskRunCompleted(run);
        if (bad ? RunLog.TASK_RUNS.isErrorEnabled() : RunLog.TASK_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.TASK_RUNS, bad ? Level.ERROR : Level.INFO, run, "Finished in state " + state,
                    state.cause().orElse(null));
        }
    }

    private boolean countOutcome(State state) {
        StateType type = state.type();
        boolean bad = type == StateType.FAILED || type == StateType.CRASHED;
        if (bad) failedRuns.incrementAndGet();
        else if (type == StateType.CANCELLED) cancelledRuns.incrementAndGet();
        else if (!state.isFinal()) notReadyRuns.incrementAndGet();
        return bad;
    }

    void taskRunDone() {
        if (outstanding.decrementAndGet() == 0) drained.complete(null);
    }

    // ----- the final state -----

    private State finalState(Object returned, Throwable thrown) {
        return FinalState.of(returned, thrown, timedOut, cancelling.get(), failedRuns.get(), cancelledRuns.get(),
                notReadyRuns.get(), record.taskRunCount() - firstTaskRunOfAttempt + reusedRuns.get(), now());
    }

    // ----- what task runs need -----

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

    // ----- RunScope: the flow body's view -----

    @Override
    FlowRunEngine engine() {
        return this;
    }

    @Override
    TaskRunFuture<?> currentTaskRun() {
        return null;
    }

    @Override
    String taskRunName() {
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
