package dev.baton.faults;

import dev.baton.server.ServerCommand;
import dev.baton.store.jdbc.JdbcRunStore;
import dev.baton.store.jdbc.fixtures.ChildJvm;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server killed with kill -9 at random instants while flow processes in client mode
 * report to it, restarted each time on the same database: every run, task run, state and log line
 * the processes reported is in the database at the end, once, in order. An answer from the server
 * means durable, and a client sends again what was not answered.
 *
 * <p>Sizes (10 flow runs of 40,000 task runs from 5 processes, up to 8 kills) can be changed with
 * {@code -Dbaton.faults.runs}, {@code .tasks}, {@code .kills}; {@code -Dbaton.faults.seed} repeats
 * a run's kill instants (each run prints its seed).
 */
class ServerKillTest {
    private static final int PROCESSES = 5;
    private static final int RUNS = Integer.getInteger("baton.faults.runs", 10);
    private static final int TASKS = Integer.getInteger("baton.faults.tasks", 40_000);
    private static final int MAX_KILLS = Integer.getInteger("baton.faults.kills", 8);
    private static final int LOG_EVERY = 10;

    @TempDir
    Path dir;
    private final List<ChildJvm> processes = new ArrayList<>();
    private String schema;

    @AfterEach
    void stopAll() throws Exception {
        for (ChildJvm p : processes) if (p.process.isAlive()) p.kill9();
        if (schema != null) TestPostgres.dropSchema(schema);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServerKilledAtRandomInstantsLosesAndDuplicatesNothing(String database) throws Exception {
        long seed = Long.getLong("baton.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        int port = freePort();
        Map<String, String> serverEnv = new HashMap<>(Map.of("BATON_HOME", dir.resolve("server").toString(),
                "BATON_CRASH_TIMEOUT", "10m"));
        String countUrl;
        if (database.equals("postgresql")) {
            schema = TestPostgres.newSchema();
            countUrl = Records.postgresSchema(schema);
            serverEnv.put(JdbcRunStore.DATABASE_URL_ENVIRONMENT, countUrl);
        } else {
            countUrl = JdbcRunStore.embeddedUrl(dir.resolve("server"));
        }

        ChildJvm server = server(port, serverEnv, 0);
        String url = "http://127.0.0.1:" + port + "/api";
        List<ChildJvm> clients = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            int runs = RUNS / PROCESSES + (i < RUNS % PROCESSES ? 1 : 0);
            clients.add(start("client-" + i, Map.of("BATON_API_URL", url,
                    "BATON_HOME", dir.resolve("client-" + i).toString(), "BATON_DELIVERY_TIMEOUT", "150s",
                    "BATON_LOG_LEVEL", "WARN"), FlowProcess.class.getName(), Integer.toString(runs),
                    Integer.toString(TASKS), Integer.toString(LOG_EVERY)));
        }

        int kills = 0;
        while (kills < MAX_KILLS && clients.stream().anyMatch(c -> c.process.isAlive())) {
            Thread.sleep(300 + random.nextInt(2_500)); // a random instant: this is the fault, not a wait for a condition
            server.kill9();
            kills++;
            Thread.sleep(random.nextInt(1_000)); // down for a moment
            server = server(port, serverEnv, kills);
        }
        for (ChildJvm c : clients) {
            assertThat(c.awaitExit()).as(c.describe()).isZero();
            assertThat(c.values("state=")).as(c.name).allMatch(s -> s.endsWith(" COMPLETED"));
            assertThat(c.stderr()).as(c.name).doesNotContain("could NOT be delivered", "NOT recorded");
        }
        server.kill9(); // what it answered is written: nothing more is needed

        Records r = Records.count(countUrl);
        long expectedEvents = RUNS + 3L * RUNS + (long) RUNS * TASKS * 4 + (long) RUNS * TASKS / LOG_EVERY;
        long lost = Math.max(0, expectedEvents - r.events());
        System.out.printf("faults case=server-kill database=%s seed=%d kills=%d runs=%d tasks_per_run=%d events=%d"
                + " stored=%d lost=%d duplicated=%d%n", database, seed, kills, RUNS, TASKS, expectedEvents,
                r.events(), lost, r.duplicated());
        assertThat(kills).as("kills while the flows ran (seed %d)", seed).isGreaterThanOrEqualTo(2);
        assertThat(r).as("seed %d", seed).isEqualTo(new Records(RUNS, RUNS, 3L * RUNS, (long) RUNS * TASKS,
                3L * RUNS * TASKS, (long) RUNS * TASKS / LOG_EVERY, 0, 0, 0));
    }

    private ChildJvm server(int port, Map<String, String> env, int generation) throws Exception {
        ChildJvm p = start("server-" + generation, env, ServerCommand.class.getName(), "--port", Integer.toString(port));
        p.awaitLine("Baton API server");
        return p;
    }

    private ChildJvm start(String name, Map<String, String> env, String main, String... args) throws Exception {
        ChildJvm p = ChildJvm.start(dir.resolve("logs"), name, env, jvm(main, args));
        processes.add(p);
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code -Xmx512m main args}: the processes' command after {@code java}. */
    private static String[] jvm(String main, String... args) {
        java.util.List<String> command = new ArrayList<>(java.util.List.of("-Xmx512m", main));
        command.addAll(java.util.List.of(args));
        return command.toArray(String[]::new);
    }
}
