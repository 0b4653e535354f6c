package dev.baton.store.jdbc;

import dev.baton.spi.FlowRunFilter;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JdbcSchema}, what {@code baton server database upgrade|reset} do: the version before and
 * after, and a reset that drops Baton's tables only, on the embedded database, H2 and PostgreSQL.
 */
class JdbcSchemaTest {
    @TempDir
    Path home;

    @Test
    void theTablesOfTheScriptsLessThoseDroppedLaterAreEveryTableTheSchemaHas() throws Exception {
        assertThat(JdbcSchema.tables()).containsExactly("flow_run", "task_run", "task_run_upstream",
                "flow_run_state", "log", "concurrency_limit", "concurrency_slot", "deployment");
        assertThat(JdbcSchema.tablesOfScripts()).contains("task_run_state");
    }

    @Test
    void embedded() throws Exception {
        upgradeThenReset(JdbcRunStore.embeddedUrl(home), null);
    }

    @Test
    void h2() throws Exception {
        upgradeThenReset("jdbc:h2:file:" + home.resolve("h2").toAbsolutePath(), null);
    }

    @Test
    void postgresql() throws Exception {
        String schema = TestPostgres.newSchema();
        try {
            upgradeThenReset(TestPostgres.url(schema), schema);
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    private void upgradeThenReset(String url, String schemaName) throws Exception {
        JdbcSchema schema = JdbcSchema.of(url, schemaName);
        assertThat(schema.version()).isZero();
        assertThat(schema.upgrade()).isEqualTo(JdbcSchema.latestVersion());
        assertThat(schema.version()).isEqualTo(JdbcSchema.latestVersion());
        assertThat(schema.upgrade()).isZero();

        Database db = new Database(url, schemaName);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE not_batons (x INTEGER)");
            s.execute("INSERT INTO not_batons VALUES (42)");
            c.commit();
        }
        try (JdbcRunHistory history = JdbcRunHistory.open(url, schemaName)) {
            history.putConcurrencyLimit("io", 2);
        }

        List<String> dropped = schema.reset();
        assertThat(dropped).containsExactlyInAnyOrderElementsOf(JdbcSchema.tables())
                .anySatisfy(t -> assertThat(t).isEqualToIgnoringCase("concurrency_limit"))
                .noneSatisfy(t -> assertThat(t).isEqualToIgnoringCase("not_batons"));
        assertThat(schema.version()).isEqualTo(JdbcSchema.latestVersion());
        try (JdbcRunHistory history = JdbcRunHistory.open(url, schemaName)) {
            assertThat(history.concurrencyLimits()).isEmpty();
            assertThat(history.flowRuns(FlowRunFilter.all(10)).total()).isZero();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT x FROM not_batons")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(42);
        }
    }
}
