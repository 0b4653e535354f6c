package dev.baton.cli;

import dev.baton.StateType;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;
import dev.baton.spi.StateRecord;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton deploy} and {@code baton worker start} as users run them: flows of the class path
 * registered for a work pool, their runs started by real worker processes, in a JVM each or in the
 * worker's, exactly once however many workers poll; cancelled from the CLI, stopped with SIGINT,
 * and found Crashed when their JVM is killed with kill -9.
 */
class WorkerTest {
    private static final String GREET = "dev.baton.cli.WorkerFlows#greet";
    private static final String BLOCKING = "dev.baton.cli.WorkerFlows#blocking";
    private static final String REPORT = "dev.baton.cli.WorkerFlows#report";

    @Test
    void deployedRunsStartInAJvmEachWithTheirParameters(@TempDir Path home) {
        Cli cli = Cli.embedded(home);
        Cli.Result deployed = cli.run("deploy", "--flow", GREET, "--name", "greet", "--param", "name=world");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(deployed.out()).contains("Created deployment 'greet' of flow 'greet' (" + GREET + ")");
        assertThat(cli.run("deployment", "run", "greet", "--param", "name=Baton").exitCode()).isZero();
        assertThat(cli.run("deployment", "run", "greet").exitCode()).isZero();

        Cli.Result worker = cli.run("worker", "start", "--pool", "default", "--run-once");
        assertThat(worker.exitCode()).as(worker.toString()).isZero();
        assertThat(worker.out()).contains("2 run(s) started, all completed");

        try (JdbcRunHistory history = JdbcRunHistory.open(home)) {
            List<FlowRunSummary> runs = history.flowRuns(filter()).items();
            assertThat(runs).hasSize(2).allSatisfy(r -> {
                assertThat(r.flowName()).isEqualTo("greet");
                assertThat(r.state().type()).isEqualTo(StateType.COMPLETED);
                assertThat(names(history.flowRun(r.id()).orElseThrow()))
                        .containsExactly("Scheduled", "Pending", "Running", "Completed");
            });
        }
        Cli.Result logs = cli.run("flow-run", "logs", runNamed(home, "Baton"));
        assertThat(logs.out()).contains("Hello, Baton!");
    }

    @Test
    void aDeploymentWhoseParametersDoNotFitIsRefusedWhenDeployed(@TempDir Path home) {
        Cli cli = Cli.embedded(home);
        Cli.Result bad = cli.run("deploy", "--flow", "dev.baton.cli.WorkerFlows#nope", "--name", "x");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("class dev.baton.cli.WorkerFlows has no field nope");
        Cli.Result unknown = cli.run("deploy", "--flow", GREET, "--name", "x", "--param", "nmae=1", "--cron", "0 * * * *");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("Flow 'greet' has no parameter 'nmae' (its parameters: name)");
        Cli.Result cron = cli.run("deploy", "--flow", GREET, "--name", "x", "--cron", "0 25 * * *");
        assertThat(cron.exitCode()).isEqualTo(2);
        assertThat(cron.err()).contains("the hour field '25'");
    }

    @Test
    void anAdHocRunWhoseParametersDoNotFitIsRefusedAndInspectShowsTheParametersTheFlowTakes(@TempDir Path home)
            throws Exception {
        Cli cli = Cli.embedded(home);
        Cli.Result deployed = cli.run("deploy", "--flow", REPORT, "--name", "report", "--param", "day=2026-01-01",
                "--param", "rows=10", "--param", "mode=FULL", "--param", "label=007");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(cli.run("deploy", "--flow", REPORT, "--name", "bare").exitCode()).isZero();

        Cli.Result inspect = cli.run("deployment", "inspect", "report");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        assertThat(inspect.out()).contains("  Parameters\n"
                + "    day    string (date)               default \"2026-01-01\"\n"
                + "    rows   integer                     default 10\n"
                + "    mode   string: FULL | INCREMENTAL  default \"FULL\"\n"
                + "    label  string                      default \"007\"\n");
        assertThat(cli.run("deployment", "inspect", "bare").out()).contains("  Parameters\n"
                + "    day    string (date)               required, no default\n"
                + "    rows   integer                     required, no default\n"
                + "    mode   string: FULL | INCREMENTAL  required, no default\n"
                + "    label  string                      required, no default\n");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cli.run("deployment", "inspect", "--json", "report").out());
        assertThat(json.path("parameterSchema").path("properties").path("day").path("format").asText())
                .isEqualTo("date");
        assertThat(json.path("parameterSchema").path("required")).hasSize(4);

