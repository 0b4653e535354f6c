package dev.baton.internal.engine;

import dev.baton.spi.LogLine;
import dev.baton.spi.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.UUID;

/**
 * The engine's own log lines, Prefect style: {@code Task run 'add-0' - Finished in state
 * Completed()}, with the run's ids as key-value pairs for structured appenders. Callers check
 * the level first, so a disabled level costs one comparison.
 *
 * <p>Every line written during a run, the engine's and the user's ({@code Baton.logger()}), also
 * goes to the run store when the store keeps log lines ({@link #toStore}).
 */
public final class RunLog {
    static final Logger FLOW_RUNS = LoggerFactory.getLogger("dev.baton.flow_runs");
    static final Logger TASK_RUNS = LoggerFactory.getLogger("dev.baton.task_runs");

    private RunLog() {}

    static void log(Logger logger, Level level, RunScope scope, String message, Throwable cause) {
        LoggingEventBuilder event = logger.atLevel(level).setMessage(scope.logPrefix() + message);
        scope.describeTo(event::addKeyValue);
        if (cause != null) event.setCause(cause);
        event.log();
        toStore(scope, level, logger.getName(), message, cause);
    }

    /** Whether the store of {@code scope}'s flow run keeps log lines (false on a worker). */
    public static boolean storeKeepsLogs(RunScope scope) {
        FlowRunEngine engine = scope.engine();
        return engine != null && engine.services().store().recordsLogs();
    }

    /**
     * Hands a line written in {@code scope} to its flow run's store, if that store keeps log
     * lines: the message as formatted, without the run prefix (the line carries the run ids),
     * followed by the stack trace of {@code cause}, stamped by the engine's clock. Lines written
     * on a worker are not handed here: they travel back and are written in the flow run's process.
     */
    public static void toStore(RunScope scope, Level level, String logger, String message, Throwable cause) {
        FlowRunEngine engine = scope.engine();
        if (engine == null) return;
        RunStore store = engine.services().store();
        if (!store.recordsLogs()) return;
        TaskRunScope task = scope.currentTaskRun();
        UUID taskRunId = task == null ? null : task.record().id();
        String text = cause == null ? message : message + System.lineSeparator() + stackTrace(cause);
        store.log(new LogLine(engine.record().id(), taskRunId, Instant.ofEpochSecond(0, engine.nextLogTime()),
                level.name(), logger, text));
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }
}
