package dev.baton;

import dev.baton.internal.engine.RunScope;
import dev.baton.internal.logging.RunLogger;
import org.slf4j.Logger;

/**
 * The facade for code running inside flows and tasks.
 *
 * <pre>{@code
 * Task.named("load").of(path -> {
 *     Baton.logger().info("Loading {}", path);   // 12:00:01.234 | INFO | Task run 'load-0' - Loading data.csv
 *     ...
 * });
 * }</pre>
 */
public final class Baton {
    private Baton() {}

    /**
     * A logger for the current flow run or task run: its lines start with
     * {@code Flow run '<name>' - } or {@code Task run '<name>' - } and carry the runs' ids as
     * key-value pairs. A disabled level costs one check, as with any SLF4J logger.
     *
     * @throws IllegalStateException outside a flow run or task run
     */
    public static Logger logger() {
        RunScope scope = RunScope.current();
        if (scope == null) {
            throw new IllegalStateException("Baton.logger() was called outside a flow run or task run; use it in a flow"
                    + " or task body, or use an ordinary SLF4J logger (LoggerFactory.getLogger(...)) elsewhere.");
        }
        return RunLogger.of(scope);
    }
}
