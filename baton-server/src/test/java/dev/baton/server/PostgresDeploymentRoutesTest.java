package dev.baton.server;

import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The deployment routes over PostgreSQL ({@link TestPostgres}), each test in a schema of its own,
 * made first and dropped afterwards. Fails, never skips, when PostgreSQL is not there.
 */
class PostgresDeploymentRoutesTest extends DeploymentRoutesContract {
    private String schema;

    /** A new schema of the test's own, and the URL of a connection working in it. */
    static String schemaUrl(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestPostgres.baseUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return TestPostgres.url(schema) + "&currentSchema=" + schema;
    }

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

    @Override
    ServerOptions.Builder options() {
        try {
            return ServerOptions.builder().databaseUrl(schemaUrl(schema)).databaseSchema(schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot make schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
