package dev.baton.internal.logging;

import dev.baton.internal.engine.RunScope;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Prefect's {@code log_prints}: what the code of a flow run with {@code logPrints(true)} prints to
 * {@code System.out} becomes INFO lines of its run logger. Installed once, the first time such a flow
 * run starts, as a {@code System.out} that decides per write: a thread inside such a run logs it, every
 * other thread prints as before. A {@code PrintStream} hands each {@code print}/{@code println} call to its
 * stream as one write, so each call is one log line, as each {@code print()} is in Prefect.
 */
public final class PrintsToLog {
    /** {@code true} or {@code false}: the default of {@code Flow.Builder.logPrints}. */
    public static final String ENVIRONMENT = "BATON_LOG_PRINTS";

    private static PrintStream installed;

    private PrintsToLog() {}

    /** The default of a flow's {@code logPrints}: {@value #ENVIRONMENT}, else false. */
    public static boolean byDefault() {
        String value = System.getenv(ENVIRONMENT);
        if (value == null || value.isBlank()) return false;
        if (value.strip().equalsIgnoreCase("true")) return true;
        if (value.strip().equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(ENVIRONMENT + " must be true or false; got '" + value + "'");
    }

    /** Routes {@code System.out} through the run loggers where a run asks for it; idempotent. */
    public static synchronized void install() {
        if (installed != null && System.out == installed) return;
        PrintStream original = System.out;
        installed = new PrintStream(new Router(original), true, original.charset());
        System.setOut(installed);
    }

    /** Sends each write of a thread in a {@code logPrints} run to its logger, and the rest to {@code original}. */
    private static final class Router extends OutputStream {
        /** Set while a captured line is being logged: an appender writing to System.out must not loop back here. */
        private static final ThreadLocal<Boolean> LOGGING = new ThreadLocal<>();
        private final PrintStream original;
        private final Charset charset;

        Router(PrintStream original) {
            this.original = original;
            this.charset = original.charset();
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            RunScope scope = LOGGING.get() == null ? RunScope.current() : null;
            if (scope == null || !scope.logsPrints()) {
                original.write(bytes, offset, length);
                return;
            }
            String text = new String(bytes, offset, length, charset).strip();
            if (text.isEmpty()) return;
            LOGGING.set(Boolean.TRUE);
            try {
                RunLogger.of(scope).info(text);
            } finally {
                LOGGING.remove();
            }
        }

        @Override
        public void flush() throws IOException {
            original.flush();
        }
    }
}
