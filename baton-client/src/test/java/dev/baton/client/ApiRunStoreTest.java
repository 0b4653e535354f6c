package dev.baton.client;

import dev.baton.BatonRuntime;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.TaskFuture;
import dev.baton.spi.RunEvents;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client mode against a real API server over HTTP: what a flow run reports arrives whole and in
 * order, and an absent server neither stops the flow nor loses what it reported.
 */
class ApiRunStoreTest {
    private static final ObjectMapper JSON = RunEvents.newMapper();
    private static final Task1<Integer, Integer> DOUBLE = Task.named("double").of(x -> x * 2);
    private static final Task2<Integer, Integer, Integer> ADD = Task.named("add").of(Integer::sum);

    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<BatonRuntime.Scope> scopes = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = scopes.size() - 1; i >= 0; i--) scopes.get(i).close();
        scopes.clear();
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private ApiServer server(int port) {
        ApiServer server = ApiServer.start(ServerOptions.builder().port(port).batonHome(home.resolve("server")).build());
        toClose.add(server);
        return server;
    }

    private ApiRunStore clientStore(String url, Duration flushTimeout) {
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(url, null), new ApiRunStore.Options(1_000_000, flushTimeout,
                Duration.ofSeconds(1), Duration.ofMillis(200)));
        toClose.add(store);
        scopes.add(BatonRuntime.builder().store(store).home(home.resolve("client")).build().makeCurrent());
        return store;
    }

    private static Flow0<Integer> diamond() {
        return Flow.named("diamond").tags("nightly").of(() -> {
            TaskFuture<Integer> a = DOUBLE.submit(1);
            TaskFuture<Integer> b = DOUBLE.submit(2);
            return ADD.submit(a, b).result();
        });
    }

    @Test
    void aFlowRunReportsItsWholeHistoryToTheServer() throws Exception {
        ApiServer server = server(0);
        clientStore(server.url(), Duration.ofSeconds(30));

        FlowRun<Integer> run = diamond().run();
        assertThat(run.result()).isEqualTo(6);

        // flowRunFinished waited for delivery: the server has it all now
        FlowRunDetail detail = flowRun(server.url(), run.id());
        assertThat(detail.run().name()).isEqualTo(run.name());
        assertThat(detail.run().flowName()).isEqualTo("diamond");
        assertThat(types(detail.history())).containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name).containsExactly("double-0", "double-1", "add-0");
        for (TaskRunDetail t : detail.taskRuns()) {
            assertThat(types(t.history())).as(t.name())
                    .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        }
        TaskRunDetail add = detail.taskRuns().get(2);
        assertThat(add.upstream()).containsExactly(detail.taskRuns().get(0).id(), detail.taskRuns().get(1).id());
        // the times the engine stamped, not the server's
        assertThat(detail.history().get(2).timestamp()).isEqualTo(run.state().timestamp());
    }

    @Test
    void aServerThatIsDownGetsEverythingInOrderOnceItAnswers() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/api";
        ApiRunStore store = clientStore(url, Duration.ofMillis(300));

        // no server: the flow runs regardless, its records wait in the outbox
        List<FlowRun<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) runs.add(diamond().run());
        assertThat(runs).allSatisfy(r -> assertThat(r.state().isCompleted()).isTrue());
        assertThat(store.flush(Duration.ofMillis(100))).isFalse();

        ApiServer server = server(port);
        assertThat(store.flush(Duration.ofSeconds(30))).as("delivered once the server answers").isTrue();
        assertThat(store.lostEvents()).isZero();
        for (FlowRun<Integer> run : runs) {
            FlowRunDetail detail = flowRun(server.url(), run.id());
            assertThat(types(detail.history())).containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
            assertThat(detail.taskRuns()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                List<State> local = run.taskRuns().get(i).history();
                List<StateRecord> remote = detail.taskRuns().get(i).history();
                assertThat(remote).hasSameSizeAs(local);
                for (int s = 0; s < local.size(); s++) {
                    assertThat(remote.get(s).type()).isEqualTo(local.get(s).type());
                    assertThat(remote.get(s).timestamp()).isEqualTo(local.get(s).timestamp());
                }
            }
        }
    }

    @Test
    void theStoreProviderAppliesOnlyWhenAnApiUrlIsSet() {
        String before = System.getProperty(ApiSettings.URL_PROPERTY);
        try {
            System.clearProperty(ApiSettings.URL_PROPERTY);
            if (System.getenv(ApiSettings.URL_ENVIRONMENT) == null) {
                assertThat(new ApiRunStoreProvider().precedence()).isNegative();
            }
            System.setProperty(ApiSettings.URL_PROPERTY, "http://127.0.0.1:4200/api");
            assertThat(new ApiRunStoreProvider().precedence()).isPositive();
        } finally {
            if (before == null) System.clearProperty(ApiSettings.URL_PROPERTY);
            else System.setProperty(ApiSettings.URL_PROPERTY, before);
        }
    }

    @Test
    void aMalformedApiUrlIsRefusedWithAnExample() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiSettings.of("127.0.0.1:4200", null))
                .hasMessageContaining("http://127.0.0.1:4200/api").hasMessageContaining("127.0.0.1:4200");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiSettings.of("ftp://x/api", null))
                .hasMessageContaining("http://127.0.0.1:4200/api");
        assertThat(ApiSettings.of("http://127.0.0.1:4200/api/", null).route("/events").toString())
                .isEqualTo("http://127.0.0.1:4200/api/events");
    }

    // ----- helpers -----

    private static List<StateType> types(List<StateRecord> history) {
        return history.stream().map(StateRecord::type).toList();
    }

    private static FlowRunDetail flowRun(String apiUrl, UUID id) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/flow_runs/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readValue(r.body(), FlowRunDetail.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
