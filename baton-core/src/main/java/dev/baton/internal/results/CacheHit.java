package dev.baton.internal.results;

/**
 * A valid cache entry and its value.
 *
 * @param key the cache key
 * @param value the cached value; may be null (a task that returned null)
 * @param result where the value is stored, for the state of the run that reuses it
 * @param expiresAtEpochNanos when the entry stops being valid; {@link Long#MAX_VALUE} for never
 */
public record CacheHit(String key, Object value, ResultRef result, long expiresAtEpochNanos) {}
