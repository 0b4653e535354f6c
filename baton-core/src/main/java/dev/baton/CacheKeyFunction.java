package dev.baton;

import java.util.List;

/**
 * Computes a task run's cache key from its run and its (resolved) arguments. Runs with the
 * same key share one cached result while it is valid: a run whose key has a valid entry does
 * not execute and ends {@code Cached} with the stored value. A null key means "do not cache
 * this run".
 *
 * <pre>{@code
 * Task.named("fetch").cacheKey(CacheKeyFunction.inputs()).cacheExpiration(Duration.ofHours(1)).of(...)
 * Task.named("daily").cacheKey((run, args) -> LocalDate.now().toString()).of(...)
 * }</pre>
 */
@FunctionalInterface
public interface CacheKeyFunction {

    /** The cache key for {@code run}, called with its resolved arguments; null to skip the cache. */
    String key(TaskRun run, List<Object> arguments);

    /**
     * The stock key: a hash of the task's name and version and of its arguments' values
     * (their JSON form), like Prefect's {@code task_input_hash}.
     */
    static CacheKeyFunction inputs() {
        return dev.baton.internal.results.InputHash.INSTANCE;
    }
}
