package dev.baton.client;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow0;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task1;
import dev.baton.Task;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.store.jdbc.fixtures.HostileRuns;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client mode against a real server on SQLite and on PostgreSQL with the hostile inputs of issue
 * 13: every hostile flow run and its healthy neighbour in the same process are recorded whole,
 * with the text cleaned as the embedded store cleans it; a log burst after an outage goes in
 * several requests; an event the server refuses is the only thing lost, and said so.
 */
class ClientHostileInputTest {
    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<BatonRuntime.Scope> scopes = new ArrayList<>();
    private String schema;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = scopes.size() - 1; i >= 0; i--) scopes.get(i).close();
        scopes.clear();
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
        if (schema != null) TestPostgres.dropSchema(schema);
    }

    static Stream<Arguments> casesOnBothDatabases() {
        List<Arguments> all = new ArrayList<>();
        for (boolean postgres : new boolean[] {false, true}) {
            for (HostileRuns.Case c : HostileRuns.Case.values()) all.add(Arguments.of(postgres ? "postgres" : "sqlite", c));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesOnBothDatabases")
    void aHostileFlowRunAndItsNeighbourAreRecordedWhole(String database, HostileRuns.Case c) throws Exception {
        ApiServer server = server(0, database.equals("postgres"), ServerOptions.DEFAULT_MAX_EVENTS_BODY);
        ApiRunStore store = clientStore(server.url());
        HostileRuns.Runs runs = HostileRuns.run(c, runtime(store));
        assertThat(store.flush(Duration.ofSeconds(60))).isTrue();
        assertThat(store.lostEvents()).isZero();
        HostileRuns.assertRecorded(api(server.url()), runs);
    }

    @Test
    void aLogBurstSentAfterTheServerComesUpLateGoesInSeveralRequestsAndArrivesWhole() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        ApiRunStore store = clientStore(url);
        String line = "x".repeat(4_000);
        Task1<Integer, Integer> chatty = Task.named("chatty").of(n -> {
            for (int i = 0; i < n; i++) Baton.logger().info("{} {}", i, line);
            return n;
        });
        Flow0<Integer> flow = Flow.named("burst").of(() -> chatty.call(5_000));
        FlowRun<Integer> run = HostileRuns.recordingRunLogs(() -> {
            scopes.add(runtime(store).makeCurrent());
            return flow.run();
        });
        assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(store.flush(Duration.ofMillis(100))).as("no server yet").isFalse();

        server(port, true, ServerOptions.DEFAULT_MAX_EVENTS_BODY);
        assertThat(store.flush(Duration.ofSeconds(120))).isTrue();
        assertThat(store.lostEvents()).isZero();
        ApiClient api = api(url);
        FlowRunDetail d = api.flowRun(run.id()).orElseThrow();
        assertThat(d.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(d.taskRuns()).singleElement().satisfies(t -> assertThat(t.state().type())
                .isEqualTo(StateType.COMPLETED));
        long lines = api.logs(new LogFilter(run.id(), run.taskRuns().get(0).id(), 0, 1)).total();
        assertThat(lines).as("5,000 lines and the task run's own").isEqualTo(5_001);
    }

    @Test
    void anEventTheServerRefusesIsTheOnlyOneLostAndItIsKeptLoggedAndNotedInItsFlowRun() throws Exception {
        // a server whose events limit is below one cleaned 100,000-character line: it answers 413 to that event alone
        ApiServer server = server(0, false, 64 * 1024);
        ApiRunStore store = clientStore(server.url());
        HostileRuns.Runs runs = HostileRuns.run(HostileRuns.Case.HUGE_LOG_LINE, runtime(store));
        assertThat(store.flush(Duration.ofSeconds(60))).isTrue();

        assertThat(store.lostEvents()).isEqualTo(1);
        Path refused = home.resolve("spool").resolve("refused");
        try (Stream<Path> files = Files.list(refused)) {
            List<Path> kept = files.toList();
            assertThat(kept).singleElement().satisfies(f -> assertThat(Files.readString(f))
                    .contains("413", runs.hostile().id().toString(), "hhhhhhhh"));
        }
        ApiClient api = api(server.url());
        FlowRunDetail hostile = api.flowRun(runs.hostile().id()).orElseThrow();
        assertThat(hostile.taskRuns()).hasSize(HostileRuns.HOSTILE_TASKS);
        assertThat(hostile.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(api.flowRun(runs.neighbour().id()).orElseThrow().taskRuns()).hasSize(HostileRuns.NEIGHBOUR_TASKS);
        List<LogLine> log = api.logs(new LogFilter(runs.hostile().id(), null, 0, 1_000)).items();
        assertThat(log).anySatisfy(l -> {
            assertThat(l.level()).isEqualTo("ERROR");
            assertThat(l.message()).contains("refused by the Baton API server", "NOT recorded", refused.toString());
        });
    }

    // ----- helpers -----

    private ApiServer server(int port, boolean postgres, long maxEventsBody) {
        ServerOptions.Builder options = ServerOptions.builder().port(port).maxEventsBody(maxEventsBody);
        if (postgres) {
            schema = TestPostgres.newSchema();
            options.databaseUrl(TestPostgres.url(schema)).databaseSchema(schema);
        } else {
            options.batonHome(home.resolve("server"));
        }
        ApiServer server = ApiServer.start(options.build());
        toClose.add(server);
        return server;
    }

    private ApiRunStore clientStore(String url) {
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(url, null), new ApiRunStore.Options(1_000_000,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(200), home.resolve("spool")));
        toClose.add(store);
        return store;
    }

    private BatonRuntime runtime(ApiRunStore store) {
        return BatonRuntime.builder().store(store).home(home.resolve("client")).build();
    }

    private ApiClient api(String url) {
        ApiClient api = ApiClient.connect(url, null);
        toClose.add(api);
        return api;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
