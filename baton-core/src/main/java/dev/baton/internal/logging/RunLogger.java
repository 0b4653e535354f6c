package dev.baton.internal.logging;

import dev.baton.internal.engine.RunScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The logger {@code Baton.logger()} returns: an SLF4J logger that prefixes every line with its
 * run ({@code Task run 'add-0' - }) and adds the run's ids as key-value pairs, delegating to
 * {@code dev.baton.flow_runs} or {@code dev.baton.task_runs}.
 */
public final class RunLogger extends AbstractLogger {
    private static final Logger FLOW_RUNS = LoggerFactory.getLogger("dev.baton.flow_runs");
    private static final Logger TASK_RUNS = LoggerFactory.getLogger("dev.baton.task_runs");

    private final transient RunScope scope;
    private final transient Logger delegate;

    private RunLogger(RunScope scope, Logger delegate) {
        this.scope = scope;
        this.delegate = delegate;
        this.name = delegate.getName();
    }

    /** The logger for {@code scope}. */
    public static RunLogger of(RunScope scope) {
        return new RunLogger(scope, scope.logPrefix().startsWith("Task") ? TASK_RUNS : FLOW_RUNS);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return RunLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable t) {
        // the prefix holds run names, which may contain "{}": escape it so it is not a placeholder
        LoggingEventBuilder event = delegate.atLevel(level).setMessage(scope.logPrefix().replace("{}", "\\{}") + pattern);
        if (marker != null) event.addMarker(marker);
        if (arguments != null) for (Object a : arguments) event.addArgument(a);
        scope.describeTo(event::addKeyValue);
        if (t != null) event.setCause(t);
        event.log();
    }

    @Override public boolean isTraceEnabled() { return delegate.isTraceEnabled(); }
    @Override public boolean isTraceEnabled(Marker marker) { return delegate.isTraceEnabled(marker); }
    @Override public boolean isDebugEnabled() { return delegate.isDebugEnabled(); }
    @Override public boolean isDebugEnabled(Marker marker) { return delegate.isDebugEnabled(marker); }
    @Override public boolean isInfoEnabled() { return delegate.isInfoEnabled(); }
    @Override public boolean isInfoEnabled(Marker marker) { return delegate.isInfoEnabled(marker); }
    @Override public boolean isWarnEnabled() { return delegate.isWarnEnabled(); }
    @Override public boolean isWarnEnabled(Marker marker) { return delegate.isWarnEnabled(marker); }
    @Override public boolean isErrorEnabled() { return delegate.isErrorEnabled(); }
    @Override public boolean isErrorEnabled(Marker marker) { return delegate.isErrorEnabled(marker); }
}
