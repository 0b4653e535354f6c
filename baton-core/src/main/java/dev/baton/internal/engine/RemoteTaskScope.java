package dev.baton.internal.engine;

import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where a task body runs on a worker: it names the run in log lines and collects them for the
 * trip back to the flow run's process. Tasks cannot be called from here, as from any task body.
 */
public final class RemoteTaskScope extends RunScope {
    private final RemoteTaskCall call;
    private final List<RemoteTaskCall.LogLine> lines = new ArrayList<>();

    RemoteTaskScope(RemoteTaskCall call) {
        this.call = call;
    }

    /** Keeps a line the body logged, to write it to the run's log in the flow run's process. */
    public synchronized void collect(Level level, String message, Throwable failure) {
        String trace = null;
        if (failure != null) {
            java.io.StringWriter w = new java.io.StringWriter();
            failure.printStackTrace(new java.io.PrintWriter(w));
            trace = w.toString();
        }
        lines.add(new RemoteTaskCall.LogLine(level, message, trace));
    }

    synchronized List<RemoteTaskCall.LogLine> logLines() {
        return List.copyOf(lines);
    }

    @Override
    FlowRunEngine engine() {
        return null;
    }

    @Override
    TaskRunScope currentTaskRun() {
        return null;
    }

    @Override
    String taskRunName() {
        return call.taskRunNameForScope();
    }

    @Override
    public String logPrefix() {
        return "Task run '" + call.taskRunNameForScope() + "' - ";
    }

    @Override
    public void describeTo(BiConsumer<String, Object> keyValues) {
        keyValues.accept("flow_run_id", call.flowRunId());
        keyValues.accept("flow_run_name", call.flowRunName());
        keyValues.accept("task_run_id", call.taskRunId());
        keyValues.accept("task_run_name", call.taskRunNameForScope());
    }
}
