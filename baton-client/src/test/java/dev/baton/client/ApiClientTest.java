package dev.baton.client;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.TaskRunDetail;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ApiClient} against a real {@link ApiServer} over real HTTP, serving an embedded
 * database filled by real flow runs: it answers exactly what the database answers, and every
 * failure says what to do.
 */
class ApiClientTest {
    @TempDir
    static Path home;
    static FlowRun<Integer> run;
    static ApiServer server;
    static JdbcRunHistory database;
    static final int LOG_LINES = 2_500;

    @BeforeAll
    static void recordAndServe() {
        Task1<Integer, Integer> inc = Task.named("inc").tags("cpu").of(x -> {
            Baton.logger().info("inc {}", x);
            return x + 1;
        });
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(store).home(home).build().makeCurrent()) {
            for (int i = 0; i < 3; i++) Flow.named("warmup").of(() -> 1).run();
            run = Flow.named("chain").of(() -> {
                TaskFuture<Integer> f = inc.submit(0);
                for (int i = 1; i < LOG_LINES; i++) f = inc.submit(f);
                return f.result();
            }).run();
        } finally {
            store.close();
        }
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build());
        database = JdbcRunHistory.open(JdbcRunStore.embeddedUrl(home), null);
    }

    @AfterAll
    static void stop() {
        if (database != null) database.close();
        if (server != null) server.close();
    }

    @Test
    void flowRunsTaskRunsAndLogsAreWhatTheDatabaseHolds() {
        try (ApiClient api = ApiClient.connect(server.url(), null)) {
            assertThat(api.health()).containsEntry("status", "ok");

            Page<FlowRunSummary> all = api.flowRuns(FlowRunFilter.all(100));
            assertThat(all).isEqualTo(database.flowRuns(FlowRunFilter.all(100)));
            assertThat(all.total()).isEqualTo(4);
            assertThat(all.items().get(0).id()).isEqualTo(run.id());

            FlowRunFilter chains = new FlowRunFilter(Set.of(StateType.COMPLETED), "CHA", null, null, Set.of(), 0, 1);
            assertThat(api.flowRuns(chains).items()).extracting(FlowRunSummary::id).containsExactly(run.id());
            assertThat(api.flowRuns(new FlowRunFilter(Set.of(), null, null, null, Set.of(), 1, 2)))
                    .isEqualTo(database.flowRuns(new FlowRunFilter(Set.of(), null, null, null, Set.of(), 1, 2)));

            FlowRunDetail detail = api.flowRun(run.id()).orElseThrow();
            assertThat(detail).isEqualTo(database.flowRun(run.id()).orElseThrow());
            assertThat(detail.taskRuns()).hasSize(FlowRunDetail.MAX_TASK_RUNS);
            assertThat(detail.run().taskRuns()).isEqualTo(LOG_LINES);
            TaskRunDetail second = detail.taskRuns().get(1);
            assertThat(second.upstream()).containsExactly(detail.taskRuns().get(0).id());
            assertThat(api.taskRun(second.id())).contains(second);

            List<TaskRunDetail> taskRuns = new ArrayList<>();
            for (int offset = 0; ; ) {
                Page<TaskRunDetail> page = api.taskRuns(run.id(), offset, 600).orElseThrow();
                assertThat(page).isEqualTo(database.taskRuns(run.id(), offset, 600).orElseThrow());
                assertThat(page.total()).isEqualTo(LOG_LINES);
                taskRuns.addAll(page.items());
                offset += page.items().size();
                if (!page.hasMore()) break;
            }
            assertThat(taskRuns).extracting(TaskRunDetail::id)
                    .containsExactlyElementsOf(run.taskRuns().stream().map(TaskRun::id).toList());
            assertThat(taskRuns.subList(0, FlowRunDetail.MAX_TASK_RUNS)).isEqualTo(detail.taskRuns());
            assertThat(taskRuns.get(LOG_LINES - 1).upstream()).containsExactly(taskRuns.get(LOG_LINES - 2).id());

            List<LogLine> lines = new ArrayList<>();
            for (int offset = 0; ; ) {
                Page<LogLine> page = api.logs(new LogFilter(run.id(), null, offset, 1_000));
                lines.addAll(page.items());
                offset += page.items().size();
                if (!page.hasMore()) break;
            }
            assertThat(lines).isEqualTo(database.logs(new LogFilter(run.id(), null, 0, 10_000)).items());
            List<String> incs = lines.stream().map(LogLine::message).filter(m -> m.startsWith("inc ")).toList();
            assertThat(incs).hasSize(LOG_LINES).startsWith("inc 0", "inc 1").endsWith("inc " + (LOG_LINES - 1));
        }
    }

    @Test
    void flowsAreWhatTheDatabaseHolds() {
        try (ApiClient api = ApiClient.connect(server.url(), null)) {
            Page<FlowSummary> all = api.flows(0, 100);
            assertThat(all).isEqualTo(database.flows(0, 100));
            assertThat(all.items()).extracting(FlowSummary::name).containsExactly("chain", "warmup");
            assertThat(all.items().get(1).flowRuns()).isEqualTo(3);
            assertThat(all.items().get(0).lastFlowRunId()).isEqualTo(run.id());
            assertThat(all.items().get(0).lastState().type()).isEqualTo(StateType.COMPLETED);
            Page<FlowSummary> second = api.flows(1, 1);
            assertThat(second.items()).extracting(FlowSummary::name).containsExactly("warmup");
            assertThat(second.total()).isEqualTo(2);

            assertThat(api.flow("warmup")).isEqualTo(database.flow("warmup")).isPresent();
            assertThat(api.flow("no such flow/..")).isEmpty();
            assertThatThrownBy(() -> api.flows(0, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit");
        }
    }

    @Test
    void unknownIdsAndTagsAreEmptyAnswers() {
        try (ApiClient api = ApiClient.connect(server.url() + "/", null)) {
            assertThat(api.flowRun(UUID.randomUUID())).isEmpty();
            assertThat(api.taskRun(UUID.randomUUID())).isEmpty();
            assertThat(api.taskRuns(UUID.randomUUID(), 0, 10)).isEmpty();
            assertThatThrownBy(() -> api.taskRuns(run.id(), 0, RunHistory.MAX_TASK_RUN_PAGE + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
            assertThat(api.concurrencyLimit("no-such-tag")).isEmpty();
            assertThat(api.deleteConcurrencyLimit("no-such-tag")).isFalse();
        }
    }

    @Test
    void concurrencyLimitsAreCreatedReadChangedAndDeleted() {
        try (ApiClient api = ApiClient.connect(server.url(), null)) {
            String odd = "db writes/é ..%2F?#";
            ConcurrencyLimit created = api.putConcurrencyLimit(odd, 3);
            assertThat(created.tag()).isEqualTo(odd);
            assertThat(created.limit()).isEqualTo(3);
            assertThat(api.concurrencyLimit(odd)).contains(created);
            assertThat(database.concurrencyLimit(odd)).contains(created);
            assertThat(api.putConcurrencyLimit(odd, 1).limit()).isEqualTo(1);
            assertThat(api.concurrencyLimits()).extracting(ConcurrencyLimit::tag).contains(odd);
            assertThat(api.deleteConcurrencyLimit(odd)).isTrue();
            assertThat(api.concurrencyLimit(odd)).isEmpty();
            assertThat(database.concurrencyLimit(odd)).isEmpty();
        }
    }

    @Test
    void aRejectedRequestPassesTheServersMessageOn() {
        try (ApiClient api = ApiClient.connect(server.url(), null)) {
            assertThatThrownBy(() -> api.putConcurrencyLimit("io", -1))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isBetween(400, 499);
                        assertThat(e.getMessage()).startsWith("The Baton API server at " + server.url() + " rejected")
                                .contains("-1");
                    });
        }
    }

    @Test
    void noServerAnsweringSaysHowToStartOne() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/api";
        try (ApiClient api = ApiClient.connect(url, null)) {
            assertThatThrownBy(() -> api.flowRuns(FlowRunFilter.all(10)))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isZero();
                        assertThat(e.getMessage()).startsWith("No Baton API server answered at BATON_API_URL=" + url)
                                .contains("./baton server start", "unset BATON_API_URL");
                    });
        }
    }

    @Test
    void aUrlThatIsNotTheApiIsNotMistakenForAnUnknownId() {
        String root = server.url().substring(0, server.url().length() - "/api".length());
        try (ApiClient api = ApiClient.connect(root, null)) {
            assertThatThrownBy(() -> api.flowRun(run.id())).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.getMessage()).contains("ending in /api"));
        }
        assertThatThrownBy(() -> ApiClient.connect("127.0.0.1:4200", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://127.0.0.1:4200/api");
    }

    @Test
    void aServerWithAKeyRefusesAMissingOrWrongOneAndSaysWhichIsWrong() {
        try (ApiServer guarded = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).apiKey("s3cret")
                .build())) {
            try (ApiClient none = ApiClient.connect(guarded.url(), null)) {
                assertThatThrownBy(() -> none.flowRuns(FlowRunFilter.all(1)))
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).contains("401", "BATON_API_KEY is not set");
                        });
            }
            try (ApiClient wrong = ApiClient.connect(guarded.url(), "guess")) {
                assertThatThrownBy(() -> wrong.concurrencyLimits())
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).contains("BATON_API_KEY is wrong").doesNotContain("s3cret");
                        });
            }
            try (ApiClient right = ApiClient.connect(guarded.url(), "s3cret")) {
                assertThat(right.flowRun(run.id())).isPresent();
            }
        }
    }

    @Test
    void pathSegmentsEncodeEverythingButUnreservedCharacters() {
        assertThat(ApiClient.pathSegment("a-b_c~9")).isEqualTo("a-b_c~9");
        assertThat(ApiClient.pathSegment("..")).isEqualTo("%2E%2E");
        assertThat(ApiClient.pathSegment("a b/é")).isEqualTo("a%20b%2F%C3%A9");
    }
}
