package dev.baton.cli;

import dev.baton.FlowRun;
import dev.baton.client.ApiClient;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.store.jdbc.JdbcRunStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands with {@code BATON_API_URL} set: end to end through a real {@link ApiServer} over
 * HTTP, answering what the same commands answer on the database itself; and
 * {@code baton server start} serving until stopped.
 */
class ApiCommandsTest {
    @TempDir
    static Path served;
    @TempDir
    static Path elsewhere;
    static ApiServer server;
    static FlowRun<Integer> etl;
    static Cli embedded, remote;

    @BeforeAll
    static void serve() {
        JdbcRunStore store = JdbcRunStore.builder().embedded(served).build();
        try {
            etl = RecordedRuns.run(store, served, () -> RecordedRuns.etl().run("api", 2));
            RecordedRuns.run(store, served, RecordedRuns.failing::run);
        } finally {
            store.close();
        }
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(served).build());
        embedded = Cli.embedded(served);
        // a Baton home of its own, empty: everything must come through the server
        remote = Cli.embedded(elsewhere).with("BATON_API_URL", server.url());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theFlowRunCommandsAnswerThroughTheServerWhatTheyAnswerOnTheDatabase() {
        String id = etl.id().toString();
        for (String[] args : new String[][] {
                {"flow-run", "ls", "--json"}, {"flow-run", "ls"}, {"flow-run", "ls", "--state", "failed"},
                {"flow-run", "inspect", id}, {"flow-run", "inspect", "--json", id}, {"flow-run", "logs", id},
                {"flow-run", "logs", "--json", id}, {"flow", "ls"}, {"flow", "ls", "--json"},
                {"flow", "inspect", "etl"}, {"flow", "inspect", "--json", "etl"}}) {
            Cli.Result viaApi = remote.run(args);
            Cli.Result direct = embedded.run(args);
            assertThat(viaApi.exitCode()).as(String.join(" ", args) + "\n" + viaApi).isZero();
            assertThat(viaApi.out()).as(String.join(" ", args)).isEqualTo(direct.out());
        }
        assertThat(remote.run("flow-run", "ls").out()).contains(id, "etl", "failing");
        assertThat(Files.exists(elsewhere.resolve("baton.db"))).as("no database opened under BATON_HOME").isFalse();

        Cli.Result unknown = remote.run("flow-run", "inspect", "00000000-0000-7000-8000-000000000000");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("baton: No flow run with id 00000000-0000-7000-8000-000000000000"
                + " in the Baton API server at " + server.url() + " (see baton flow-run ls)");
    }

