package dev.baton.store.jdbc;

import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The run history on PostgreSQL ({@link TestPostgres}), each test in a schema of its own. */
class PostgresRunHistoryTest extends RunHistoryContract {
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
