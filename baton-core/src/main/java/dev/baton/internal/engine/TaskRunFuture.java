package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.TaskFuture;
import dev.baton.TaskRunFailedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future a task call gives back: the run's state, its value once it has completed, and ways
 * to wait for it. Waiting costs nothing until someone waits: the first waiter makes the
 * {@link CompletableFuture} that the run's settling completes.
 *
 * <p>The outer part of the one object that stands for a task run in flight: {@link TaskRunInFlight}
 * drives the run, {@link TaskRunScope} is where its body runs.
 */
public final class TaskRunFuture<T> extends TaskRunInFlight implements TaskFuture<T> {
    private static final VarHandle COMPLETION;
    /** Where callers are woken when the executor reported the outcome on a thread of its own (see {@link #reportedByExecutor}). */
    private static final ThreadFactory CALLERS = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();

    static {
        try {
            COMPLETION = MethodHandles.lookup().findVarHandle(TaskRunFuture.class, "completion", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") private volatile CompletableFuture<Void> completion; // made by the first waiter

    TaskRunFuture(FlowRunEngine engine, TaskRunRecord record, Object[] args, List<TaskRunFuture<?>> upstream,
                  List<TaskRunFuture<?>> failureAllowed) {
        super(engine, record, args, upstream, failureAllowed);
    }

    @Override
    void wakeCallers() {
        CompletableFuture<Void> c = completion;
        if (c == null) return;
        if (reportedByExecutor) CALLERS.newThread(() -> c.complete(null)).start();
        else c.complete(null);
    }

    private CompletableFuture<Void> completion() {
        CompletableFuture<Void> c = completion;
        if (c == null) {
            c = new CompletableFuture<>();
            if (!COMPLETION.compareAndSet(this, null, c)) c = completion;
        }
        // settled() writes `settled` before reading `completion`; we wrote `completion` before reading `settled`
        if (settled != null) c.complete(null);
        return c;
    }

    /** The final state with its value, for runs that allow this upstream's failure. */
    State settledState() {
        return state();
    }

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
    @SuppressWarnings("unchecked")
    public CompletionStage<T> toCompletionStage() {
        CompletableFuture<T> values = completion().thenApply(ignored -> {
            State s = settled;
            if (s.isCompleted()) return (T) value;
            throw new CompletionException(new TaskRunFailedException(record, s, s.cause().orElse(null)));
        });
        return new ContextStage<>(values, engine);
    }

    @Override
    public String toString() {
        return "TaskFuture[" + record.name() + ", " + state() + "]";
    }
}
