package dev.baton.client;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern DURATION_WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

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
        String v = System.getenv(HEARTBEAT_INTERVAL_ENVIRONMENT);
        return v == null || v.isBlank() ? fallback : duration(HEARTBEAT_INTERVAL_ENVIRONMENT, v);
    }

    /**
     * A duration as the environment variables of Baton take it (the same forms as the database
     * store): seconds ({@code 5}, {@code 0.5}), a number with a unit ({@code 500ms}, {@code 5s},
     * {@code 2m}, {@code 1h}) or ISO-8601 ({@code PT5S}).
     */
    static Duration duration(String name, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = DURATION_WITH_UNIT.matcher(v);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1_000;
            };
            if (millis * 1_000_000 < Long.MAX_VALUE) d = Duration.ofNanos(Math.round(millis * 1_000_000));
        } else {
            try {
                d = Duration.parse(value.strip());
            } catch (DateTimeParseException e) {
                // refused below
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a positive duration: write seconds (5),"
                    + " a number with a unit (500ms, 5s, 2m, 1h) or ISO-8601 (PT5S)");
        }
        return d;
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
