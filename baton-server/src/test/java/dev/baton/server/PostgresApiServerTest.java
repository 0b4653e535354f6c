package dev.baton.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server over PostgreSQL: the server on 127.0.0.1:5432, database {@code test} (or the URL
 * in {@value #URL_ENVIRONMENT}), each test in a schema of its own, dropped afterwards. Fails,
 * never skips, when PostgreSQL is not there.
 */
class PostgresApiServerTest extends ApiServerContract {
    static final String URL_ENVIRONMENT = "BATON_TEST_POSTGRES_URL";
    private static String baseUrl;
    private String schema;

    @BeforeAll
    static void findPostgres() {
        String configured = System.getenv(URL_ENVIRONMENT);
        List<String> candidates = configured != null && !configured.isBlank() ? List.of(configured)
                : List.of("jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                          "jdbc:postgresql://127.0.0.1:5432/test?user=root");
        List<String> failures = new ArrayList<>();
        for (String url : candidates) {
            try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "connectTimeout=5")) {
                c.isValid(5);
                baseUrl = url;
                return;
            } catch (SQLException e) {
                failures.add(e.getMessage());
            }
        }
        throw new AssertionError("PostgreSQL is not reachable for the API server tests (" + String.join("; ", failures)
                + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set "
                + URL_ENVIRONMENT + " to a jdbc:postgresql:// URL)");
    }

    @BeforeEach
    @Override
    void startServer() {
        schema = "baton_api_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        super.startServer();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (server != null) server.close();
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aDatabaseFaultIsA503ThatGivesNothingAway() throws SQLException {
        UUID f = id();
        post(List.of(flowRun(f, "doomed", Set.of())));
        assertThat(detail(f).run().name()).isEqualTo("doomed");
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        Http.Answer a = http.get("/api/flow_runs/" + f);
        assertThat(a.status()).as(a.body()).isEqualTo(503);
        assertThat(a.error()).contains("unavailable");
        assertThat(a.body()).doesNotContainIgnoringCase("relation").doesNotContain(schema).doesNotContain("Exception");
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }

    @Override
    ServerOptions.Builder options() {
        return ServerOptions.builder().databaseUrl(baseUrl + (baseUrl.contains("?") ? "&" : "?") + "ApplicationName="
                + schema).databaseSchema(schema);
    }
}
