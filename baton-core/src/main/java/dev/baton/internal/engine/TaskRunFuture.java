package dev.baton.internal.engine;

import dev.baton.ReadyTaskRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.TaskRunFailedException;
import dev.baton.internal.Time;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One task run in flight: the future the user holds, the unit of work an executor runs,
 * and the scope its body runs in. It waits for its upstream futures, runs once they have
 * completed (or settles NotReady if one did not), and records every state on its
 * {@link TaskRunRecord}. Arguments are dropped once the body has them and nothing points
 * back here from the engine, so a future the user drops costs nothing after it settles.
 */
public final class TaskRunFuture<T> extends RunScope implements TaskFuture<T>, ReadyTaskRun {
    private static final VarHandle COMPLETION, WAITING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COMPLETION = l.findVarHandle(TaskRunFuture.class, "completion", CompletableFuture.class);
            WAITING = l.findVarHandle(TaskRunFuture.class, "waiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FlowRunEngine engine;
    private final TaskRunRecord record;
    private Object[] args;                    // until the body has them
    private List<TaskRunFuture<?>> upstream;  // until this run is ready
    @SuppressWarnings("unused") private int waiting; // upstream runs not yet settled, +1 while registering
    private Object value;                     // published by the volatile write of `settled`
    private volatile State settled;           // the final (or NotReady) state, once there is one
    @SuppressWarnings("unused") private volatile CompletableFuture<Void> completion; // made by the first waiter

    TaskRunFuture(FlowRunEngine engine, TaskRunRecord record, Object[] args, List<TaskRunFuture<?>> upstream) {
        this.engine = engine;
        this.record = record;
        this.args = args;
        this.upstream = upstream;
    }

    /** Hands the run to the executor now, or once its upstream runs have settled. */
    void start() {
        List<TaskRunFuture<?>> up = upstream;
        if (up.isEmpty()) {
            engine.execute(this);
            return;
        }
        WAITING.setVolatile(this, up.size() + 1);
        for (TaskRunFuture<?> u : up) u.whenSettled(this::upstreamSettled);
        upstreamSettled(); // drop the registration guard
    }

    private void upstreamSettled() {
        if ((int) WAITING.getAndAdd(this, -1) == 1) ready();
    }

    private void ready() {
        for (TaskRunFuture<?> u : upstream) {
            State s = u.settled;
            if (!s.isCompleted()) {
                settle(State.of(StateType.PENDING, "NotReady", Time.epochNanos(),
                        "Upstream task run '" + u.record.name() + "' did not reach a 'COMPLETED' state.", null));
                return;
            }
        }
        upstream = List.of();
        try {
            args = Arguments.resolve(args);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        engine.execute(this);
    }

    // ----- ReadyTaskRun: the executor's view -----

    @Override
    public TaskRun taskRun() {
        return record;
    }

    @Override
    public void run() {
        Object[] a = args;
        args = null;
        RunScope previous = RunScope.enter(this);
        try {
            record.append(State.of(StateType.RUNNING, null, Time.epochNanos(), null, null));
            Object out = record.task().body().invoke(a);
            if (record.task().isAsync()) {
                if (!(out instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("Async task '" + record.taskName() + "' returned " + out
                            + " instead of a CompletionStage");
                }
                stage.whenComplete(this::asyncOutcome);
            } else {
                complete(out);
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            RunScope.exit(previous);
        }
    }

    private void asyncOutcome(Object result, Throwable failure) {
        if (failure == null) complete(result);
        else fail(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
    }

    private void complete(Object result) {
        value = result;
        settle(State.of(StateType.COMPLETED, null, Time.epochNanos(), null, null));
    }

    private void fail(Throwable t) {
        StateType type = t instanceof VirtualMachineError ? StateType.CRASHED : StateType.FAILED;
        String what = type == StateType.CRASHED ? "Task run crashed: " : "Task run encountered an exception: ";
        settle(State.of(type, null, Time.epochNanos(), what + FlowRunEngine.describe(t), t));
    }

    private void settle(State state) {
        args = null;
        upstream = List.of();
        record.append(state);
        settled = state;
        engine.taskRunSettled(this, state);
        CompletableFuture<Void> c = completion;
        if (c != null) c.complete(null);
        engine.taskRunDone();
    }

    // ----- waiting -----

    /** Runs {@code action} once this run has settled: now, if it already has. */
    void whenSettled(Runnable action) {
        if (settled != null) action.run();
        else completion().thenRun(action);
    }

    private CompletableFuture<Void> completion() {
        CompletableFuture<Void> c = completion;
        if (c == null) {
            c = new CompletableFuture<>();
            if (!COMPLETION.compareAndSet(this, null, c)) c = completion;
        }
        // settle() writes `settled` before reading `completion`; we wrote `completion` before reading `settled`
        if (settled != null) c.complete(null);
        return c;
    }

    /** The value of a completed run, for downstream arguments. */
    Object resolvedValue() {
        return value;
    }

    TaskRunRecord record() {
        return record;
    }

    // ----- TaskFuture -----

    @Override
    public State state() {
        State s = settled;
        if (s == null) return record.state();
        return s.isCompleted() ? s.withResult(value) : s;
    }

    @Override
    public boolean isDone() {
        return settled != null;
    }

    @Override
    public State await() {
        if (settled == null) {
            try {
                completion().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while waiting for task run '" + record.name() + "'");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never completed exceptionally
            }
        }
        return state();
    }

    @Override
    public State await(Duration timeout) {
        if (settled == null) {
            try {
                completion().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while waiting for task run '" + record.name() + "'");
            } catch (TimeoutException | ExecutionException e) {
                // the state says it has not settled
            }
        }
        return state();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T result() {
        State s = settled;
        if (s == null) s = await();
        if (s.isCompleted()) return (T) value;
        throw new TaskRunFailedException(record, s, s.cause().orElse(null));
    }

    @Override
    @SuppressWarnings("unchecked")
    public T result(Duration timeout) throws TimeoutException {
        State s = await(timeout);
        if (!s.isSettled()) {
            throw new TimeoutException("Task run '" + record.name() + "' did not finish within " + timeout
                    + "; it is still " + s + " and goes on running");
        }
        if (s.isCompleted()) return (T) value;
        throw new TaskRunFailedException(record, s, s.cause().orElse(null));
    }

    @Override
    public CompletionStage<T> toCompletionStage() {
        CompletableFuture<T> values = completion().thenApply(ignored -> {
            State s = settled;
            if (s.isCompleted()) return (T) value;
            throw new CompletionException(new TaskRunFailedException(record, s, s.cause().orElse(null)));
        });
        return new ContextStage<>(values, engine);
    }

    // ----- RunScope: the task body's view -----

    @Override
    FlowRunEngine engine() {
        return engine;
    }

    @Override
    TaskRunFuture<?> currentTaskRun() {
        return this;
    }

    @Override
    public String logPrefix() {
        return "Task run '" + record.name() + "' - ";
    }

    @Override
    public void describeTo(BiConsumer<String, Object> keyValues) {
        engine.describeTo(keyValues);
        keyValues.accept("task_run_id", record.id());
        keyValues.accept("task_run_name", record.name());
    }

    @Override
    public String toString() {
        return "TaskFuture[" + record.name() + ", " + state() + "]";
    }
}
