package dev.baton.internal.results;

import dev.baton.CacheKeyFunction;
import dev.baton.TaskRun;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stock cache key, {@link CacheKeyFunction#inputs()}: the SHA-256 (64 hex digits) of the task's
 * name and of the canonical JSON of its arguments (see {@link CanonicalJson}), like Prefect's
 * {@code task_input_hash}. Equal arguments give equal keys, in any JVM and in any order of map
 * entries or set elements; the arguments' classes are not part of the key (a list and a set of
 * the same elements, or a record and a map with the same members, share it).
 *
 * <p>Arguments that JSON cannot represent (a thread, a lambda, an object with no properties) give
 * a null key, which means that run is not cached; a WARN on {@code dev.baton.cache} says why. Give
 * such a task a key function of its own.
 */
public final class InputHash implements CacheKeyFunction {

    /** The one instance; it holds no state. */
    public static final InputHash INSTANCE = new InputHash();

    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.cache");

    private InputHash() {}

    @Override
    public String key(TaskRun run, List<Object> arguments) {
        try {
            // the version joins the key only when there is one, so unversioned tasks keep their keys
            Object[] inputs = run.taskVersion().isPresent()
                    ? new Object[] {run.taskName(), run.taskVersion().get(), arguments}
                    : new Object[] {run.taskName(), arguments};
            return Sha256.hex(CanonicalJson.bytes(inputs));
        } catch (Exception | StackOverflowError e) { // a cycle in a collection recurses before any check
            LOG.warn("Not caching task run {}: its arguments have no JSON form to compute the input hash from ({})."
                    + " Give the task a cacheKey function of its own, or pass records, collections, strings or numbers.",
                    run.name(), e.getMessage());
            return null;
        }
    }

    @Override
    public String toString() {
        return "CacheKeyFunction.inputs()";
    }
}
