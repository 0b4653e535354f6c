package dev.baton.client;

import dev.baton.spi.ConfiguredDuration;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where the Baton API server is and the key it wants: {@code BATON_API_URL} and
 * {@code BATON_API_KEY} (or the system properties {@code baton.api.url}, {@code baton.api.key},
 * which win, for tests and embedding).
 *
 * @param url    the API's base URL, ending in {@code /api}, without a trailing slash
 * @param apiKey the bearer token to send, or null
 */
public record ApiSettings(URI url, String apiKey) {
    public static final String URL_ENVIRONMENT = "BATON_API_URL";
    public static final String KEY_ENVIRONMENT = "BATON_API_KEY";
    public static final String URL_PROPERTY = "baton.api.url";
    public static final String KEY_PROPERTY = "baton.api.key";
    /** How often a process in client mode tells the server its running flow runs are alive (as for the database store). */
    public static final String HEARTBEAT_INTERVAL_ENVIRONMENT = "BATON_HEARTBEAT_INTERVAL";
    /**
     * How long a process in client mode gives the server to take its run events when it exits
     * (and a finished flow run, while the server answers) before what is left goes to the spool.
     */
    public static final String DELIVERY_TIMEOUT_ENVIRONMENT = "BATON_DELIVERY_TIMEOUT";
    /** The system property for {@value #DELIVERY_TIMEOUT_ENVIRONMENT}, which wins. */
    public static final String DELIVERY_TIMEOUT_PROPERTY = "baton.delivery.timeout";


    public ApiSettings {
        if (url == null) throw new IllegalArgumentException("the Baton API URL is missing");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("the Baton API URL must look like http://127.0.0.1:4200/api, not '" + url
                    + "'");
        }
        String s = url.toString();
        if (s.endsWith("/")) url = URI.create(s.substring(0, s.length() - 1));
        if (apiKey != null && apiKey.isBlank()) apiKey = null;
    }

    /** Parses {@code url} (as users write it in BATON_API_URL), with an optional key. */
    public static ApiSettings of(String url, String apiKey) {
        try {
            return new ApiSettings(URI.create(url.strip()), apiKey);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("the Baton API URL")) throw e;
            throw new IllegalArgumentException("the Baton API URL must look like http://127.0.0.1:4200/api, not '"
                    + url + "'", e);
        }
    }

    /** The settings from the system properties or the environment, or null when no URL is set. */
    public static ApiSettings fromEnvironment() {
        String url = setting(URL_PROPERTY, URL_ENVIRONMENT);
        return url == null ? null : of(url, setting(KEY_PROPERTY, KEY_ENVIRONMENT));
    }

    /**
     * The heartbeat interval from {@value #HEARTBEAT_INTERVAL_ENVIRONMENT}, else {@code fallback}.
     *
     * @throws IllegalArgumentException if it is set to something that is not a positive duration, saying which forms work
     */
    static Duration heartbeatInterval(Duration fallback) {
        return ConfiguredDuration.fromEnvironment(HEARTBEAT_INTERVAL_ENVIRONMENT, fallback);
    }

    /**
     * The delivery timeout from {@value #DELIVERY_TIMEOUT_PROPERTY} or
     * {@value #DELIVERY_TIMEOUT_ENVIRONMENT}, else {@code fallback}.
     *
     * @throws IllegalArgumentException if it is set to something that is not a positive duration, saying which forms work
     */
    static Duration deliveryTimeout(Duration fallback) {
        String property = System.getProperty(DELIVERY_TIMEOUT_PROPERTY);
        if (property != null && !property.isBlank()) return ConfiguredDuration.parse(DELIVERY_TIMEOUT_PROPERTY, property);
        return ConfiguredDuration.fromEnvironment(DELIVERY_TIMEOUT_ENVIRONMENT, fallback);
    }

    private static String setting(String property, String environment) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(environment);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The URL of an API route, {@code path} starting with a slash ({@code /events}). */
    public URI route(String path) {
        return URI.create(url + path);
    }

    @Override
    public String toString() {
        return "ApiSettings[" + url + (apiKey == null ? "" : ", key set") + "]"; // never the key itself
    }
}
