package dev.baton.faults;

import dev.baton.server.ServerCommand;
import dev.baton.store.jdbc.JdbcRunStore;
import dev.baton.store.jdbc.fixtures.ChildJvm;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow processes killed with kill -9 mid-run. What they recorded stays consistent (no state
 * twice, histories in order), the loss that cannot be avoided is reported (the flow run ends
 * CRASHED, with its unfinished task runs), and with {@code BATON_DURABILITY=commit} every task run
 * the process saw finish is in the database.
 */
class FlowProcessKillTest {
    private static final int TASKS = 200_000;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<ChildJvm> processes = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (ChildJvm p : processes) if (p.process.isAlive()) p.kill9();
        for (String schema : schemas) TestPostgres.dropSchema(schema);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void withCommitDurabilityEveryTaskRunAKilledProcessSawFinishIsRecorded(String database) throws Exception {
        for (int round = 0; round < 3; round++) {
            Path home = dir.resolve("home-" + round);
            String url;
            Map<String, String> env = new HashMap<>(Map.of("BATON_HOME", home.toString(),
                    JdbcRunStore.DURABILITY_ENVIRONMENT, "commit", "BATON_HEARTBEAT_INTERVAL", "500ms"));
            if (database.equals("postgresql")) {
                String schema = TestPostgres.newSchema();
                schemas.add(schema);
                url = Records.postgresSchema(schema);
                env.put(JdbcRunStore.DATABASE_URL_ENVIRONMENT, url);
            } else {
                url = JdbcRunStore.embeddedUrl(home);
            }
            long seed = System.nanoTime();
            int killAfter = FlowProcess.REPORT_EVERY * (1 + new Random(seed).nextInt(20));
            ChildJvm flow = start("commit-" + database + "-" + round, env);
            flow.awaitLine("done=" + killAfter);
            flow.kill9();

            long completed = Records.one(url, "SELECT count(*) FROM task_run WHERE state_type = 'COMPLETED'");
            System.out.printf("faults case=flow-process-kill store=%s durability=commit seed=%d told_done=%d"
                    + " recorded_completed=%d%n", database, seed, killAfter, completed);
            assertThat(completed).as("task runs the process saw finish (seed %d)", seed)
                    .isGreaterThanOrEqualTo(killAfter);
            assertConsistent(url);
            // the next process on the database reports the loss: the run is CRASHED
            awaitCrashed(url);
        }
    }

