package dev.baton.server;

import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server over PostgreSQL ({@link TestPostgres}: the server on 127.0.0.1:5432, database
 * {@code test}), each test in a schema of its own, dropped afterwards. Fails, never skips, when
 * PostgreSQL is not there.
 */
class PostgresApiServerTest extends ApiServerContract {
    private String schema;

    @BeforeEach
    @Override
    void startServer() {
        schema = TestPostgres.newSchema();
        super.startServer();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (server != null) server.close();
        TestPostgres.dropSchema(schema);
    }

    @Test
    void aDatabaseFaultIsA503ThatGivesNothingAway() throws SQLException {
        UUID f = id();
        post(List.of(flowRun(f, "doomed", Set.of())));
        assertThat(detail(f).run().name()).isEqualTo("doomed");
        try (Connection c = DriverManager.getConnection(TestPostgres.baseUrl()); Statement s = c.createStatement()) {
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
        return ServerOptions.builder().databaseUrl(TestPostgres.url(schema)).databaseSchema(schema);
    }
}
