package dev.baton.cli;

import dev.baton.FlowRun;
import dev.baton.store.jdbc.JdbcRunStore;
import dev.baton.store.jdbc.JdbcSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code baton server database upgrade|reset} and {@code baton concurrency-limit ...} on the embedded database. */
class ServerDatabaseCommandsTest {
    @TempDir
    Path home;

    @Test
    void upgradeSaysTheVersionBeforeAndAfter() {
        Cli cli = Cli.embedded(home.resolve("new"));
        Cli.Result first = cli.run("server", "database", "upgrade");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out().strip()).isEqualTo("Upgraded database jdbc:sqlite:"
                + home.resolve("new/baton.db").toAbsolutePath() + " from schema version 0 to "
                + JdbcSchema.latestVersion() + " (" + JdbcSchema.latestVersion() + " migrations applied).");
        Cli.Result again = cli.run("server", "database", "upgrade");
        assertThat(again.out()).contains("is at schema version " + JdbcSchema.latestVersion() + ", the latest");
        assertThat(cli.run("server", "database", "upgrade", "--json").out())
                .contains("\"before\" : " + JdbcSchema.latestVersion(), "\"applied\" : 0");
    }

    @Test
    void resetRefusesWithoutYesAndThenStartsOverEmpty() {
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        FlowRun<Integer> run;
        try {
            run = RecordedRuns.run(store, home, RecordedRuns.failing::run);
        } finally {
            store.close();
        }
        Cli cli = Cli.embedded(home);
        assertThat(cli.run("concurrency-limit", "create", "io", "2").exitCode()).isZero();

        Cli.Result refused = cli.run("server", "database", "reset");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().lines().toList()).singleElement().asString()
                .startsWith("baton: 'server database reset' deletes every flow run")
                .endsWith("run: baton server database reset --yes");
        assertThat(cli.run("flow-run", "ls").out()).contains(run.id().toString());

        Cli.Result reset = cli.run("server", "database", "reset", "--yes");
        assertThat(reset.exitCode()).as(reset.toString()).isZero();
        assertThat(reset.out()).contains("dropped 8 tables", "version " + JdbcSchema.latestVersion(), "empty");
        assertThat(cli.run("flow-run", "ls").out()).startsWith("No flow runs recorded yet");
        assertThat(cli.run("concurrency-limit", "ls").out()).startsWith("No concurrency limits");
        assertThat(cli.run("flow-run", "inspect", run.id().toString()).exitCode()).isEqualTo(1);
    }

    @Test
    void concurrencyLimitsAreCreatedListedInspectedAndDeleted() {
        Cli cli = Cli.embedded(home);
        Cli.Result created = cli.run("concurrency-limit", "create", "db", "3");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out().strip()).isEqualTo("Concurrency limit of tag 'db' set to 3 (0 slots held now).");
        assertThat(cli.run("concurrency-limit", "create", "api", "10").exitCode()).isZero();
        assertThat(cli.run("concurrency-limit", "create", "db", "1").out()).contains("set to 1");

        var lines = cli.run("concurrency-limit", "ls").out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("TAG").contains("LIMIT", "ACTIVE", "CREATED");
        assertThat(lines.get(1)).matches("api\\s+10\\s+0\\s+\\d{4}-.*");
        assertThat(lines.get(2)).matches("db \\s+1 \\s+0\\s+\\d{4}-.*");

        assertThat(cli.run("concurrency-limit", "inspect", "db").out())
                .contains("Concurrency limit of tag 'db'", "Limit       1", "Active      0");
        assertThat(cli.run("concurrency-limit", "ls", "--json").out()).contains("\"tag\" : \"api\"", "\"limit\" : 10");

        Cli.Result deleted = cli.run("concurrency-limit", "delete", "db");
        assertThat(deleted.out().strip()).isEqualTo("Deleted the concurrency limit of tag 'db'.");
        Cli.Result missing = cli.run("concurrency-limit", "inspect", "db");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("baton: No concurrency limit for tag 'db' in jdbc:sqlite:");

        assertThat(cli.run("concurrency-limit", "create", "db").exitCode()).isEqualTo(2);
        assertThat(cli.run("concurrency-limit", "create", "db", "lots").exitCode()).isEqualTo(2);
        Cli.Result blank = cli.run("concurrency-limit", "create", " ", "2");
        assertThat(blank.exitCode()).isEqualTo(1);
        assertThat(blank.err()).startsWith("baton: A concurrency limit needs a tag");
    }

    @Test
    void helpAndVersion() {
        Cli cli = Cli.embedded(home);
        Cli.Result help = cli.run("help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("run ", "worker", "flow ", "flow-run", "concurrency-limit", "server",
                "version", "BATON_API_URL");
        Cli.Result bare = cli.run();
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.out()).isEqualTo(help.out());
        assertThat(cli.run("flow-run", "ls", "--help").out()).contains("--state", "--name", "--limit", "--json");
        assertThat(cli.run("version").out()).startsWith("baton ");
        assertThat(cli.run("--version").out()).isEqualTo(cli.run("version").out());
        Cli.Result launcherOnly = cli.run("run", "X.java");
        assertThat(launcherOnly.exitCode()).isEqualTo(1);
        assertThat(launcherOnly.err()).contains("./baton launcher");
    }
}
