package dev.baton.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use: 127.0.0.1:5432, database {@code test} (or the URL in
 * {@value #URL_ENVIRONMENT}), a fresh schema per test. Tests fail, never skip, when it is not there.
 * In the test jar: the server's tests use it too.
 */
public final class TestPostgres {
    public static final String URL_ENVIRONMENT = "BATON_TEST_POSTGRES_URL";
    private static final String START_HINT = "start it with: pg_ctlcluster --skip-systemctl-redirect"
            + " $(ls /etc/postgresql) main start (or set " + URL_ENVIRONMENT + " to a jdbc:postgresql:// URL)";
    private static String baseUrl;

    private TestPostgres() {}

    /** The URL of the test database, found on first use; an AssertionError saying how to start it if absent. */
    public static synchronized String baseUrl() {
        if (baseUrl != null) return baseUrl;
        String configured = System.getenv(URL_ENVIRONMENT);
        List<String> candidates = configured != null && !configured.isBlank() ? List.of(configured)
                : List.of("jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                          "jdbc:postgresql://127.0.0.1:5432/test?user=root");
        List<String> failures = new ArrayList<>();
        for (String url : candidates) {
            try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "connectTimeout=5")) {
                c.isValid(5);
                baseUrl = url;
                return url;
            } catch (SQLException e) {
                failures.add(Database.redacted(url) + ": " + e.getMessage());
            }
        }
        throw new AssertionError("PostgreSQL is not reachable for the tests (" + String.join("; ", failures)
                + "); " + START_HINT);
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
