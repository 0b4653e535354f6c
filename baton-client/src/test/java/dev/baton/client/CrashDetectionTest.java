package dev.baton.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.StateType;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEvents;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash detection through the API server: a flow process in client mode killed with kill -9
 * leaves its flow run RUNNING; the server, hearing no more heartbeats, marks it CRASHED within a
 * bounded time, naming the process, with its unfinished task runs, and refuses what a zombie
 * would report for it later. A live process that is merely slow keeps heartbeating and is never
 * marked.
 */
class CrashDetectionTest {
    private static final Duration CRASH_TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = RunEvents.newMapper();

    @TempDir
    Path home;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKilledClientsFlowRunIsMarkedCrashedWithItsUnfinishedTaskRunsAndALiveSlowOneIsNot() throws Exception {
        try (ApiServer server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home.resolve("server"))
                .crashTimeout(CRASH_TIMEOUT).build())) {
            List<Process> processes = new ArrayList<>();
            try {
                Process doomed = start(server.url(), "doomed");
                processes.add(doomed);
                Process slow = start(server.url(), "slow");
                processes.add(slow);
                UUID doomedRun = awaitBlocked(doomed, "doomed");
                UUID slowRun = awaitBlocked(slow, "slow");
                awaitState(server.url(), doomedRun, StateType.RUNNING, Duration.ofSeconds(30));
                awaitState(server.url(), slowRun, StateType.RUNNING, Duration.ofSeconds(30));

                long pid = doomed.pid();
                long killed = System.nanoTime();
                doomed.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no last word
                assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();

                FlowRunDetail crashed = awaitState(server.url(), doomedRun, StateType.CRASHED, Duration.ofSeconds(30));
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(30));
                assertThat(crashed.run().state().message()).contains("pid " + pid, "crash timeout");
                assertThat(crashed.history()).extracting(StateRecord::type)
                        .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.CRASHED);
                assertThat(crashed.taskRuns()).extracting(TaskRunDetail::name)
                        .containsExactly("quick-0", "block-0", "after-0");
                assertThat(crashed.taskRuns()).extracting(t -> t.state().type())
                        .containsExactly(StateType.COMPLETED, StateType.CRASHED, StateType.CRASHED);

                // a zombie of the killed process reporting late is refused: the run stays CRASHED
                String late = postEvents(server.url(), List.of(
                        new RunEvent.TaskRunState(doomedRun, crashed.taskRuns().get(1).id(), new StateRecord(
                                StateType.COMPLETED, "Completed", Instant.now(), null, null, null)),
                        new RunEvent.FlowRunState(doomedRun, new StateRecord(StateType.COMPLETED, "Completed",
                                Instant.now(), null, null, null))));
                assertThat(JSON.readTree(late).path("rejected").asInt()).as(late).isEqualTo(2);
                FlowRunDetail after = flowRun(server.url(), doomedRun);
                assertThat(after.run().state().type()).isEqualTo(StateType.CRASHED);
                assertThat(after.taskRuns().get(1).state().type()).isEqualTo(StateType.CRASHED);

                // the slow process heartbeats: several more timeouts later, its run is still RUNNING
                Thread.sleep(CRASH_TIMEOUT.multipliedBy(2).toMillis());
                assertThat(slow.isAlive()).isTrue();
                FlowRunDetail alive = flowRun(server.url(), slowRun);
                assertThat(alive.run().state().type()).isEqualTo(StateType.RUNNING);
                assertThat(alive.taskRuns()).extracting(t -> t.state().type())
                        .containsExactly(StateType.COMPLETED, StateType.RUNNING, StateType.PENDING);
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    // ----- helpers -----

    private Process start(String apiUrl, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Dbaton.api.url=" + apiUrl, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ClientProcess.class.getName(), "hang")
                .redirectError(Files.createDirectories(home.resolve(name)).resolve("stderr.txt").toFile());
        pb.environment().put(ApiSettings.HEARTBEAT_INTERVAL_ENVIRONMENT, "300ms");
        pb.environment().put("BATON_HOME", home.resolve(name).toString());
        pb.environment().remove(ApiSettings.URL_ENVIRONMENT);
        pb.environment().remove(ApiSettings.KEY_ENVIRONMENT);
        pb.environment().remove("BATON_DATABASE_URL");
        return pb.start();
    }

    /** Reads the process's output until its blocking task run runs; returns its flow run id. */
    private UUID awaitBlocked(Process p, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        CompletableFuture<UUID> id = CompletableFuture.supplyAsync(() -> {
            UUID run = null;
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    seen.add(line);
                    if (line.startsWith("flow_run=")) run = UUID.fromString(line.substring("flow_run=".length()));
                    if (line.equals("blocked") && run != null) return run;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
        UUID run;
        try {
            run = id.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            run = null;
        }
        assertThat(run).as("process %s printed %s; stderr: %s", name, seen,
                Files.readString(home.resolve(name).resolve("stderr.txt"))).isNotNull();
        // keep reading what it prints, so it never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                while (out.readLine() != null) {
                    // drained
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        return run;
    }

    private FlowRunDetail awaitState(String apiUrl, UUID id, StateType type, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        FlowRunDetail last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/flow_runs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                last = JSON.readValue(r.body(), FlowRunDetail.class);
                if (last.run().state() != null && last.run().state().type() == type) return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("flow run " + id + " did not reach " + type + " within " + within + "; last seen: "
                + last);
    }

    private FlowRunDetail flowRun(String apiUrl, UUID id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/flow_runs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readValue(r.body(), FlowRunDetail.class);
    }

    private String postEvents(String apiUrl, List<RunEvent> events) throws Exception {
        byte[] body = JSON.writerFor(new com.fasterxml.jackson.core.type.TypeReference<List<RunEvent>>() {})
                .writeValueAsBytes(events);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }
}
