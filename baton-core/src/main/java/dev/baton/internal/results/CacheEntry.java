package dev.baton.internal.results;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * What a cache entry file holds: the key itself (file names are hashes of keys, so this confirms
 * the match), where the value is stored, and until when it is valid. Stored as a small JSON object
 * such as {@code {"key":"...","result":{"key":"0193...","serializer":"json"},"expiresAtEpochNanos":...}}.
 *
 * @param key the cache key, as the user's key function gave it
 * @param result the stored value
 * @param expiresAtEpochNanos the first instant (nanoseconds since the epoch) at which the entry is no
 *     longer valid; {@link Long#MAX_VALUE} for never
 */
record CacheEntry(String key, ResultRef result, long expiresAtEpochNanos) {

    static final long NEVER = Long.MAX_VALUE;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .build();

    CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(result, "result");
    }

    /** Valid while now is before the expiry, like Prefect's {@code cache_expiration > now}. */
    boolean isValidAt(long nowEpochNanos) {
        return expiresAtEpochNanos == NEVER || nowEpochNanos < expiresAtEpochNanos;
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a cache entry is plain strings and numbers", e);
        }
    }

    /** @throws IOException or an unchecked exception if the bytes are not a whole, valid entry */
    static CacheEntry fromJson(byte[] bytes) throws IOException {
        return JSON.readValue(bytes, CacheEntry.class);
    }
}
