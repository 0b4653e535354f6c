package dev.baton.store.jdbc;

import dev.baton.Flow0;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task1;
import dev.baton.Task;
import dev.baton.TaskFuture;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.baton.store.jdbc.SameRun.assertSameRun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store on PostgreSQL: the server on 127.0.0.1:5432, database {@code test} (or the URL in
 * {@value TestPostgres#URL_ENVIRONMENT}), each test in a schema of its own, dropped afterwards. These tests
 * fail, never skip, when PostgreSQL is not there.
 */
class PostgresRunStoreTest extends RunStoreContract {
    private static String baseUrl;
    private String schema;

    @BeforeAll
    static void findPostgres() {
        baseUrl = TestPostgres.baseUrl();
    }

    @BeforeEach
    void newSchema() {
        schema = TestPostgres.newSchema();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        closeStores();
        TestPostgres.dropSchema(schema);
    }

    /** The URL of this test: its connections are named after its schema, to find them on the server. */
    private String url() {
        return TestPostgres.url(schema);
    }

    @Override
    Database database() {
        return new Database(url(), schema);
    }

    @Override
    JdbcRunStore.Builder builder() {
        return JdbcRunStore.builder().url(url()).schema(schema);
    }

    @Test
    void aLostConnectionIsOpenedAgainAndTheWriteTriedAgainWithNothingLost() throws Exception {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("reconnected").of(() -> {
            TaskFuture<Integer> f = inc.submit(0);
            for (int i = 0; i < 200; i++) f = inc.submit(f);
            return f.result();
        });
        JdbcRunStore store = open();
        FlowRun<Integer> before = recordingIn(store, flow::run);
        assertThat(terminateConnections()).as("connections of the store terminated").isPositive();

        var log = capture();
        FlowRun<Integer> after;
        try {
            after = recordingIn(store, flow::run);
        } finally {
            release(log);
        }

        assertSameRun(before, store.flowRun(before.id()).orElseThrow());
        assertSameRun(after, store.flowRun(after.id()).orElseThrow());
        assertThat(store.lostEvents()).isZero();
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("trying again"));
    }

    /** Ends this test's connections from the server side, as a restart or a network cut would. */
    private int terminateConnections() throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl);
             PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, schema);
            int n = 0;
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) if (r.getBoolean(1)) n++;
            }
            return n;
        }
    }
}
