package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * Futures gathered into one future of their values' list ({@code Baton.all(...)}): passed to a
 * task, it is the list of its futures (the run waits for each and receives their values, or ends
 * NotReady if one did not complete), typed as the list of values the run receives.
 */
public final class AllOf<T> implements TaskFuture<List<T>> {
    private final List<TaskFuture<? extends T>> members;

    public AllOf(List<? extends TaskFuture<? extends T>> members) {
        List<TaskFuture<? extends T>> copy = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            TaskFuture<? extends T> f = members.get(i);
            if (f == null) {
                throw new NullPointerException("all(...) got a null future at index " + i + " of " + members.size()
                        + ": pass the futures that submit(...) returned");
            }
            copy.add(f);
        }
        this.members = Collections.unmodifiableList(copy);
    }

    /** The gathered futures, in order. */
    List<TaskFuture<? extends T>> members() {
        return members;
    }

    /** @throws UnsupportedOperationException always: each gathered future has its own task run */
    @Override
    public TaskRun taskRun() {
        throw new UnsupportedOperationException("all(...) gathers " + members.size() + " task runs, not one: ask its"
                + " futures for theirs");
    }

    /**
     * Completed with the list of values once every future has completed; the first one that did
     * not complete's final state once every future is done; Pending while one is still running.
     */
    @Override
    public State state() {
        List<T> values = new ArrayList<>(members.size());
        for (TaskFuture<? extends T> f : members) {
            State s = f.state();
            if (!f.isDone()) return State.of(StateType.PENDING, null, System.currentTimeMillis() * 1_000_000L,
                    "Waiting for " + members.size() + " task runs", null);
            if (!s.isCompleted()) return firstNotCompleted();
            values.add(f.result());
        }
        return State.of(StateType.COMPLETED, null, System.currentTimeMillis() * 1_000_000L, null,
                Collections.unmodifiableList(values));
    }

    private State firstNotCompleted() {
        for (TaskFuture<? extends T> f : members) {
            State s = f.state();
            if (!s.isCompleted()) return s;
        }
        throw new IllegalStateException("every gathered future completed");
    }

    @Override
    public boolean isDone() {
        for (TaskFuture<? extends T> f : members) if (!f.isDone()) return false;
        return true;
    }

    @Override
    public State await() {
        for (TaskFuture<? extends T> f : members) f.await();
        return state();
    }

    @Override
    public State await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TaskFuture<? extends T> f : members) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            f.await(Duration.ofNanos(left));
        }
        return state();
    }

    /** The values in order, once every run has completed. @throws dev.baton.TaskRunFailedException the first failure */
    @Override
    public List<T> result() {
        List<T> values = new ArrayList<>(members.size());
        for (TaskFuture<? extends T> f : members) values.add(f.result());
        return Collections.unmodifiableList(values);
    }

    @Override
    public List<T> result(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> values = new ArrayList<>(members.size());
        for (TaskFuture<? extends T> f : members) {
            values.add(f.result(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public CompletionStage<List<T>> toCompletionStage() {
        CompletableFuture<?>[] stages = new CompletableFuture<?>[members.size()];
        for (int i = 0; i < stages.length; i++) stages[i] = members.get(i).toCompletionStage().toCompletableFuture();
        return CompletableFuture.allOf(stages).thenApply(done -> {
            List<T> values = new ArrayList<>(stages.length);
            for (CompletableFuture<?> s : stages) {
                @SuppressWarnings("unchecked")
                T v = (T) s.join();
                values.add(v);
            }
            return Collections.unmodifiableList(values);
        });
    }

    @Override
    public String toString() {
        return "all(" + members.size() + " futures)";
    }
}
