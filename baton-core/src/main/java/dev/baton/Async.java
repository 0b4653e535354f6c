package dev.baton;

import dev.baton.internal.engine.ContextStage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for async flows and tasks: a non-blocking sleep and a gather. The stages they
 * return carry the current flow run along, so their continuations may call tasks.
 *
 * <pre>{@code
 * Flow.named("async_flow").async(() ->
 *     printValues.call(List.of(1, 2))
 *         .thenCompose(done -> Async.allOf(printValues.call(letters), printValues.call(digits))));
 * }</pre>
 */
public final class Async {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private Async() {}

    private static ScheduledThreadPoolExecutor timer() {
        // one thread: continuations of sleeps that end at the same time run in the order the sleeps began
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "baton-async-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /**
     * A stage that completes after {@code duration} without holding a thread: the async
     * counterpart of {@code Thread.sleep}. Continuations run on Baton's timer thread, so keep
     * them short or hand heavy work to a task.
     */
    public static CompletionStage<Void> sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        CompletableFuture<Void> done = new CompletableFuture<>();
        TIMER.schedule(() -> done.complete(null), Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS);
        return ContextStage.inCurrentScope(done);
    }

    /**
     * A stage that completes with every stage's value, in order, once all have completed; or
     * exceptionally with the first failure, once all have finished.
     */
    @SafeVarargs
    public static <T> CompletionStage<List<T>> allOf(CompletionStage<? extends T>... stages) {
        return allOf(Arrays.asList(stages));
    }

    /** As {@link #allOf(CompletionStage[])}, for a list of stages. */
    public static <T> CompletionStage<List<T>> allOf(List<? extends CompletionStage<? extends T>> stages) {
        List<CompletableFuture<? extends T>> futures = new ArrayList<>(stages.size());
        for (CompletionStage<? extends T> s : stages) futures.add(Objects.requireNonNull(s, "a null stage").toCompletableFuture());
        CompletableFuture<List<T>> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    List<T> values = new ArrayList<>(futures.size());
                    for (CompletableFuture<? extends T> f : futures) values.add(f.join());
                    return values;
                });
        return ContextStage.inCurrentScope(all);
    }
}