    @Test
    void aFlowRunIsNamedThroughTheServerByTheStartOfItsIdOrItsName() {
        String id = etl.id().toString();
        for (String reference : List.of(id.substring(0, 23), etl.name())) {
            Cli.Result viaApi = remote.run("flow-run", "inspect", reference);
            assertThat(viaApi.exitCode()).as(reference + "\n" + viaApi).isZero();
            assertThat(viaApi.out()).isEqualTo(embedded.run("flow-run", "inspect", id).out());
        }
        Cli.Result ambiguous = remote.run("flow-run", "logs", id.substring(0, 1));
        assertThat(ambiguous.exitCode()).as(ambiguous.toString()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("give more of the id", id);
    }

    @Test
    void aFlowRunInClientModeIsCancelledAndDeletedThroughTheServer(@TempDir Path own) throws Exception {
        try (ApiServer api = ApiServer.start(ServerOptions.builder().port(0).batonHome(own.resolve("server")).build())) {
            Cli cli = Cli.embedded(own.resolve("cli")).with("BATON_API_URL", api.url());
            try (RunningFlow flow = RunningFlow.start(own.resolve("client"), Duration.ofMillis(200),
                    Map.of("BATON_API_URL", api.url()))) {
                String row = flow.await("the flow run on the server, Running", () -> {
                    Cli.Result ls = cli.run("flow-run", "ls", "--name", "long_running");
                    return ls.out().contains("Running") ? Optional.of(ls.out().lines().skip(1).findFirst().orElseThrow())
                            : Optional.empty();
                });
                String id = row.substring(0, 36);

                Cli.Result early = cli.run("flow-run", "delete", id);
                assertThat(early.exitCode()).as(early.toString()).isEqualTo(1);
                assertThat(early.err()).contains("has not finished", "Cancel it first");

                Cli.Result cancel = cli.run("flow-run", "cancel", id.substring(0, 23));
                assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
                assertThat(cancel.out()).contains(") is Cancelling");

                // the client process asks the server for its runs' states, and ends the run Cancelled
                assertThat(flow.awaitExit()).as(flow.stderr()).isZero();
                assertThat(flow.stdout()).contains("state=CANCELLED");
                String states = flow.await("the flow run Cancelled on the server", () -> {
                    String out = cli.run("flow-run", "inspect", id).out();
                    return out.contains("Cancelled") ? Optional.of(FlowRunCommandsTest.section(out, "State history"))
                            : Optional.empty();
                });
                assertThat(states.lines().skip(2).map(l -> l.trim().split("\\s{2,}")[1]).toList())
                        .containsExactly("Pending", "Running", "Cancelling", "Cancelled");

                Cli.Result again = cli.run("flow-run", "cancel", id);
                assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
                assertThat(again.err()).contains("has already finished: it is Cancelled");

                Cli.Result delete = cli.run("flow-run", "delete", id);
                assertThat(delete.exitCode()).as(delete.toString()).isZero();
                assertThat(cli.run("flow-run", "ls").out()).doesNotContain(id);
            }
        }
    }

    @Test
    void deploymentsAreDeployedListedRunAndWorkedThroughTheServer(@TempDir Path own) {
        try (ApiServer api = ApiServer.start(ServerOptions.builder().port(0).batonHome(own.resolve("server")).build())) {
            Cli cli = Cli.embedded(own.resolve("cli")).with("BATON_API_URL", api.url());
            Cli direct = Cli.embedded(own.resolve("server")); // the server's database itself
            Cli.Result deployed = cli.run("deploy", "--flow", "dev.baton.cli.WorkerFlows#greet", "--name", "greet",
                    "--param", "name=world", "--tag", "api");
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            assertThat(deployed.out()).contains("Created deployment 'greet' of flow 'greet'");

            for (String[] args : new String[][] {{"deployment", "ls"}, {"deployment", "ls", "--json"},
                    {"deployment", "inspect", "greet"}, {"deployment", "inspect", "--json", "greet"}}) {
                Cli.Result viaApi = cli.run(args);
                assertThat(viaApi.exitCode()).as(String.join(" ", args) + "\n" + viaApi).isZero();
                assertThat(viaApi.out()).as(String.join(" ", args)).isEqualTo(direct.run(args).out());
            }
            assertThat(cli.run("deployment", "ls").out()).containsPattern("greet\\s+greet\\s+-\\s+active");

            Cli.Result run = cli.run("deployment", "run", "greet", "--param", "name=Baton");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            Matcher created = Pattern.compile("Created flow run '[^']+' \\(([0-9a-f-]{36})\\)").matcher(run.out());
            assertThat(created.find()).as(run.out()).isTrue();
            String id = created.group(1);
            assertThat(cli.run("deployment", "inspect", "greet").out()).contains("(ad hoc)");
            Cli.Result unknown = cli.run("deployment", "run", "nope");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err().strip()).isEqualTo("baton: No deployment named 'nope' in the Baton API server at "
                    + api.url() + " (see baton deployment ls)");
            Cli.Result refused = cli.run("deployment", "run", "greet", "--param", "nmae=Baton");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("Flow 'greet' has no parameter 'nmae' (its parameters: name)",
                    "No run was created");
            assertThat(cli.run("deployment", "inspect", "greet").out()).contains("    name  string  default \"world\"");

            // a worker through the server: it claims the run there, its JVM records it there
            Cli.Result worker = cli.run("worker", "start", "--pool", "default", "--run-once");
            assertThat(worker.exitCode()).as(worker.toString()).isZero();
            assertThat(worker.out()).contains("the API server at " + api.url(), "1 run(s) started, all completed");
            assertThat(cli.run("flow-run", "logs", id).out()).contains("Hello, Baton!");
            String states = FlowRunCommandsTest.section(cli.run("flow-run", "inspect", id).out(), "State history");
            assertThat(states.lines().skip(2).map(l -> l.trim().split("\\s{2,}")[1]).toList())
                    .containsExactly("Scheduled", "Pending", "Running", "Completed");
            assertThat(Files.exists(own.resolve("cli").resolve("baton.db"))).as("no database opened under BATON_HOME")
                    .isFalse();

            assertThat(cli.run("deployment", "pause", "greet").exitCode()).isZero();
            assertThat(direct.run("deployment", "ls").out()).contains("paused");
            assertThat(cli.run("deployment", "resume", "greet").exitCode()).isZero();
            assertThat(cli.run("deployment", "delete", "greet").exitCode()).isZero();
            assertThat(direct.run("deployment", "ls").out()).contains("No deployments");
        }
    }

