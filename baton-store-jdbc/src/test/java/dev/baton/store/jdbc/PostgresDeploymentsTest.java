package dev.baton.store.jdbc;

import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Deployments in PostgreSQL ({@link TestPostgres}), each test in a schema of its own. */
class PostgresDeploymentsTest extends DeploymentsContract {
    private String schema;

    @BeforeAll
    static void findPostgres() {
        TestPostgres.baseUrl();
    }

    @BeforeEach
    void newSchema() {
        schema = TestPostgres.newSchema();
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeAll();
        TestPostgres.dropSchema(schema);
    }

    @Override
    String url() {
        return TestPostgres.url(schema);
    }

    @Override
    String schema() {
        return schema;
    }
}
