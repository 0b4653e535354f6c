package dev.baton.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.StateType;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.RunEvents;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several flow processes in client mode report to one API server at once: every transition of
 * every run arrives, none twice, each run's in the order it happened.
 */
class ManyProcessesTest {
    private static final int PROCESSES = 3, FLOWS_PER_PROCESS = 4, TASKS = 200;
    private static final List<StateType> DONE = List.of(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);

    @TempDir
    Path home;

    @Test
    void flowRunsFromSeveralProcessesAreRecordedWholeAndInOrder() throws Exception {
        try (ApiServer server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build())) {
            List<Process> processes = new ArrayList<>();
            try {
                for (int i = 0; i < PROCESSES; i++) processes.add(start(server.url()));
                List<UUID> runs = new ArrayList<>();
                for (Process p : processes) {
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.exitValue()).as(out + err).isZero();
                    assertThat(out).contains("store=" + ApiRunStore.class.getName());
                    out.lines().filter(l -> l.startsWith("run=")).forEach(l -> runs.add(UUID.fromString(l.substring(4))));
                }
                assertThat(runs).hasSize(PROCESSES * FLOWS_PER_PROCESS).doesNotHaveDuplicates();

                ObjectMapper json = RunEvents.newMapper();
                HttpClient http = HttpClient.newHttpClient();
                for (UUID id : runs) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/flow_runs/" + id))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    FlowRunDetail d = json.readValue(r.body(), FlowRunDetail.class);
                    assertThat(types(d.history())).as("flow run " + id).isEqualTo(DONE);
                    assertThat(d.taskRuns()).hasSize(TASKS);
                    for (int i = 0; i < TASKS; i++) {
                        TaskRunDetail t = d.taskRuns().get(i);
                        assertThat(t.name()).isEqualTo("inc-" + i);
                        assertThat(types(t.history())).as(t.name()).isEqualTo(DONE);
                        assertThat(t.history()).isSortedAccordingTo(
                                java.util.Comparator.comparing(StateRecord::timestamp));
                        if (i > 0) assertThat(t.upstream()).containsExactly(d.taskRuns().get(i - 1).id());
                    }
                }
            } finally {
                for (Process p : processes) p.destroyForcibly();
            }
        }
    }

    private static Process start(String apiUrl) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Dbaton.api.url=" + apiUrl, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ClientProcess.class.getName(),
                String.valueOf(FLOWS_PER_PROCESS), String.valueOf(TASKS))
                // run logs go to standard error: a pipe nobody reads would fill and stop the process
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static List<StateType> types(List<StateRecord> history) {
        return history.stream().map(StateRecord::type).toList();
    }
}