        Cli.Result tomorrow = cli.run("deployment", "run", "report", "--param", "day=tomorrow");
        assertThat(tomorrow.exitCode()).as(tomorrow.toString()).isEqualTo(1);
        assertThat(tomorrow.err()).contains("Parameter 'day' of flow 'report' is \"tomorrow\", which is not a date"
                + " (yyyy-mm-dd). No run was created");
        Cli.Result missing = cli.run("deployment", "run", "bare", "--param", "day=2026-01-01", "--param", "rows=1");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).contains("Parameter 'mode' of flow 'report' has no value; it takes one of FULL,"
                + " INCREMENTAL: give it in the deployment's parameters or the run's (--param mode=...)");
        Cli.Result unknown = cli.run("deployment", "run", "report", "--param", "rowz=3");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Flow 'report' has no parameter 'rowz' (its parameters: day, rows, mode,"
                + " label)");
        Cli.Result rows = cli.run("deployment", "run", "report", "--param", "rows=many");
        assertThat(rows.exitCode()).isEqualTo(1);
        assertThat(rows.err()).contains("Parameter 'rows' of flow 'report' is \"many\", which is not an integer");
        try (JdbcRunHistory history = JdbcRunHistory.open(home)) {
            assertThat(history.flowRuns(filter()).items()).as("no run was created").isEmpty();
        }

        // a parameter that takes text takes 42 as the text "42"
        Cli.Result fits = cli.run("deployment", "run", "--json", "report", "--param", "mode=INCREMENTAL", "--param",
                "label=42");
        assertThat(fits.exitCode()).as(fits.toString()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(fits.out()).path("parameters")
                .toString()).isEqualTo("{\"day\":\"2026-01-01\",\"rows\":10,\"mode\":\"INCREMENTAL\",\"label\":\"42\"}");
        Cli.Result worker = cli.run("worker", "start", "--pool", "default", "--run-once", "--in-process");
        assertThat(worker.exitCode()).as(worker.toString()).isZero();
        assertThat(worker.out()).contains("1 run(s) started, all completed");
    }

    @Test
    void cancellingARunFromTheCliStopsItsJvmAndSigintStopsTheWorker(@TempDir Path home) throws Exception {
        Cli cli = Cli.embedded(home);
        assertThat(cli.run("deploy", "--flow", BLOCKING, "--name", "blocking").exitCode()).isZero();
        assertThat(cli.run("deployment", "run", "blocking").exitCode()).isZero();
        assertThat(cli.run("deployment", "run", "blocking").exitCode()).isZero();
        Path out = home.resolve("worker.out");
        Process worker = startWorker(home, null, out, "--pool", "default");
        try {
            List<UUID> running = awaitValue("two runs running", () -> {
                List<UUID> ids = idsIn(home, StateType.RUNNING);
                return ids.size() == 2 ? Optional.of(ids) : Optional.empty();
            }, worker, out);
            assertThat(running).hasSize(2);
            Cli.Result cancel = cli.run("flow-run", "cancel", running.get(0).toString());
            assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
            awaitValue("the cancelled run ends Cancelled", () -> state(home, running.get(0))
                    .filter(s -> s == StateType.CANCELLED), worker, out);
            assertThat(state(home, running.get(1))).contains(StateType.RUNNING);

            new ProcessBuilder("kill", "-INT", Long.toString(worker.pid())).start().waitFor();
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker stops on SIGINT:\n" + Files.readString(out))
                    .isTrue();
            assertThat(state(home, running.get(1))).as("its run was cancelled, and recorded so, before it stopped:\n"
                            + Files.readString(out))
                    .contains(StateType.CANCELLED);
            assertThat(Files.readString(out)).contains("Worker stopped.");
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void aWorkerKilledWithKill9LeavesItsRunsCrashed(@TempDir Path home) throws Exception {
        Cli cli = Cli.embedded(home).with("BATON_CRASH_TIMEOUT", "2s");
        assertThat(cli.run("deploy", "--flow", BLOCKING, "--name", "blocking").exitCode()).isZero();
        assertThat(cli.run("deployment", "run", "blocking").exitCode()).isZero();
        Path out = home.resolve("worker.out");
        Process worker = startWorker(home, null, out, "--pool", "default", "--in-process");
        try {
            UUID id = awaitValue("the run running", () -> idsIn(home, StateType.RUNNING).stream().findFirst(), worker, out);
            new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start().waitFor();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                Cli.Result ls = cli.run("flow-run", "ls"); // finds crashed runs first
                if (state(home, id).orElseThrow() == StateType.CRASHED) break;
                assertThat(System.nanoTime()).as("crashed within 60 s: " + ls).isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void threeWorkersOnOnePoolStartEachOf300RunsExactlyOnce(@TempDir Path dir) throws Exception {
        String schema = TestPostgres.newSchema();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestPostgres.baseUrl());
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = TestPostgres.url(schema) + "&currentSchema=" + schema;
        try {
            Cli cli = new Cli(CliEnvironment.of(Map.of("BATON_DATABASE_URL", url, "BATON_HOME", dir.toString())));
            Cli.Result deployed = cli.run("deploy", "--flow", GREET, "--name", "greet", "--pool", "busy");
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            try (JdbcRunHistory history = JdbcRunHistory.open(url, null)) {
                Deployments deployments = history.deployments();
                DeploymentRecord d = deployments.get("greet").orElseThrow();
                Instant now = Instant.now();
                List<ScheduledRun> runs = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    runs.add(Scheduling.adHoc(d, "{\"name\": \"r" + i + "\"}", now, now));
                }
                assertThat(deployments.addScheduledRuns(runs)).isEqualTo(300);
            }
            Path log = dir.resolve("greeted.txt");
            List<Process> workers = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            try {
                for (int w = 0; w < 3; w++) {
                    Path out = dir.resolve("worker-" + w + ".out");
                    outs.add(out);
                    workers.add(startWorker(dir, url, out, Map.of("BATON_TEST_RUN_LOG", log.toString()),
                            "--pool", "busy", "--in-process", "--limit", "10", "--poll-interval", "200ms"));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (completed(url) < 300) {
                    for (int w = 0; w < 3; w++) {
                        assertThat(workers.get(w).isAlive()).as(Files.readString(outs.get(w))).isTrue();
                    }
                    assertThat(System.nanoTime()).as("300 runs completed within 120 s").isLessThan(deadline);
                    Thread.sleep(100);
                }
            } finally {
                for (Process p : workers) p.destroy();
                for (Process p : workers) p.waitFor(30, TimeUnit.SECONDS);
                for (Process p : workers) p.destroyForcibly();
            }
            try (JdbcRunHistory history = JdbcRunHistory.open(url, null)) {
                for (FlowRunSummary r : history.flowRuns(filter()).items()) {
                    FlowRunDetail detail = history.flowRun(r.id()).orElseThrow();
                    // a run not claimed 15 s after it was due goes Late first (workers slow to start on a loaded machine)
                    assertThat(names(detail).stream().filter(n -> !n.equals("Late")).toList()).as(detail.toString())
                            .containsExactly("Scheduled", "Pending", "Running", "Completed");
                }
                assertThat(history.flowRuns(filter()).total()).isEqualTo(300);
            }
            List<String> greeted = Files.readAllLines(log);
            assertThat(greeted).as("each run's body ran once").hasSize(300).doesNotHaveDuplicates();
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    // ----- helpers -----

    private static FlowRunFilter filter() {
        return new FlowRunFilter(Set.of(), null, null, null, null, 0, FlowRunFilter.MAX_LIMIT);
    }

    private static List<String> names(FlowRunDetail detail) {
        List<String> out = new ArrayList<>();
        for (StateRecord s : detail.history()) out.add(s.name());
        return out;
    }

    private static long completed(String url) {
        try (JdbcRunHistory history = JdbcRunHistory.open(url, null)) {
            return history.flowRuns(new FlowRunFilter(Set.of(StateType.COMPLETED), null, null, null, null, 0, 1)).total();
        }
    }

    private static String runNamed(Path home, String greeted) {
        try (JdbcRunHistory history = JdbcRunHistory.open(home)) {
            for (FlowRunSummary r : history.flowRuns(filter()).items()) {
                FlowRunDetail d = history.flowRun(r.id()).orElseThrow();
                if (d.parameters() != null && d.parameters().contains(greeted)) return r.id().toString();
            }
        }
        throw new AssertionError("no run greeting " + greeted);
    }

    private static List<UUID> idsIn(Path home, StateType type) {
        try (JdbcRunHistory history = JdbcRunHistory.open(home)) {
            List<UUID> ids = new ArrayList<>();
            for (FlowRunSummary r : history.flowRuns(new FlowRunFilter(Set.of(type), null, null, null, null, 0, 100))
                    .items()) {
                ids.add(r.id());
            }
            return ids;
        }
    }

    private static Optional<StateType> state(Path home, UUID id) {
        try (JdbcRunHistory history = JdbcRunHistory.open(home)) {
            return history.flowRun(id).map(d -> d.run().state().type());
        }
    }

    private static Process startWorker(Path home, String url, Path out, String... args) throws Exception {
        return startWorker(home, url, out, Map.of(), args);
    }

    /** A worker process, as {@code ./baton worker start} runs it, recording in the embedded database or at {@code url}. */
    private static Process startWorker(Path home, String url, Path out, Map<String, String> env, String... args)
            throws Exception {
        // Ctrl-C as a terminal sends it: SIGINT handled by default, even where the build runs with it ignored
        // (a background job of a script), which the JVM would inherit and keep
        List<String> command = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                BatonCli.class.getName(), "worker", "start"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        for (String name : new String[] {"BATON_DATABASE_URL", "BATON_API_URL", "BATON_API_KEY"}) {
            pb.environment().remove(name);
        }
        pb.environment().put("BATON_HOME", home.toString());
        if (url != null) pb.environment().put("BATON_DATABASE_URL", url);
        pb.environment().put("BATON_HEARTBEAT_INTERVAL", "200ms");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static <T> T awaitValue(String what, Supplier<Optional<T>> probe, Process worker, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            if (!worker.isAlive()) throw new AssertionError("the worker exited while waiting until " + what + ":\n"
                    + Files.readString(out));
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what + ":\n"
                    + Files.readString(out));
            Thread.sleep(100);
        }
    }
}
