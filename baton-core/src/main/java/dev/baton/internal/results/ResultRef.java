package dev.baton.internal.results;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a stored result is: its key in a {@link ResultStore} (a file name in the store's
 * directory) and the name of the serializer that wrote it. Small and plain, so that states and
 * cache entries can carry it instead of the value.
 *
 * @param key the result's file name in its store, e.g. {@code 0193a1c2-...}
 * @param serializer the serializer's name, e.g. {@code json}
 */
public record ResultRef(String key, String serializer) {

    // A key is one plain file name: refs are read back from cache entry files, and a tampered or
    // corrupt one must not point outside the store's directory.
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Checks the parts. */
    public ResultRef {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(serializer, "serializer");
        if (!KEY.matcher(key).matches()) throw new IllegalArgumentException("Not a result key: '" + key + "'");
        if (!NAME.matcher(serializer).matches()) {
            throw new IllegalArgumentException("Not a result serializer name: '" + serializer + "'");
        }
    }

    /** Whether {@code name} may name a serializer: letters, digits, {@code . _ -}. */
    static boolean isValidSerializerName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** For logs: {@code result 0193a1c2-... (json)}. */
    @Override
    public String toString() {
        return "result " + key + " (" + serializer + ")";
    }
}
