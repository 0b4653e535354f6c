package dev.baton.client;

import dev.baton.StateType;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerCommand;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import dev.baton.store.jdbc.fixtures.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client mode when the server is down, late or killed, with real processes: a flow process in
 * client mode ({@link ClientProcess}) runs at full speed whatever the server does, spools at exit
 * what it could not deliver, and the next process on its {@code BATON_HOME} delivers the spool;
 * Ctrl-C ends it at once. Nothing reported is lost: the server's database ends up with every task
 * run and state, each once.
 */
class ClientOutageTest {
    /** Generous: these JVMs start on a shared, loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final List<StateType> DONE = List.of(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);

    @TempDir
    Path dir;
    private final List<ChildJvm> processes = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (ChildJvm p : processes) p.kill9();
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    @Test
    void withNoServerATaggedFlowRunsAtOnceWarnsOnceAndSpoolsAndTheNextProcessDeliversTheSpool() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        Path home = dir.resolve("home");

        ChildJvm first = client(url, home, "tagged");
        first.awaitLine("run_ms=");
        assertThat(first.awaitExit()).as(first.describe()).isZero();
        assertThat(first.lines()).contains("state=COMPLETED");
        System.out.println("ClientOutageTest: run() of a 4-task flow with no server took "
                + first.value("run_ms=") + " ms");
        String err = first.stderr();
        String output = err + String.join("\n", first.lines()); // log lines go to the console
        assertThat(count(output, "Could not read the concurrency limits")).as(output).isEqualTo(1);
        assertThat(output).contains("tagged 'io' run without its limits");
        assertThat(output).contains("'io'", url, "could NOT be delivered", home.resolve("spool").toString());
        assertThat(spoolFiles(home)).hasSize(1);
        UUID run = UUID.fromString(first.value("run="));

        // the server comes up late; the next process on this BATON_HOME delivers the spool first
        ApiServer server = ApiServer.start(ServerOptions.builder().port(port).batonHome(dir.resolve("server")).build());
        toClose.add(server);
        ChildJvm second = client(url, home, "tagged");
        assertThat(second.awaitExit()).as(second.describe()).isZero();
        assertThat(spoolFiles(home)).as("delivered, then deleted").isEmpty();
        assertThat(second.stderr()).doesNotContain("could NOT be delivered");

        ApiClient api = ApiClient.connect(url, null);
        toClose.add(api);
        assertWhole(api.flowRun(run).orElseThrow(), 4);
        assertWhole(api.flowRun(UUID.fromString(second.value("run="))).orElseThrow(), 4);
    }

    @Test
    void aLiveProcessDeliversOnceTheServerAppearsAndLeavesNoSpool() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        Path home = dir.resolve("home");

        ChildJvm client = client(url, home, "stepped", "4");
        UUID run = UUID.fromString(client.awaitLine("flow_run=").substring("flow_run=".length()));
        step(client);
        step(client);
        client.awaitLine("step=1");

        ApiServer server = ApiServer.start(ServerOptions.builder().port(port).batonHome(dir.resolve("server")).build());
        toClose.add(server);
        ApiClient api = ApiClient.connect(url, null);
        toClose.add(api);
        awaitTaskRuns(api, run, 2);
        step(client);
        step(client);
        client.awaitLine("state=");
        assertThat(client.awaitExit()).as(client.describe()).isZero();

        assertThat(spoolFiles(home)).isEmpty();
        assertWhole(api.flowRun(run).orElseThrow(), 4);
    }

    @Test
    void aServerKilledMidRunLosesNothingOnceRestartedOnTheSameDatabase() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        Path home = dir.resolve("home");
        Path serverHome = dir.resolve("server");

        ChildJvm server = server(port, serverHome, "server-1");
        ApiClient api = ApiClient.connect(url, null);
        toClose.add(api);
        ChildJvm client = client(url, home, "stepped", "6");
        UUID run = UUID.fromString(client.awaitLine("flow_run=").substring("flow_run=".length()));
        for (int i = 0; i < 3; i++) step(client);
        client.awaitLine("step=2");
        awaitTaskRuns(api, run, 3);

        server.kill9(); // kill -9: what it acknowledged is in its database, nothing more
        for (int i = 3; i < 6; i++) step(client);
        client.awaitLine("state=");
        assertThat(client.awaitExit()).as(client.describe()).isZero();
        assertThat(client.lines()).contains("state=COMPLETED");
        assertThat(client.stderr()).contains("could NOT be delivered");
        assertThat(spoolFiles(home)).hasSize(1);

        server(port, serverHome, "server-2");
        ChildJvm next = client(url, home, "tagged");
        assertThat(next.awaitExit()).as(next.describe()).isZero();
        assertThat(spoolFiles(home)).isEmpty();

        FlowRunDetail detail = api.flowRun(run).orElseThrow();
        assertWhole(detail, 6);
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name)
                .containsExactly("step-0", "step-1", "step-2", "step-3", "step-4", "step-5");
    }

    @Test
    void ctrlCEndsAProcessWhoseServerIsDownAtOnceAndSpoolsWhatItReported() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        Path home = dir.resolve("home");

        ChildJvm client = client(url, home, "stepped", "3");
        UUID run = UUID.fromString(client.awaitLine("flow_run=").substring("flow_run=".length()));
        step(client);
        client.awaitLine("step=0");
        long sent = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(client.process.pid())).start().waitFor();
        assertThat(client.process.waitFor(30, TimeUnit.SECONDS)).as("ended by SIGINT; " + client.describe())
                .isTrue();
        System.out.println("ClientOutageTest: SIGINT to exit took " + (System.nanoTime() - sent) / 1_000_000
                + " ms with the server down");
        assertThat(client.stderr()).contains("could NOT be delivered");
        List<Path> spooled = spoolFiles(home);
        assertThat(spooled).hasSize(1);
        String content = Files.readString(spooled.get(0));
        assertThat(content).contains(run.toString(), "step-0", "step-1");

        // delivered later, the run is known, and with its last process gone the server judges it
        ApiServer server = ApiServer.start(ServerOptions.builder().port(port).batonHome(dir.resolve("server")).build());
        toClose.add(server);
        ChildJvm next = client(url, home, "tagged");
        assertThat(next.awaitExit()).as(next.describe()).isZero();
        ApiClient api = ApiClient.connect(url, null);
        toClose.add(api);
        FlowRunDetail detail = api.flowRun(run).orElseThrow();
        assertThat(detail.taskRuns()).extracting(t -> t.state().type()).startsWith(StateType.COMPLETED);
    }

    // ----- helpers -----

    private static void assertWhole(FlowRunDetail detail, int taskRuns) {
        assertThat(types(detail.history())).as("flow run %s", detail.run().name()).isEqualTo(DONE);
        assertThat(detail.taskRuns()).hasSize(taskRuns);
        for (TaskRunDetail t : detail.taskRuns()) assertThat(types(t.history())).as(t.name()).isEqualTo(DONE);
    }

    private static List<StateType> types(List<StateRecord> history) {
        return history.stream().map(StateRecord::type).toList();
    }

    private static void awaitTaskRuns(ApiClient api, UUID run, int completed) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<FlowRunDetail> d = api.flowRun(run);
            if (d.isPresent() && d.get().taskRuns().stream().filter(t -> t.state() != null
                    && t.state().type() == StateType.COMPLETED).count() >= completed) {
                return;
            }
            Thread.sleep(100); // polling the server for a condition
        }
        throw new AssertionError("the server did not get " + completed + " completed task runs of " + run);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    private static List<Path> spoolFiles(Path home) throws IOException {
        Path spool = home.resolve(ApiRunStoreProvider.SPOOL_DIRECTORY);
        if (!Files.isDirectory(spool)) return List.of();
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(p -> p.toString().endsWith(".jsonl")).toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ChildJvm client(String url, Path home, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("-D" + ApiSettings.URL_PROPERTY + "=" + url,
                "-D" + ApiSettings.DELIVERY_TIMEOUT_PROPERTY + "=2s", ClientProcess.class.getName()));
        command.addAll(List.of(args));
        return start("client-" + processes.size(), command, Map.of("BATON_HOME", home.toString()));
    }

    /** An API server in its own JVM (so it can be killed), on {@code port}, its database under {@code home}. */
    private ChildJvm server(int port, Path home, String name) throws Exception {
        ChildJvm p = start(name, List.of(ServerCommand.class.getName(), "--port", Integer.toString(port)),
                Map.of("BATON_HOME", home.toString(), "BATON_CRASH_TIMEOUT", "10m"));
        p.awaitLine("Baton API server");
        return p;
    }

    /** Lets the next step of a {@code stepped} flow end. */
    private static void step(ChildJvm client) throws IOException {
        client.send("go");
    }

    private ChildJvm start(String name, List<String> command, Map<String, String> env) throws IOException {
        ChildJvm p = ChildJvm.start(dir.resolve("logs"), name, env, command.toArray(String[]::new));
        processes.add(p);
        return p;
    }
}
