package dev.baton.internal.results;

import dev.baton.ResultSerializationException;
import java.nio.file.Path;

/**
 * A cache entry exists for a key but cannot be used: the entry file or the value it points to
 * cannot be read (corrupt, written by another serializer or version, or of a class that changed or
 * is gone). Not a miss: running the task again would hide the problem and repeat on every run.
 * The message names the key and the files, and says how to replace the entry.
 */
public final class UnreadableCacheEntryException extends ResultSerializationException {
    private static final long serialVersionUID = 1L;

    private final String cacheKey;
    private final Path entryFile;

    UnreadableCacheEntryException(String cacheKey, Path entryFile, String what, Throwable cause) {
        super("The cache entry for key '" + cacheKey + "' cannot be used: " + what + ". Run the task once with"
                + " refreshCache(true) to replace the entry, or delete " + entryFile, cause);
        this.cacheKey = cacheKey;
        this.entryFile = entryFile;
    }

    /** The key whose entry cannot be used. */
    public String cacheKey() {
        return cacheKey;
    }

    /** The entry's file (it names the stored value's file). */
    public Path entryFile() {
        return entryFile;
    }
}
