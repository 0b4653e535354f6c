package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.State;

import java.time.Duration;

/**
 * A task run with a cache key that completes (not from the cache) becomes the key's entry, until
 * the cache expiration has passed (or for ever), replacing any earlier entry.
 */
final class InsertIntoCache implements OrchestrationRule {
    private final Clock clock;
    private final CachedResults cache;

    InsertIntoCache(Clock clock, CachedResults cache) {
        this.clock = clock;
        this.cache = cache;
    }

    @Override
    public Decision before(Transition t) {
        return t.accept();
    }

    @Override
    public void after(Transition t, State recorded) {
        Transition.Caching caching = t.context().caching();
        if (!recorded.isCompleted() || recorded.isCached() || caching == null || caching.key() == null) return;
        recorded.persistedResult().ifPresent(result -> {
            Duration ttl = caching.expiration();
            long expires = ttl == null ? CachedResults.NEVER : saturatedAdd(clock.epochNanos(), ttl);
            cache.insert(caching.key(), result, expires);
        });
    }

    private static long saturatedAdd(long nanos, Duration d) {
        try {
            return Math.addExact(nanos, d.toNanos());
        } catch (ArithmeticException e) {
            return CachedResults.NEVER;
        }
    }
}