    @Test
    void concurrencyLimitsAreAdministeredThroughTheServer() {
        Cli.Result created = remote.run("concurrency-limit", "create", "remote-io", "4");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).contains("'remote-io' set to 4");
        // the server's database holds it
        assertThat(embedded.run("concurrency-limit", "inspect", "remote-io").out()).contains("Limit       4");
        assertThat(remote.run("concurrency-limit", "ls").out()).containsPattern("remote-io\\s+4\\s+0");
        assertThat(remote.run("concurrency-limit", "inspect", "--json", "remote-io").out())
                .contains("\"tag\" : \"remote-io\"", "\"limit\" : 4");
        assertThat(remote.run("concurrency-limit", "delete", "remote-io").exitCode()).isZero();
        Cli.Result gone = remote.run("concurrency-limit", "delete", "remote-io");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).startsWith("baton: No concurrency limit for tag 'remote-io' in the Baton API server");
        Cli.Result negative = remote.run("concurrency-limit", "create", "remote-io", "-2");
        assertThat(negative.exitCode()).isEqualTo(2);
    }

    @Test
    void noServerOrTheWrongKeyIsOneLineSayingWhatToDo() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Cli.Result down = remote.with("BATON_API_URL", "http://127.0.0.1:" + port + "/api").run("flow-run", "ls");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err().lines().toList()).singleElement().asString()
                .startsWith("baton: No Baton API server answered at BATON_API_URL=http://127.0.0.1:" + port + "/api")
                .contains("./baton server start");

        try (ApiServer guarded = ApiServer.start(ServerOptions.builder().port(0).batonHome(served).apiKey("k3y")
                .build())) {
            Cli.Result noKey = remote.with("BATON_API_URL", guarded.url()).run("flow-run", "ls");
            assertThat(noKey.exitCode()).isEqualTo(1);
            assertThat(noKey.err()).contains("401", "BATON_API_KEY is not set").doesNotContain("\tat ");
            Cli.Result withKey = remote.with("BATON_API_URL", guarded.url()).with("BATON_API_KEY", "k3y")
                    .run("flow-run", "ls");
            assertThat(withKey.exitCode()).as(withKey.toString()).isZero();
            assertThat(withKey.out()).contains(etl.id().toString());
        }
    }

    @Test
    void serverStartServesUntilStopped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CliEnvironment env = CliEnvironment.of(Map.of("BATON_HOME", served.toString()));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread running = Thread.ofPlatform().name("baton-server-start").start(() -> exit.set(BatonCli.execute(
                new String[] {"server", "start", "--port", "0"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env)));
        try {
            Pattern listening = Pattern.compile("listening at (http://127\\.0\\.0\\.1:\\d+/api)");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Matcher m = listening.matcher("");
            while (System.nanoTime() < deadline && running.isAlive()) {
                m = listening.matcher(out.toString(StandardCharsets.UTF_8));
                if (m.find()) break;
                Thread.sleep(50);
            }
            assertThat(m.hasMatch()).as("server start printed its URL; out: " + out + " err: " + err).isTrue();
            String url = m.group(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("export BATON_API_URL=" + url);
            Cli.Result ls = Cli.embedded(elsewhere).with("BATON_API_URL", url).run("flow-run", "ls");
            assertThat(ls.out()).as(ls.toString()).contains(etl.id().toString());
        } finally {
            running.interrupt();
            running.join(Duration.ofSeconds(60));
        }
        assertThat(running.isAlive()).isFalse();
        assertThat(exit.get()).as("exit code; err: " + err).isZero();
    }

    @Test
    void aPortInUseIsOneLine() {
        Cli.Result taken = Cli.embedded(served).run("server", "start", "--port", String.valueOf(server.port()));
        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err().lines().toList()).singleElement().asString().startsWith("baton: ")
                .contains(String.valueOf(server.port()));
        try (ApiClient api = ApiClient.connect(server.url(), null)) {
            assertThat(api.health()).as("the server on that port still answers").containsEntry("status", "ok");
        }
    }
}
