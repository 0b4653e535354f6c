package dev.baton.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use, found on first use:
 * <ul>
 *   <li>{@value #URL_ENVIRONMENT} (environment variable, or system property {@value #URL_PROPERTY}) set to a
 *       {@code jdbc:postgresql://} URL: that server, and an error if it cannot be reached (a server that was
 *       asked for is never replaced behind the user's back);</li>
 *   <li>set to {@value #EMBEDDED}: a PostgreSQL started by the tests themselves ({@link EmbeddedTestPostgres});</li>
 *   <li>unset: the machine's server on 127.0.0.1:5432, database {@code test}, when it answers; otherwise the
 *       embedded one, so that {@code ./mvnw verify} needs nothing installed but a JDK.</li>
 * </ul>
 * Each test then works in a fresh schema of its own. The PostgreSQL tests never skip: they run on one server
 * or the other, or fail saying why. In the test jar: the server's tests use it too.
 */
public final class TestPostgres {
    public static final String URL_ENVIRONMENT = "BATON_TEST_POSTGRES_URL";
    public static final String URL_PROPERTY = "baton.test.postgres.url";
    /** The value of {@value #URL_ENVIRONMENT} that asks for the embedded server even where the machine has one. */
    public static final String EMBEDDED = "embedded";
    /** Where a machine's own server is looked for (the Debian package's default cluster, trust on loopback). */
    static final List<String> MACHINE_SERVER = List.of(
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=root");
    private static String baseUrl;

    private TestPostgres() {}

    /** The URL of the test database, found (or started) on first use; an AssertionError saying why if neither. */
    public static synchronized String baseUrl() {
        if (baseUrl == null) baseUrl = find(configured(), MACHINE_SERVER);
        return baseUrl;
    }

    /** What the user configured: the system property, else the environment variable; null if neither. */
    private static String configured() {
        String value = System.getProperty(URL_PROPERTY);
        if (value == null || value.isBlank()) value = System.getenv(URL_ENVIRONMENT);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * The server for a configuration: {@code configured} (a URL, {@value #EMBEDDED}, or null for the first of
     * {@code machineServer} that answers, else the embedded server).
     */
    static String find(String configured, List<String> machineServer) {
        if (EMBEDDED.equals(configured)) return EmbeddedTestPostgres.url();
        if (configured != null) {
            if (!configured.startsWith("jdbc:postgresql:")) {
                throw new AssertionError(URL_ENVIRONMENT + " is '" + configured + "'; set it to a jdbc:postgresql:// URL,"
                        + " to '" + EMBEDDED + "', or unset it (the machine's server on 127.0.0.1:5432 if it answers,"
                        + " else an embedded one)");
            }
            String failure = tryConnect(configured);
            if (failure == null) return configured;
            throw new AssertionError("PostgreSQL at " + URL_ENVIRONMENT + " is not reachable for the tests (" + failure
                    + "); start it, or unset " + URL_ENVIRONMENT + " to let the tests use the machine's server or start"
                    + " one of their own");
        }
        List<String> failures = new ArrayList<>();
        for (String url : machineServer) {
            String failure = tryConnect(url);
            if (failure == null) return url;
            failures.add(failure);
        }
        System.err.println("[baton tests] no PostgreSQL on the machine (" + String.join("; ", failures)
                + "): starting an embedded one for the PostgreSQL tests");
        return EmbeddedTestPostgres.url();
    }

    /** Null if {@code url} answers, else what went wrong (its password, if any, left out). */
    private static String tryConnect(String url) {
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "connectTimeout=5")) {
            return c.isValid(5) ? null : Database.redacted(url) + ": the connection is not valid";
        } catch (SQLException e) {
            return Database.redacted(url) + ": " + e.getMessage();
        }
    }

    /** A new schema name for one test. */
    public static String newSchema() {
        return "baton_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The URL for a test's schema: its connections are named after it, to find them on the server. */
    public static String url(String schema) {
        String base = baseUrl();
        return base + (base.contains("?") ? "&" : "?") + "ApplicationName=" + schema;
    }

    public static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
