package dev.baton.orchestration;

import dev.baton.PersistedResult;

import java.util.Optional;

/**
 * The task result cache as the rules see it: entries by cache key, each pointing to a persisted
 * result, valid until it expires. The engine's implementation stores entries under BATON_HOME;
 * the server has none ({@link #NONE}): the client's engine decides caching.
 */
public interface CachedResults {

    /** No cache: nothing is ever found, nothing is kept. */
    CachedResults NONE = new CachedResults() {
        @Override
        public Optional<PersistedResult> find(String cacheKey, long nowEpochNanos) {
            return Optional.empty();
        }

        @Override
        public void insert(String cacheKey, PersistedResult result, long expiresAtEpochNanos) {}

        @Override
        public String toString() {
            return "CachedResults.NONE";
        }
    };

    /** The expiry of an entry that never expires. */
    long NEVER = Long.MAX_VALUE;

    /**
     * The result of the entry for {@code cacheKey}, if one is valid at {@code nowEpochNanos}.
     *
     * @throws RuntimeException if an entry exists but cannot be used (unreadable); the message
     *     says which and what to do, and becomes the task run's failure
     */
    Optional<PersistedResult> find(String cacheKey, long nowEpochNanos);

    /** Makes {@code result} the entry for {@code cacheKey} until {@code expiresAtEpochNanos}, replacing any earlier entry. */
    void insert(String cacheKey, PersistedResult result, long expiresAtEpochNanos);
}
