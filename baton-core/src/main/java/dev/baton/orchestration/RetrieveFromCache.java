package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.PersistedResult;
import dev.baton.State;
import dev.baton.StateType;

/**
 * A task run whose cache key has a valid entry does not run: a proposed RUNNING is rejected with
 * Cached (a COMPLETED state carrying the entry's result), unless the run refreshes the cache.
 * An entry that exists but cannot be read fails the run instead, with the cache's message (which
 * names the key and the file, and how to replace the entry): running the task again would hide
 * the problem on every later run.
 */
final class RetrieveFromCache implements OrchestrationRule {
    static final String CACHED = "Cached";

    private final Clock clock;
    private final CachedResults cache;

    RetrieveFromCache(Clock clock, CachedResults cache) {
        this.clock = clock;
        this.cache = cache;
    }

    @Override
    public Decision before(Transition t) {
        Transition.Caching caching = t.context().caching();
        if (!t.proposed().isRunning() || caching == null || caching.key() == null || caching.refresh()) {
            return t.accept();
        }
        long now = clock.epochNanos();
        PersistedResult hit;
        try {
            hit = cache.find(caching.key(), now).orElse(null);
        } catch (RuntimeException e) {
            return Decision.reject(State.of(StateType.FAILED, null, now, e.getMessage(), e),
                    "The cache entry for key '" + caching.key() + "' cannot be used");
        }
        if (hit == null) return t.accept();
        return Decision.reject(State.of(StateType.COMPLETED, CACHED, now, null, hit),
                "A valid cache entry exists for key '" + caching.key() + "'");
    }
}
