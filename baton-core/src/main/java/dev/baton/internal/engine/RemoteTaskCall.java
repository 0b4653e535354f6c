package dev.baton.internal.engine;

import dev.baton.TaskCall;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A task body call shipped to a worker: the body, its resolved arguments and the run's names.
 * On the worker it runs in a {@link RemoteTaskScope}, which collects the body's log lines; the
 * outcome travels back and is turned into the value (or failure) in the flow run's process,
 * where the log lines are written to the run's log.
 */
final class RemoteTaskCall implements TaskCall {
    @Serial private static final long serialVersionUID = 1L;

    final String taskName, taskRunName, flowRunName;
    final UUID taskRunId, flowRunId;
    private final boolean async, rerunOnWorkerLoss;
    private final Invocable body;
    private final Object[] args;
    private final transient TaskRunFuture<?> run; // only in the flow run's process

    RemoteTaskCall(TaskRunFuture<?> run, Object[] args) {
        TaskDefinition task = run.record.task();
        this.taskName = task.name();
        this.taskRunName = run.record.name();
        this.taskRunId = run.record.id();
        this.flowRunName = run.engine.record().name();
        this.flowRunId = run.engine.record().id();
        this.async = task.isAsync();
        this.rerunOnWorkerLoss = task.options().rerunOnWorkerLoss();
        this.body = task.body();
        this.args = args;
        this.run = run;
    }

    @Override
    public String taskRunName() {
        return taskRunName;
    }

    @Override
    public boolean isAsync() {
        return async;
    }

    @Override
    public boolean rerunOnWorkerLoss() {
        return rerunOnWorkerLoss;
    }

    /** What comes back from a worker: the value, or the failure, and the body's log lines. */
    record Outcome(boolean completed, Object value, Throwable failure, List<LogLine> logLines) implements Serializable {}

    /** A log line the body wrote on the worker. */
    record LogLine(Level level, String message, String failure) implements Serializable {}

    @Override
    public Object runOnWorker() {
        RemoteTaskScope scope = new RemoteTaskScope(this);
        RunScope previous = RunScope.enter(scope);
        try {
            Object out = body.invoke(args);
            if (async) {
                if (!(out instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("Async task '" + taskName + "' returned " + out + " instead of a CompletionStage");
                }
                try {
                    out = stage.toCompletableFuture().get();
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }
            return new Outcome(true, out, null, scope.logLines());
        } catch (Throwable t) {
            return new Outcome(false, null, portable(t), scope.logLines());
        } finally {
            RunScope.exit(previous);
        }
    }

    /** {@code t} if it can travel back, else a stand-in with its class, message and stack. */
    private static Throwable portable(Throwable t) {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(t);
            return t;
        } catch (IOException | RuntimeException e) {
            RemoteTaskException stand = new RemoteTaskException(t.getClass().getName() + ": " + t.getMessage());
            stand.setStackTrace(t.getStackTrace());
            return stand;
        }
    }

    @Override
    public Object result(Object outcome) throws Exception {
        if (!(outcome instanceof Outcome o)) {
            throw new IllegalStateException("Task run '" + taskRunName + "': a worker answered " + outcome + " instead of an outcome");
        }
        if (run != null && o.logLines() != null) {
            for (LogLine line : o.logLines()) {
                RunLog.log(RunLog.TASK_RUNS, line.level(), run, line.failure() == null ? line.message()
                        : line.message() + System.lineSeparator() + line.failure(), null);
            }
        }
        if (o.completed()) return o.value();
        if (o.failure() instanceof Exception e) throw e;
        if (o.failure() instanceof Error e) throw e;
        throw new RemoteTaskException(String.valueOf(o.failure()));
    }

    /** A failure on a worker whose own exception could not travel back. */
    static final class RemoteTaskException extends Exception {
        @Serial private static final long serialVersionUID = 1L;

        RemoteTaskException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "TaskCall[" + taskRunName + " of flow run " + flowRunName + "]";
    }
}
