package dev.baton.internal.engine;

import dev.baton.Executor;
import dev.baton.internal.ExceptionText;
import org.slf4j.event.Level;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A flow run's use of its flow's {@link Executor}: the session opened for the run, which ready
 * task runs are handed to, and where task bodies run: here, or through the session when it runs
 * them in other processes.
 */
final class FlowRunExecutor {
    private final FlowRunEngine engine;
    private Executor.Session session;
    private boolean bodiesHere = true; // false for executors that ship task bodies to other processes
    private RuntimeException openFailure;

    FlowRunExecutor(FlowRunEngine engine) {
        this.engine = engine;
    }

    /** Opens the flow's executor for the run: false if it could not start ({@link #openFailure()}) or gave no session. */
    boolean open() {
        Executor executor = engine.flow().executor();
        try {
            session = executor.open(engine.record());
        } catch (RuntimeException e) {
            openFailure = new IllegalStateException("Executor " + executor + " could not start: " + e.getMessage(), e);
        }
        if (session == null) return false;
        bodiesHere = session.runsBodiesHere();
        if (RunLog.FLOW_RUNS.isInfoEnabled()) {
            RunLog.log(RunLog.FLOW_RUNS, Level.INFO, engine, "Using executor " + executor, null);
        }
        return true;
    }

    /** Why the executor could not start, or null if it started (or gave no session). */
    RuntimeException openFailure() {
        return openFailure;
    }

    /** Closes the session once every task run has settled; a failure to close is logged. */
    void close() {
        try {
            session.close();
        } catch (RuntimeException e) {
            RunLog.log(RunLog.FLOW_RUNS, Level.WARN, engine, "Executor " + engine.flow().executor() + " failed to close: " + e, e);
        }
    }

    /** Hands a ready task run to the executor. */
    void execute(TaskRunInFlight ready) {
        if (!Trampoline.defer(() -> session.submit(ready))) session.submit(ready);
    }

    /**
     * Calls a task run's body: here, or through the executor when it runs bodies elsewhere (an
     * async body's stage then completes when the remote call does).
     */
    Object callBody(TaskRunInFlight run, Object[] args) throws Exception {
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
}
