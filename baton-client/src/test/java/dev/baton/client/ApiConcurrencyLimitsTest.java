package dev.baton.client;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import dev.baton.store.jdbc.fixtures.LimitScenario;
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

    /** A client store standing for one process reporting to {@code url}. */
    private ApiRunStore reportTo(String url, String process) {
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(url, null), new ApiRunStore.Options(1_000_000,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(200)));
        toClose.add(store);
        return store;
    }

    private BatonRuntime runtime(ApiRunStore store, String process) {
        return BatonRuntime.builder().store(store).home(home.resolve(process)).build();
    }

    /** As {@link #reportTo}, for the calling thread's flows. */
    private ApiRunStore reportHere(String url, String process) {
        ApiRunStore store = reportTo(url, process);
        scopes.add(runtime(store, process).makeCurrent());
        return store;
    }

    @Test
    void aLimitCreatedOnTheServerLetsOneTaggedTaskRunAtATime() {
        ApiServer server = server(0);
        ApiClient api = api(server.url());
        api.putConcurrencyLimit(LimitScenario.TAG, 1);
        reportHere(server.url(), "client");

        FlowRun<Integer> run = LimitScenario.fourTaggedAndFourPlain("limited").run();
        assertThat(run.result()).isEqualTo(LimitScenario.RESULT);

        FlowRunDetail recorded = api.flowRun(run.id()).orElseThrow();
        List<long[]> queries = runningIntervals(recorded, "query");
        assertThat(queries).hasSize(4);
        LimitScenario.assertOneAtATime(queries);
        LimitScenario.assertAllAtOnce(runningIntervals(recorded, "plain"));
        for (TaskRunDetail t : recorded.taskRuns()) {
            assertThat(t.history()).extracting(StateRecord::type).as(t.name())
                    .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        }
        assertThat(api.concurrencyLimit(LimitScenario.TAG).map(ConcurrencyLimit::activeSlots).orElseThrow())
                .as("every slot given back").isEmpty();
    }

    @Test
    void twoProcessesReportingToOneServerShareTheLimit() throws Exception {
        ApiServer server = server(0);
        ApiClient api = api(server.url());
        api.putConcurrencyLimit(LimitScenario.TAG, 1);

        BatonRuntime first = runtime(reportTo(server.url(), "first"), "first");
        BatonRuntime second = runtime(reportTo(server.url(), "second"), "second");
        CompletableFuture<FlowRun<Integer>> a = CompletableFuture.supplyAsync(
                () -> LimitScenario.fourTaggedAndFourPlain("a").on(first).run());
        CompletableFuture<FlowRun<Integer>> b = CompletableFuture.supplyAsync(
                () -> LimitScenario.fourTaggedAndFourPlain("b").on(second).run());
        FlowRun<Integer> runA = a.get(60, TimeUnit.SECONDS);
        FlowRun<Integer> runB = b.get(60, TimeUnit.SECONDS);
        assertThat(runA.result()).isEqualTo(LimitScenario.RESULT);
        assertThat(runB.result()).isEqualTo(LimitScenario.RESULT);

        List<long[]> queries = new ArrayList<>(runningIntervals(api.flowRun(runA.id()).orElseThrow(), "query"));
        queries.addAll(runningIntervals(api.flowRun(runB.id()).orElseThrow(), "query"));
        assertThat(queries).hasSize(8);
        LimitScenario.assertOneAtATime(queries);
        assertThat(api.concurrencyLimit(LimitScenario.TAG).map(ConcurrencyLimit::activeSlots).orElseThrow()).isEmpty();
    }

    @Test
    void whileTheServerIsDownALimitLastReadHoldsWithinTheProcessAndTheFlowGoesOn() throws Exception {
        int port = freePort();
        ApiServer server = server(port);
        api(server.url()).putConcurrencyLimit(LimitScenario.TAG, 1);
        ApiRunStore store = reportHere(server.url(), "client");
        // the client learns which tags are limited with its first tagged run
        assertThat(LimitScenario.fourTaggedAndFourPlain("before").run().result()).isEqualTo(LimitScenario.RESULT);
        server.close();

        FlowRun<Integer> run = LimitScenario.fourTaggedAndFourPlain("during").run();
        assertThat(run.result()).as("ran without the server").isEqualTo(LimitScenario.RESULT);
        LimitScenario.assertOneAtATime(localRunningIntervals(run, "query"));

        ApiServer again = server(port);
        assertThat(store.flush(Duration.ofSeconds(60))).as("delivered once the server is back").isTrue();
        ApiClient api = api(again.url());
        FlowRunDetail recorded = api.flowRun(run.id()).orElseThrow();
        assertThat(recorded.taskRuns()).hasSize(8).allSatisfy(t -> assertThat(t.history())
                .extracting(StateRecord::type).containsExactly(StateType.PENDING, StateType.RUNNING,
                        StateType.COMPLETED));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!api.concurrencyLimit(LimitScenario.TAG).orElseThrow().activeSlots().isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling: the background release reaches the server within a second or so
        }
        assertThat(api.concurrencyLimit(LimitScenario.TAG).map(ConcurrencyLimit::activeSlots).orElseThrow())
                .as("no slot left taken on the server").isEmpty();
    }

    /** [RUNNING, end] of every task run of {@code taskName}, as the process saw them. */
    private static List<long[]> localRunningIntervals(FlowRun<?> run, String taskName) {
        List<long[]> out = new ArrayList<>();
        for (var t : run.taskRuns()) {
            if (!t.taskName().equals(taskName)) continue;
            Instant start = null, end = null;
            for (var s : t.history()) {
                if (s.type() == StateType.RUNNING) start = s.timestamp();
                else if (start != null && s.type().isFinal()) end = s.timestamp();
            }
            assertThat(start).as(t.name() + " ran").isNotNull();
            assertThat(end).as(t.name() + " ended").isNotNull();
            out.add(new long[]{nanos(start), nanos(end)});
        }
        return out;
    }

    /** [RUNNING, end] of every task run of {@code taskName}, as the server recorded them. */
    private static List<long[]> runningIntervals(FlowRunDetail run, String taskName) {
        List<long[]> out = new ArrayList<>();
        for (TaskRunDetail t : run.taskRuns()) {
            if (!t.taskName().equals(taskName)) continue;
            Instant start = null, end = null;
            for (StateRecord s : t.history()) {
                if (s.type() == StateType.RUNNING) start = s.timestamp();
                else if (start != null && s.type().isFinal()) end = s.timestamp();
            }
            assertThat(start).as(t.name() + " ran").isNotNull();
            assertThat(end).as(t.name() + " ended").isNotNull();
            out.add(new long[]{nanos(start), nanos(end)});
        }
        return out;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
