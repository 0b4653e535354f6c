package dev.baton;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Concurrency limits by tag, within this JVM: at most N task runs carrying the tag run at
 * once, across all flow runs of the current {@link BatonRuntime} (each runtime has its own; a
 * runtime can be built with its limits, {@link BatonRuntime.Builder#concurrencyLimit}). A run over the limit waits (Pending) for a slot; a run with
 * several limited tags needs a slot of each.
 *
 * <p>Limits created with {@code ./baton concurrency-limit create TAG N} are kept by the run
 * store instead (the database, or the API server with {@code BATON_API_URL}) and hold across
 * every process using it; they apply as well, within about 2 s of being created or changed.
 * A run needs a slot of both kinds when its tag has both. This class sees only the limits of
 * this JVM.
 *
 * <pre>{@code
 * ConcurrencyLimits.set("database", 4);
 * Task.named("query").tags("database").of(...)
 * }</pre>
 */
public final class ConcurrencyLimits {
    private ConcurrencyLimits() {}

    /** Sets the limit of {@code tag}; 0 holds every run with the tag until the limit is raised or removed. */
    public static void set(String tag, int limit) {
        BatonRuntime.current().services.tagLimits().set(tag, limit);
    }

    /** Removes the limit of {@code tag}. */
    public static void remove(String tag) {
        BatonRuntime.current().services.tagLimits().remove(tag);
    }

    /** The limit of {@code tag}, if it has one. */
    public static OptionalInt get(String tag) {
        return BatonRuntime.current().services.tagLimits().limit(tag);
    }

    /** Every limit, by tag. */
    public static Map<String, Integer> all() {
        return BatonRuntime.current().services.tagLimits().all();
    }
}
