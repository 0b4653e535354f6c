package dev.baton.internal.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The engine's own log lines, Prefect style: {@code Task run 'add-0' - Finished in state
 * Completed()}, with the run's ids as key-value pairs for structured appenders. Callers check
 * the level first, so a disabled level costs one comparison.
 */
final class RunLog {
    static final Logger FLOW_RUNS = LoggerFactory.getLogger("dev.baton.flow_runs");
    static final Logger TASK_RUNS = LoggerFactory.getLogger("dev.baton.task_runs");

    private RunLog() {}

    static void log(Logger logger, Level level, RunScope scope, String message, Throwable cause) {
        LoggingEventBuilder event = logger.atLevel(level).setMessage(scope.logPrefix() + message);
        scope.describeTo(event::addKeyValue);
        if (cause != null) event.setCause(cause);
        event.log();
    }
}