    @Test
    void aClientKilledMidRunLeavesItsRunCrashedOnTheServerAndNothingTwice() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path serverHome = dir.resolve("server");
        ChildJvm server = start(ServerCommand.class, "server", Map.of("BATON_HOME", serverHome.toString(),
                "BATON_CRASH_TIMEOUT", "3s"), "--port", Integer.toString(port));
        server.awaitLine("Baton API server");
        long seed = System.nanoTime();
        int killAfter = FlowProcess.REPORT_EVERY * (40 + new Random(seed).nextInt(200));
        ChildJvm flow = start("client", Map.of("BATON_API_URL", "http://127.0.0.1:" + port + "/api",
                "BATON_HOME", dir.resolve("client").toString(), "BATON_HEARTBEAT_INTERVAL", "1s"));
        flow.awaitLine("done=" + killAfter);
        // killed once the server knows the run: a client killed before its first batch is in has
        // nothing on the server to mark (and nothing for anyone to see as healthy either)
        String url = JdbcRunStore.embeddedUrl(serverHome);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Files.exists(serverHome.resolve("baton.db"))
                || Records.one(url, "SELECT count(*) FROM task_run") == 0) {
            assertThat(System.nanoTime()).as("the server records the client's first task runs; %s", flow.describe())
                    .isLessThan(deadline);
            Thread.sleep(50); // polling the database for the server's first write
        }
        assertThat(flow.process.isAlive()).as("the client still runs when killed; %s", flow.describe()).isTrue();
        flow.kill9();

        while (Records.one(url, "SELECT count(*) FROM flow_run WHERE state_type = 'CRASHED'") == 0) {
            assertThat(System.nanoTime()).as("the server marks the killed client's run CRASHED; flow runs %s at %s;"
                    + " server %s", rows(url, "SELECT state_type, heartbeat_ns, created_ns, start_ns, process FROM"
                    + " flow_run"), System.currentTimeMillis(), server.describe())
                    .isLessThan(deadline);
            Thread.sleep(200); // polling the database for the server's crash detection
        }
        long recorded = Records.one(url, "SELECT count(*) FROM task_run");
        long unfinished = Records.one(url, "SELECT count(*) FROM task_run WHERE state_type NOT IN"
                + " ('COMPLETED', 'CRASHED', 'FAILED', 'CANCELLED')");
        System.out.printf("faults case=flow-process-kill store=server seed=%d told_done=%d recorded_task_runs=%d"
                + " left_unfinished=%d%n", seed, killAfter, recorded, unfinished);
        assertThat(recorded).as("task runs the server had when the client was killed").isPositive();
        assertThat(unfinished).as("task runs of a crashed flow run left unfinished").isZero();
        assertConsistent(url);
    }

    /** No state recorded twice, and every history a prefix of PENDING, RUNNING, COMPLETED, perhaps then CRASHED. */
    private static void assertConsistent(String url) throws SQLException {
        List<String> wrong = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT name, history FROM task_run ORDER BY name")) {
            while (r.next()) {
                List<String> types = Records.types(r.getString(2));
                // what the process recorded, then CRASHED (the detector's) at most once, last: a run
                // whose creation arrived without its first state (the process died between them) is [CRASHED]
                List<String> before = types.isEmpty() || !types.getLast().equals("CRASHED") ? types
                        : types.subList(0, types.size() - 1);
                boolean ok = before.size() <= 3 && !before.contains("CRASHED")
                        && before.equals(List.of("PENDING", "RUNNING", "COMPLETED").subList(0, before.size()));
                if (!ok) wrong.add(r.getString(1) + " " + types);
            }
        }
        assertThat(wrong).as("histories with a state twice or out of order").isEmpty();
    }

    /** Every row {@code sql} selects, its columns joined by spaces. */
    private static List<String> rows(String url, String sql) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) row.append(i > 1 ? " " : "").append(r.getString(i));
                found.add(row.toString());
            }
        }
        return found;
    }

    /**
     * Opening the database again (as the next process or ./baton command does) marks the killed
     * run CRASHED once its last heartbeat is older than the crash timeout.
     */
    private void awaitCrashed(String url) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (Records.one(url, "SELECT count(*) FROM flow_run WHERE state_type = 'CRASHED'") == 0) {
            assertThat(System.nanoTime()).as("the killed process's run is found CRASHED").isLessThan(deadline);
            Thread.sleep(200); // polling: the heartbeat ages on the real clock
            JdbcRunStore.builder().url(url).crashTimeout(Duration.ofSeconds(2))
                    .heartbeatInterval(Duration.ofMillis(500)).build().close();
        }
        assertThat(Records.one(url, "SELECT count(*) FROM flow_run WHERE state_type = 'CRASHED'")).isEqualTo(1);
        assertThat(Records.one(url, "SELECT count(*) FROM task_run WHERE state_type NOT IN ('COMPLETED', 'CRASHED',"
                + " 'FAILED', 'CANCELLED')")).as("unfinished task runs of the crashed run").isZero();
    }

    private ChildJvm start(String name, Map<String, String> env) throws Exception {
        return start(FlowProcess.class, name, env, "1", Integer.toString(TASKS), "1000");
    }

    private ChildJvm start(Class<?> main, String name, Map<String, String> env, String... args) throws Exception {
        ChildJvm p = ChildJvm.start(dir.resolve("logs"), name, env, jvm(main.getName(), args));
        processes.add(p);
        return p;
    }

    /** {@code -Xmx512m main args}: the processes' command after {@code java}. */
    private static String[] jvm(String main, String... args) {
        java.util.List<String> command = new ArrayList<>(java.util.List.of("-Xmx512m", main));
        command.addAll(java.util.List.of(args));
        return command.toArray(String[]::new);
    }
}
