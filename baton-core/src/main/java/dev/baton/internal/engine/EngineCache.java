package dev.baton.internal.engine;

import dev.baton.PersistedResult;
import dev.baton.internal.results.CacheHit;
import dev.baton.internal.results.ResultRef;
import dev.baton.orchestration.CachedResults;

import java.util.Optional;

/**
 * The task result cache under BATON_HOME, as the orchestration rules use it. A hit carries the
 * value it has just read ({@link Hit}), so the run that reuses it need not read it again; the
 * state recorded in its history keeps only the reference ({@link Hit#stored()}).
 */
final class EngineCache implements CachedResults {
    private final EngineServices services;

    EngineCache(EngineServices services) {
        this.services = services;
    }

    /** A cache hit: where the value is stored, and the value itself. */
    record Hit(StoredResult stored, Object value) implements PersistedResult {
        @Override
        public String location() {
            return stored.location();
        }

        @Override
        public String serializer() {
            return stored.serializer();
        }

        @Override
        public Object load() {
            return value;
        }
    }

    @Override
    public Optional<PersistedResult> find(String cacheKey, long nowEpochNanos) {
        Optional<CacheHit> hit = services.cache().find(cacheKey, nowEpochNanos);
        return hit.map(h -> new Hit(new StoredResult(services.results(), h.result()), h.value()));
    }

    @Override
    public void insert(String cacheKey, PersistedResult result, long expiresAtEpochNanos) {
        ResultRef ref = switch (result) {
            case StoredResult s -> s.ref();
            case Hit h -> h.stored().ref();
            default -> throw new IllegalArgumentException("Only results stored under " + services.home()
                    + " can be cached; got " + result);
        };
        services.cache().insert(cacheKey, ref, expiresAtEpochNanos);
    }

    @Override
    public String toString() {
        return "EngineCache[" + services.home() + "]";
    }
}
