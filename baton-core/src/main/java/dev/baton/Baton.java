package dev.baton;

import dev.baton.internal.engine.FailureAllowed;
import dev.baton.internal.engine.Quoted;
import dev.baton.internal.engine.RunScope;
import dev.baton.internal.engine.Unmapped;
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

    /**
     * An argument of {@code map(...)} that every run receives whole instead of being iterated:
     * {@code add.map(List.of(1, 2, 3), unmapped(10))} runs add(1, 10), add(2, 10), add(3, 10).
     */
    public static <T> Iterable<T> unmapped(T value) {
        return new Unmapped<>(value);
    }

    /**
     * An upstream future that every run of a {@code map(...)} receives whole: each run depends on
     * it and gets its value ({@code add.map(List.of(1, 2), unmapped(ten))}), or, for
     * {@code unmapped(allowFailure(f))}, its final {@link State}, so the argument is typed by
     * what the runs receive.
     */
    @SuppressWarnings("unchecked")
    public static <T> Iterable<T> unmapped(TaskFuture<T> upstream) {
        return (Iterable<T>) (Iterable<?>) new Unmapped<>(upstream);
    }

    /**
     * Lets a downstream run start even if {@code upstream} fails: it waits for the upstream
     * run and receives its final {@link State} (its value, or the failure's cause) instead of
     * ending NotReady.
     *
     * <pre>{@code
     * Task1<State, Void> cleanup = Task.named("cleanup").procedure(s -> { if (s.isFailed()) ... });
     * cleanup.submit(allowFailure(load.submit(path)));
     * }</pre>
     */
    public static TaskFuture<State> allowFailure(TaskFuture<?> upstream) {
        return new FailureAllowed(upstream);
    }

    /**
     * Passes {@code value} through as it is: the engine does not look inside it for futures
     * (useful for large collections). It poses as a resolved future, so it fits any task
     * argument: {@code summarise.submit(quote(bigList))}.
     */
    public static <T> TaskFuture<T> quote(T value) {
        return new Quoted<>(value);
    }
}
