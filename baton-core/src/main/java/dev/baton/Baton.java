package dev.baton;

import dev.baton.internal.engine.AllOf;
import dev.baton.internal.engine.FailureAllowed;
import dev.baton.internal.engine.Quoted;
import dev.baton.internal.engine.RunScope;
import dev.baton.internal.engine.Unmapped;
import dev.baton.internal.logging.RunLogger;
import org.slf4j.Logger;

import java.util.List;

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
     * The futures of {@code futures} as one future of the list of their values, for a task that
     * takes the list: the run waits for every one of them and receives their values in order (or
     * ends NotReady if one did not complete), as for a list of futures, but typed.
     *
     * <pre>{@code
     * List<TaskFuture<Integer>> squares = square.map(List.of(1, 2, 3));
     * TaskFuture<Integer> total = sum.submit(all(squares));   // sum is a Task1<List<Integer>, Integer>
     * }</pre>
     *
     * Its own {@code result()} waits for every run and returns their values (or throws the first
     * failure); it has no task run of its own. In async flows, gather stages with {@link Async#allOf}.
     */
    public static <T> TaskFuture<List<T>> all(List<? extends TaskFuture<? extends T>> futures) {
        java.util.Objects.requireNonNull(futures, "all(...) got null instead of a list of futures");
        return new AllOf<>(futures);
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
