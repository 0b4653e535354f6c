package dev.baton.server;

import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.SQLException;

/**
 * {@link OpenApiAnswersTest} over PostgreSQL ({@link TestPostgres}), in a schema of its own dropped
 * afterwards: the answers read back from PostgreSQL match the document too.
 */
class PostgresOpenApiAnswersTest extends OpenApiAnswersTest {
    private String schema;

    @BeforeEach
    @Override
    void start() {
        schema = TestPostgres.newSchema();
        super.start();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (server != null) server.close();
        TestPostgres.dropSchema(schema);
    }

    @Override
    ServerOptions.Builder options() {
        return ServerOptions.builder().batonHome(home).databaseUrl(TestPostgres.url(schema)).databaseSchema(schema);
    }
}
