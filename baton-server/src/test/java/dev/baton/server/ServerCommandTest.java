package dev.baton.server;

import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton server start} as a process of its own: it prints where it listens, serves, and on
 * SIGTERM closes cleanly, with everything it acknowledged in the database.
 */
class ServerCommandTest {
    @TempDir
    Path home;

    @Test
    void aStoppedServerHasWrittenEverythingItAcknowledged() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ServerCommand.class.getName(), "--port", "0").redirectErrorStream(true);
        pb.environment().put("BATON_HOME", home.toString());
        pb.environment().remove("BATON_DATABASE_URL");
        pb.environment().remove("BATON_API_KEY");
        Process process = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String url = null;
            List<String> printed = new ArrayList<>();
            for (String line; url == null && (line = out.readLine()) != null; ) {
                printed.add(line);
                if (line.strip().startsWith("BATON_API_URL=")) url = line.strip().substring("BATON_API_URL=".length());
            }
            assertThat(url).as(String.join("\n", printed)).startsWith("http://127.0.0.1:").endsWith("/api");
            assertThat(String.join("\n", printed)).contains("listening at " + url);

            Http http = new Http(url.substring(0, url.length() - 4), null);
            UUID f = UUID.randomUUID();
            List<RunEvent> events = new ArrayList<>();
            events.add(new RunEvent.FlowRunCreated(f, "stopped", "etl", "[]", null, null, Set.of(), Instant.now(), "t"));
            events.add(new RunEvent.FlowRunState(f, new StateRecord(StateType.RUNNING, "Running", Instant.now(), null,
                    null, null)));
            int tasks = 3000;
            for (int i = 0; i < tasks; i++) {
                UUID t = UUID.randomUUID();
                events.add(new RunEvent.TaskRunCreated(t, f, i, "t-" + i, "t", null, Set.of(), List.of(), null));
                events.add(new RunEvent.TaskRunState(f, t, new StateRecord(StateType.COMPLETED, "Completed",
                        Instant.now(), null, null, null)));
            }
            Http.Answer a = http.post("/api/events", Http.events(events));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.json().path("accepted").asInt()).isEqualTo(events.size());

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
        }
        try (JdbcRunHistory history = JdbcRunHistory.open(JdbcRunStore.embeddedUrl(home), null)) {
            FlowRunDetail d = history.flowRuns(FlowRunFilter.all(10)).items().stream()
                    .filter(r -> r.name().equals("stopped")).findFirst()
                    .flatMap(r -> history.flowRun(r.id())).orElseThrow();
            assertThat(d.run().taskRuns()).isEqualTo(3000);
            var all = history.taskRuns(d.run().id(), 0, 3000).orElseThrow();
            assertThat(all.items()).hasSize(3000);
            assertThat(all.items()).allSatisfy(t -> assertThat(t.state().type()).isEqualTo(StateType.COMPLETED));
        }
    }

    @Test
    void badArgumentsAreRefusedWithUsage() {
        assertThat(ServerCommand.run(new String[] {"--port", "many"})).isEqualTo(2);
        assertThat(ServerCommand.run(new String[] {"--port", "70000"})).isEqualTo(2);
        assertThat(ServerCommand.run(new String[] {"--bogus"})).isEqualTo(2);
        assertThat(ServerCommand.run(new String[] {"--help"})).isZero();
    }
}
