package dev.baton.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The API key a server requires ({@code BATON_API_KEY}) as a bearer token. Tokens are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken reveals neither the
 * key's characters nor its length.
 */
final class ApiKey {
    private final byte[] digest;

    ApiKey(String key) {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("an API key must not be blank");
        this.digest = sha256(key);
    }

    /**
     * Checks an {@code Authorization} header value.
     *
     * @throws ApiError 401 saying what is missing or wrong
     */
    void check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiError(401, "This server requires an API key: send the header 'Authorization: Bearer <key>'"
                    + " (the client does so when BATON_API_KEY is set)");
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "The Authorization header must be 'Bearer <key>'");
        }
        if (!MessageDigest.isEqual(digest, sha256(a.substring(7).strip()))) {
            throw new ApiError(401, "The API key is wrong: check BATON_API_KEY on the client against the server's");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[***]";
    }
}
