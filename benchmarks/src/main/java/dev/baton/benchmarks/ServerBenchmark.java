package dev.baton.benchmarks;

import dev.baton.BatonRuntime;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.SequentialExecutor;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.client.ApiRunStore;
import dev.baton.client.ApiSettings;
import dev.baton.spi.RunEvents;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.Page;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Client mode through the API server: an {@link ApiServer} in this process (on the embedded
 * database in a temporary Baton home, or on the database {@code --url} names, e.g. PostgreSQL),
 * or a server running in its own process ({@code --api-url}, as client mode is used),
 * and a fanout flow of N no-op task runs on the {@link SequentialExecutor} whose store is an
 * {@link ApiRunStore} reporting to it over HTTP. Prints two lines in {@link CoreBenchmark}'s
 * format:
 * <ul>
 *   <li>{@code case=fanout-client}: the flow's own time, {@code run()} (it returns once the server
 *       has taken every event), per task run: the overhead a user sees, to hold against
 *       {@code case=fanout-persisted} (the embedded store);</li>
 *   <li>{@code case=server-transitions}: until the server's database holds the whole run (polled
 *       through the API): the sustained state transitions per second the server takes.</li>
 * </ul>
 *
 * <pre>
 * java -Xmx1g -cp 'benchmarks/target/classes:benchmarks/target/lib/*:baton-store-jdbc/target/classes:...' \
 *     dev.baton.benchmarks.ServerBenchmark --tasks N [--url JDBC_URL | --api-url URL] [--warmup N]
 * </pre>
 */
public final class ServerBenchmark {
    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);
    private static final ObjectMapper JSON = RunEvents.newMapper();

    private ServerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = -1, warmup = -1;
        String url = null, apiUrl = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--tasks" -> tasks = Args.positive(Args.value(args, ++i, "--tasks"), "--tasks");
                    case "--warmup" -> warmup = Args.positive(Args.value(args, ++i, "--warmup"), "--warmup");
                    case "--url" -> url = Args.value(args, ++i, "--url");
                    case "--api-url" -> apiUrl = Args.value(args, ++i, "--api-url");
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (tasks < 0) throw new IllegalArgumentException("--tasks is required");
            if (url != null && apiUrl != null) {
                throw new IllegalArgumentException("--url and --api-url exclude each other: --url names the database of"
                        + " a server started here, --api-url a server running already (which has its own database)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ServerBenchmark: " + e.getMessage());
            System.err.println("usage: ServerBenchmark --tasks N [--url JDBC_URL | --api-url URL] [--warmup N]");
            System.exit(2);
        }
        if (warmup < 0) warmup = Math.max(1_000, Math.min(tasks / 2, 50_000));
        System.exit(run(tasks, warmup, url, apiUrl));
    }

    private static int run(int tasks, int warmup, String url, String apiUrl) throws Exception {
        Path home = Files.createTempDirectory("baton-bench-server-");
        ServerOptions.Builder options = ServerOptions.builder().port(0).batonHome(home);
        if (url != null) options.databaseUrl(url);
        try (ApiServer server = apiUrl == null ? ApiServer.start(options.build()) : null;
             ApiRunStore store = ApiRunStore.open(ApiSettings.of(apiUrl == null ? server.url() : apiUrl, null))) {
            String serverUrl = apiUrl == null ? server.url() : apiUrl;
            BatonRuntime runtime = BatonRuntime.builder().store(store).home(home).build();
            FlowRun<Long> warm = fanout(warmup).on(runtime).run();
            if (!warm.state().isCompleted()) return fail("warm-up run ended " + warm.state());
            if (!awaitStored(serverUrl, warm, warmup, Duration.ofMinutes(5))) {
                return fail("the warm-up run did not reach the server's database");
            }

            long start = System.nanoTime();
            FlowRun<Long> run = fanout(tasks).on(runtime).run();
            long flowNanos = System.nanoTime() - start;
            if (!run.state().isCompleted()) return fail("flow run ended " + run.state());
            if (run.result() != (long) tasks * (tasks + 1) / 2) return fail("wrong sum " + run.result());
            if (!awaitStored(serverUrl, run, tasks, Duration.ofMinutes(10))) {
                return fail("the run did not reach the server's database in 10 minutes");
            }
            long storedNanos = System.nanoTime() - start;
            if (store.lostEvents() > 0) return fail(store.lostEvents() + " events were refused by the server");
            long transitions = 3L * tasks + 3; // Pending, Running, Completed of each task run and of the flow run
            String db = apiUrl != null ? "server-process" : url == null ? "embedded"
                    : url.startsWith("jdbc:postgresql:") ? "postgresql" : "other";
            System.out.println(String.format(Locale.ROOT,
                    "bench case=fanout-client executor=sequential database=%s tasks=%d wall_s=%.3f per_task_us=%.2f",
                    db, tasks, flowNanos / 1e9, flowNanos / 1e3 / tasks));
            System.out.println(String.format(Locale.ROOT,
                    "bench case=server-transitions database=%s tasks=%d stored_s=%.3f transitions_per_s=%.0f",
                    db, tasks, storedNanos / 1e9, transitions / (storedNanos / 1e9)));
            return 0;
        } finally {
            deleteRecursively(home);
        }
    }

    private static Flow0<Long> fanout(int n) {
        return Flow.named("bench_fanout_client").executor(new SequentialExecutor()).of(() -> {
            List<TaskFuture<Integer>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) futures.add(INC.submit(i));
            long sum = 0;
            for (TaskFuture<Integer> f : futures) sum += f.result();
            return sum;
        });
    }

    /**
     * Polls the API until the flow run's summary shows it final with all {@code tasks} task runs
     * (the store writes in the order reported, so the flow run's final state comes last).
     */
    private static boolean awaitStored(String apiUrl, FlowRun<?> run, int tasks, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String filter = JSON.writeValueAsString(java.util.Map.of("name", run.name(), "limit", 10));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/flow_runs/filter"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(filter)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("the server answered " + r.statusCode() + " " + r.body());
            Page<FlowRunSummary> page = JSON.readValue(r.body(), new TypeReference<Page<FlowRunSummary>>() {});
            for (FlowRunSummary s : page.items()) {
                if (s.id().equals(run.id()) && s.state() != null && s.state().isFinal() && s.taskRuns() == tasks) return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("ServerBenchmark: could not delete " + dir + ": " + e);
        }
    }

    private static int fail(String message) {
        System.err.println("ServerBenchmark FAILED: " + message);
        return 1;
    }
}
