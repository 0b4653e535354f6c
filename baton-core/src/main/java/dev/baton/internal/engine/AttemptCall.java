package dev.baton.internal.engine;

import dev.baton.BodyCall;
import dev.baton.TaskCall;
import dev.baton.TaskRun;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of a task run with options, as the executor sees it: the body call and where its
 * outcome goes ({@link #outcome}, which the attempts wait for, or a timeout completes first).
 * An attempt of its own, so that a late outcome of an attempt given up on (a timeout) never ends
 * the next one, and stopping an attempt stops its body only.
 */
final class AttemptCall implements BodyCall {
    private final TaskAttempts attempts;
    private final TaskRunInFlight run;
    /** The value or failure of the attempt; the first to complete it wins. */
    final CompletableFuture<Object> outcome = new CompletableFuture<>();
    /** What stops the body: its thread, its async stage, or the executor's stop; null once it has ended. */
    private volatile Object body;
    private final AtomicBoolean slotGivenBack = new AtomicBoolean();

    AttemptCall(TaskAttempts attempts) {
        this.attempts = attempts;
        this.run = attempts.run;
    }

    @Override
    public TaskRun taskRun() {
        return run.record;
    }

    @Override
    public void runHere() {
        if (run.engine.isCancelling()) outcome.completeExceptionally(new CancellationException("flow run cancelling"));
        if (outcome.isDone()) { // given up on before it started
            giveSlotBack();
            return;
        }
        RunScope previous = RunScope.enter(run);
        body = Thread.currentThread();
        if (outcome.isDone()) stop(); // given up on between the check and now
        try {
            Object out = run.record.task().body().invoke(attempts.args);
            if (run.record.task().isAsync()) {
                CompletableFuture<?> stage = TaskRunInFlight.asyncStage(run.record, out);
                body = stage;
                if (outcome.isDone()) stop();
                stage.whenComplete((v, t) -> {
                    body = null;
                    if (t == null) outcome.complete(v);
                    else outcome.completeExceptionally(t);
                });
            } else {
                body = null;
                outcome.complete(out);
            }
        } catch (Throwable t) {
            body = null;
            outcome.completeExceptionally(t);
        } finally {
            if (body instanceof Thread) body = null;
            RunScope.exit(previous);
            giveSlotBack();
        }
    }

    @Override
    public TaskCall toTaskCall() {
        return RemoteTaskCall.of(run, attempts.args);
    }

    @Override
    public void succeeded(Object value) {
        body = null;
        giveSlotBack();
        fromExecutor(() -> outcome.complete(value));
    }

    @Override
    public void failed(Throwable failure) {
        body = null;
        giveSlotBack();
        fromExecutor(() -> outcome.completeExceptionally(failure));
    }

    /**
     * Ends the attempt with an outcome the executor reported on a thread of its own: a sync run's
     * attempts wait for it on their thread; an async run's continue where the outcome completes,
     * with hooks and persisted results, so they go to a thread of their own rather than the executor's.
     */
    private void fromExecutor(Runnable end) {
        if (run.record.task().isAsync()) Thread.ofVirtual().start(end);
        else end.run();
    }

    @Override
    public void onStop(Runnable stop) {
        body = stop;
        if (outcome.isDone()) stop();
    }

    /**
     * The attempt's body has returned, or the attempt was given up on: the slot of the executor's
     * limit that the run held for it (if any) goes to the next run. Once per attempt, so that the
     * late return of a body given up on never gives back the slot of the next attempt.
     */
    void giveSlotBack() {
        if (slotGivenBack.compareAndSet(false, true)) attempts.releaseSlot();
    }

    /** Stops the body, wherever it runs: a timeout or a cancellation gave up on the attempt. */
    void stop() {
        Object b = body;
        if (b instanceof Thread t) t.interrupt();
        else if (b instanceof CompletableFuture<?> f) f.completeExceptionally(new CancellationException("attempt stopped"));
        else if (b instanceof Runnable r) r.run();
    }
}
