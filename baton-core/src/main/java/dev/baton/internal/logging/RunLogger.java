package dev.baton.internal.logging;

import dev.baton.internal.engine.RemoteTaskScope;
import dev.baton.internal.engine.RunLog;
import dev.baton.internal.engine.RunScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.CallerBoundaryAware;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The logger {@code Baton.logger()} returns: an SLF4J logger that prefixes every line with its
 * run ({@code Task run 'add-0' - }) and adds the run's ids as key-value pairs, delegating to
 * {@code dev.baton.flow_runs} or {@code dev.baton.task_runs}. The fluent API ({@code atInfo()})
 * keeps the caller's key-value pairs as pairs, and caller data points at the calling code.
 */
public final class RunLogger extends AbstractLogger {
    private static final Logger FLOW_RUNS = LoggerFactory.getLogger("dev.baton.flow_runs");
    private static final Logger TASK_RUNS = LoggerFactory.getLogger("dev.baton.task_runs");

    private final transient RunScope scope;
    private final transient Logger delegate;
    private final String prefix;

    private RunLogger(RunScope scope, Logger delegate) {
        this.scope = scope;
        this.delegate = delegate;
        this.name = delegate.getName();
        // run names may contain "{}": escape them so they are not placeholders
        this.prefix = scope.logPrefix().replace("{}", "\\{}");
    }

    /** The logger for {@code scope}. */
    public static RunLogger of(RunScope scope) {
        return new RunLogger(scope, scope.logPrefix().startsWith("Task") ? TASK_RUNS : FLOW_RUNS);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return AbstractLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable t) {
        if (scope instanceof RemoteTaskScope remote) {
            // on a worker: the line goes back to the flow run's log with the outcome
            remote.collect(level, MessageFormatter.basicArrayFormat(pattern, arguments), t);
        }
        LoggingEventBuilder event = delegate.atLevel(level).setMessage(prefix + pattern);
        if (marker != null) event.addMarker(marker);
        if (arguments != null) for (Object a : arguments) event.addArgument(a);
        scope.describeTo(event::addKeyValue);
        if (t != null) event.setCause(t);
        // caller data: the first frame after AbstractLogger's is the code that called info(...)
        if (event instanceof CallerBoundaryAware b) b.setCallerBoundary(AbstractLogger.class.getName());
        event.log();
        if (RunLog.storeKeepsLogs(scope)) {
            RunLog.toStore(scope, level, name, arguments == null ? pattern
                    : MessageFormatter.basicArrayFormat(pattern, arguments), t);
        }
    }

    /** The fluent API: events go straight to the delegate, prefixed, with their own key-value pairs intact. */
    @Override
    public LoggingEventBuilder makeLoggingEventBuilder(Level level) {
        return new RunEventBuilder(level, delegate.makeLoggingEventBuilder(level));
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

    /**
     * A delegate's event builder that prefixes the message and adds the run's key-value pairs when
     * logged. It keeps the message, arguments and cause too, to hand the line to the run store.
     */
    private final class RunEventBuilder implements LoggingEventBuilder {
        private final Level level;
        private final LoggingEventBuilder event;
        private String message;
        private Supplier<String> messageSupplier;
        private List<Object> arguments;
        private Throwable cause;

        RunEventBuilder(Level level, LoggingEventBuilder event) {
            this.level = level;
            this.event = event;
        }

        @Override public LoggingEventBuilder setCause(Throwable cause) { this.cause = cause; event.setCause(cause); return this; }
        @Override public LoggingEventBuilder addMarker(Marker marker) { event.addMarker(marker); return this; }
        @Override public LoggingEventBuilder addArgument(Object p) { argument(p); event.addArgument(p); return this; }
        @Override public LoggingEventBuilder addArgument(Supplier<?> p) { argument(p); event.addArgument(p); return this; }
        @Override public LoggingEventBuilder addKeyValue(String key, Object value) { event.addKeyValue(key, value); return this; }
        @Override public LoggingEventBuilder addKeyValue(String key, Supplier<Object> value) { event.addKeyValue(key, value); return this; }

        @Override
        public LoggingEventBuilder setMessage(String message) {
            this.message = message;
            this.messageSupplier = null;
            event.setMessage(prefix + message);
            return this;
        }

        @Override
        public LoggingEventBuilder setMessage(Supplier<String> message) {
            this.messageSupplier = message;
            this.message = null;
            event.setMessage(() -> prefix + message.get());
            return this;
        }

        private void argument(Object p) {
            if (arguments == null) arguments = new ArrayList<>(4);
            arguments.add(p);
        }

        @Override
        public void log() {
            scope.describeTo(event::addKeyValue);
            if (event instanceof CallerBoundaryAware b) b.setCallerBoundary(RunEventBuilder.class.getName());
            event.log();
            if (RunLog.storeKeepsLogs(scope)) RunLog.toStore(scope, level, name, formatted(), cause);
        }

        /** The message as SLF4J formats it, suppliers asked (as the delegate did, when it wrote the line). */
        private String formatted() {
            String pattern = messageSupplier != null ? messageSupplier.get() : message;
            if (arguments == null) return String.valueOf(pattern);
            Object[] values = new Object[arguments.size()];
            for (int i = 0; i < values.length; i++) {
                Object a = arguments.get(i);
                values[i] = a instanceof Supplier<?> s ? s.get() : a;
            }
            return MessageFormatter.basicArrayFormat(pattern, values);
        }

        @Override public void log(String message) { setMessage(message); log(); }
        @Override public void log(String message, Object arg) { setMessage(message); addArgument(arg); log(); }
        @Override public void log(String message, Object arg0, Object arg1) { setMessage(message); addArgument(arg0); addArgument(arg1); log(); }
        @Override public void log(String message, Object... args) { setMessage(message); for (Object a : args) addArgument(a); log(); }
        @Override public void log(Supplier<String> message) { setMessage(message); log(); }
    }
}
