package dev.baton.client;

import dev.baton.Clock;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.internal.engine.EngineServices;
import dev.baton.internal.engine.TagLimits;
import dev.baton.internal.history.ConcurrencyLimit;
import dev.baton.internal.history.FlowRunDetail;
import dev.baton.internal.history.StateRecord;
import dev.baton.internal.history.TaskRunDetail;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client mode applies the API server's concurrency limits ({@code ./baton concurrency-limit
 * create TAG N} with {@code BATON_API_URL} set): across every process reporting to the server, at
 * most N task runs with the tag run at once; untagged task runs are not held back; a server that
 * cannot be reached makes limited runs wait, not fail.
 */
class ApiConcurrencyLimitsTest {
    private static final Task1<Integer, Integer> QUERY = Task.named("query").tags("db").of(x -> {
        sleep(150);
        return x;
    });
    private static final Task1<Integer, Integer> PLAIN = Task.named("plain").of(x -> {
        sleep(150);
        return x;
    });

    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        EngineServices.useOnThisThread(null);
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private ApiServer server(int port) {
        ApiServer server = ApiServer.start(ServerOptions.builder().port(port).batonHome(home.resolve("server"))
                .slotRetry(Duration.ofMillis(200)).build());
        toClose.add(server);
        return server;
    }

    private ApiClient api(String url) {
        ApiClient client = ApiClient.connect(url, null);
        toClose.add(client);
        return client;
    }

    /** A client store standing for one process reporting to {@code url}, used by the calling thread's flows. */
    private ApiRunStore reportTo(String url, String process) {
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(url, null), new ApiRunStore.Options(1_000_000,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(200)));
        toClose.add(store);
        EngineServices.useOnThisThread(new EngineServices(store, Clock.system(), home.resolve(process),
                new TagLimits()));
        return store;
    }

    private static Flow0<Integer> fourQueriesAndFourPlainTasks(String name) {
        return Flow.named(name).executor(new ConcurrentExecutor()).of(() -> {
            List<TaskFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) all.add(QUERY.submit(i));
            for (int i = 0; i < 4; i++) all.add(PLAIN.submit(i));
            int sum = 0;
            for (TaskFuture<Integer> f : all) sum += f.result();
            return sum;
        });
    }

    @Test
    void aLimitCreatedOnTheServerLetsOneTaggedTaskRunAtATime() {
        ApiServer server = server(0);
        ApiClient api = api(server.url());
        api.putConcurrencyLimit("db", 1);
        reportTo(server.url(), "client");

        FlowRun<Integer> run = fourQueriesAndFourPlainTasks("limited").run();
        assertThat(run.result()).isEqualTo(12);

        FlowRunDetail recorded = api.flowRun(run.id()).orElseThrow();
        List<Instant[]> queries = runningIntervals(recorded, "query");
        assertThat(queries).hasSize(4);
        assertNoOverlap(queries);
        List<Instant[]> plain = runningIntervals(recorded, "plain");
        Instant lastStart = plain.stream().map(i -> i[0]).max(Instant::compareTo).orElseThrow();
        Instant firstEnd = plain.stream().map(i -> i[1]).min(Instant::compareTo).orElseThrow();
        assertThat(lastStart).as("untagged task runs are not held back").isBefore(firstEnd);
        for (TaskRunDetail t : recorded.taskRuns()) {
            assertThat(t.history()).extracting(StateRecord::type).as(t.name())
                    .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        }
        assertThat(api.concurrencyLimit("db").map(ConcurrencyLimit::activeSlots).orElseThrow())
                .as("every slot given back").isEmpty();
    }

    @Test
    void twoProcessesReportingToOneServerShareTheLimit() throws Exception {
        ApiServer server = server(0);
        ApiClient api = api(server.url());
        api.putConcurrencyLimit("db", 1);

        CompletableFuture<FlowRun<Integer>> a = CompletableFuture.supplyAsync(() -> {
            reportTo(server.url(), "first");
            return fourQueriesAndFourPlainTasks("a").run();
        });
        CompletableFuture<FlowRun<Integer>> b = CompletableFuture.supplyAsync(() -> {
            reportTo(server.url(), "second");
            return fourQueriesAndFourPlainTasks("b").run();
        });
        FlowRun<Integer> runA = a.get(60, TimeUnit.SECONDS);
        FlowRun<Integer> runB = b.get(60, TimeUnit.SECONDS);
        assertThat(runA.result()).isEqualTo(12);
        assertThat(runB.result()).isEqualTo(12);

        List<Instant[]> queries = new ArrayList<>(runningIntervals(api.flowRun(runA.id()).orElseThrow(), "query"));
        queries.addAll(runningIntervals(api.flowRun(runB.id()).orElseThrow(), "query"));
        assertThat(queries).hasSize(8);
        assertNoOverlap(queries);
        assertThat(api.concurrencyLimit("db").map(ConcurrencyLimit::activeSlots).orElseThrow()).isEmpty();
    }

    @Test
    void aLimitedTaskRunWaitsWhileTheServerIsDownAndRunsOnceItIsBack() throws Exception {
        int port = freePort();
        ApiServer server = server(port);
        api(server.url()).putConcurrencyLimit("db", 1);
        reportTo(server.url(), "client");
        EngineServices client = EngineServices.current();
        // the client learns which tags are limited with its first tagged run
        assertThat(fourQueriesAndFourPlainTasks("before").run().result()).isEqualTo(12);
        server.close();

        CompletableFuture<FlowRun<Integer>> during = CompletableFuture.supplyAsync(() -> {
            EngineServices.useOnThisThread(client);
            return Flow.named("during").of(() -> QUERY.call(7) + PLAIN.call(1)).run();
        });
        Thread.sleep(1_500);
        assertThat(during).as("the limited task run waits for the server").isNotDone();

        ApiServer again = server(port);
        FlowRun<Integer> run = during.get(60, TimeUnit.SECONDS);
        assertThat(run.result()).isEqualTo(8);
        ApiClient api = api(again.url());
        FlowRunDetail recorded = api.flowRun(run.id()).orElseThrow();
        assertThat(recorded.taskRuns()).allSatisfy(t -> assertThat(t.history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED));
        assertThat(api.concurrencyLimit("db").map(ConcurrencyLimit::activeSlots).orElseThrow())
                .as("its slot given back").isEmpty();
    }

    /** [RUNNING, end] of every task run of {@code taskName}, as the server recorded them. */
    private static List<Instant[]> runningIntervals(FlowRunDetail run, String taskName) {
        List<Instant[]> out = new ArrayList<>();
        for (TaskRunDetail t : run.taskRuns()) {
            if (!t.taskName().equals(taskName)) continue;
            Instant start = null, end = null;
            for (StateRecord s : t.history()) {
                if (s.type() == StateType.RUNNING) start = s.timestamp();
                else if (start != null && s.type().isFinal()) end = s.timestamp();
            }
            assertThat(start).as(t.name() + " ran").isNotNull();
            assertThat(end).as(t.name() + " ended").isNotNull();
            out.add(new Instant[]{start, end});
        }
        return out;
    }

    private static void assertNoOverlap(List<Instant[]> intervals) {
        List<Instant[]> sorted = new ArrayList<>(intervals);
        sorted.sort((x, y) -> x[0].compareTo(y[0]));
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)[0]).as("run %d started after run %d ended", i, i - 1)
                    .isAfterOrEqualTo(sorted.get(i - 1)[1]);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
