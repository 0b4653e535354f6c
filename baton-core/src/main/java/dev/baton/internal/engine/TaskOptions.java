package dev.baton.internal.engine;

import dev.baton.CacheKeyFunction;
import dev.baton.ResultSerializer;
import dev.baton.RetryDelay;
import dev.baton.TaskHook;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A task's run options, immutable. {@link #PLAIN} is a task that uses none of them: the
 * engine checks {@link #plain()} once per run and skips every feature's code.
 *
 * @param retries         attempts after the first one
 * @param retryDelay      the wait before each retry
 * @param retryIf         which failures are retried
 * @param timeout         the longest an attempt may run, or null
 * @param cacheKey        the cache key function, or null
 * @param cacheExpiration how long a cache entry is valid, or null for ever
 * @param refreshCache    run even on a cache hit, and replace the entry
 * @param persistResult   write the result to result storage
 * @param serializer      how results are written
 * @param rerunOnWorkerLoss run again elsewhere if the worker running it is lost (distributed executors)
 */
public record TaskOptions(int retries, RetryDelay retryDelay, Predicate<? super Throwable> retryIf, Duration timeout,
                          CacheKeyFunction cacheKey, Duration cacheExpiration, boolean refreshCache,
                          boolean persistResult, ResultSerializer serializer,
                          List<TaskHook> onCompletion, List<TaskHook> onFailure, List<TaskHook> onCancellation,
                          boolean rerunOnWorkerLoss) {

    public static final TaskOptions PLAIN = new TaskOptions(0, RetryDelay.none(), t -> true, null, null, null, false,
            false, null, List.of(), List.of(), List.of(), true);

    public TaskOptions {
        onCompletion = List.copyOf(onCompletion);
        onFailure = List.copyOf(onFailure);
        onCancellation = List.copyOf(onCancellation);
    }

    /** True if no option the engine acts on is in use ({@code rerunOnWorkerLoss} is the executor's). */
    public boolean plain() {
        return retries == 0 && timeout == null && cacheKey == null && !persistResult
                && onCompletion.isEmpty() && onFailure.isEmpty() && onCancellation.isEmpty();
    }

    /** True if results are written to storage: asked for, or needed by the cache. */
    boolean writesResults() {
        return persistResult || cacheKey != null;
    }

    ResultSerializer serializerOrDefault() {
        return serializer != null ? serializer : ResultSerializer.json();
    }
}
