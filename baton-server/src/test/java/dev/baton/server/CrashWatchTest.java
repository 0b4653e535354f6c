package dev.baton.server;

import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's crash detection over what clients reported: a restarted server does not judge
 * runs silent during its own outage before their clients had a crash timeout to report again; a
 * run whose client reported again is left alone, one whose client stays silent is marked CRASHED,
 * and states reported for it afterwards are refused.
 */
class CrashWatchTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path home;

    private ApiServer server() {
        return ApiServer.start(ServerOptions.builder().port(0).batonHome(home).crashTimeout(TIMEOUT).build());
    }

    private static List<RunEvent> running(UUID id) {
        Instant now = Instant.now();
        return List.of(new RunEvent.FlowRunCreated(id, "run-" + id.toString().substring(0, 8), "watched", "[]", null,
                        null, Set.of(), now, "test-host pid 4242"),
                new RunEvent.FlowRunState(id, new StateRecord(StateType.PENDING, "Pending", now, null, null, null)),
                new RunEvent.FlowRunState(id, new StateRecord(StateType.RUNNING, "Running", now, null, null, null)),
                new RunEvent.Heartbeat(List.of(id), now));
    }

    private static StateType state(Http http, UUID id) {
        Http.Answer a = http.get("/api/flow_runs/" + id);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(FlowRunDetail.class).run().state().type();
    }

    @Test
    void runsSilentThroughARestartAreJudgedOnlyAfterTheirClientsHadATimeoutToReportAgain() throws Exception {
        UUID silent = UUID.randomUUID(), back = UUID.randomUUID();
        try (ApiServer before = server()) {
            Http http = Http.of(before);
            assertThat(http.post("/api/events", Http.events(running(silent))).status()).isEqualTo(200);
            assertThat(http.post("/api/events", Http.events(running(back))).status()).isEqualTo(200);
        }
        Thread.sleep(TIMEOUT.toMillis() + 500); // the server is down longer than the crash timeout

        try (ApiServer after = server()) {
            long started = System.nanoTime();
            Http http = Http.of(after);
            assertThat(state(http, silent)).as("not judged when the server opens its database")
                    .isEqualTo(StateType.RUNNING);
            // one client reports again, heartbeating; the other stays silent
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            StateType silentState = StateType.RUNNING;
            while (System.nanoTime() < deadline) {
                http.post("/api/events", Http.events(List.of(new RunEvent.Heartbeat(List.of(back), Instant.now()))));
                silentState = state(http, silent);
                if (silentState == StateType.CRASHED) break;
                Thread.sleep(200);
            }
            assertThat(silentState).isEqualTo(StateType.CRASHED);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the first pass waits a crash timeout")
                    .isGreaterThanOrEqualTo(TIMEOUT);
            assertThat(state(http, back)).isEqualTo(StateType.RUNNING);
            FlowRunDetail crashed = http.get("/api/flow_runs/" + silent).as(FlowRunDetail.class);
            assertThat(crashed.run().state().message()).contains("test-host pid 4242", "crash timeout");

            // the server's view learnt it: what the silent client reports now is refused
            Http.Answer late = http.post("/api/events", Http.events(List.of(new RunEvent.FlowRunState(silent,
                    new StateRecord(StateType.COMPLETED, "Completed", Instant.now(), null, null, null)))));
            assertThat(late.json().path("rejected").asInt()).as(late.body()).isEqualTo(1);
            assertThat(state(http, silent)).isEqualTo(StateType.CRASHED);

            // a task run its process reported last, read by the server only now: kept, and crashed with its
            // flow run, not left Running for ever (its later states are refused)
            UUID lastTask = UUID.randomUUID();
            Instant now = Instant.now();
            Http.Answer inFlight = http.post("/api/events", Http.events(List.of(
                    new RunEvent.TaskRunCreated(lastTask, silent, 7, "work-7", "work", null, Set.of(), List.of(), null,
                            7),
                    new RunEvent.TaskRunState(silent, lastTask, new StateRecord(StateType.RUNNING, "Running", now, null,
                            null, null)))));
            assertThat(inFlight.status()).as(inFlight.body()).isEqualTo(200);
            Http.Answer task = http.get("/api/task_runs/" + lastTask);
            assertThat(task.status()).as(task.body()).isEqualTo(200);
            assertThat(task.as(TaskRunDetail.class).history()).extracting(StateRecord::type)
                    .containsExactly(StateType.CRASHED);
            assertThat(task.as(TaskRunDetail.class).history().get(0).message())
                    .contains("had crashed when this task run was reported");
        }
    }

    @Test
    void theCrashTimeoutIsCheckedAndPassesComeAtLeastEverySecond() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerOptions.builder().crashTimeout(Duration.ZERO)
                .build()).hasMessageContaining("crashTimeout must be positive");
        assertThat(CrashWatch.period(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(CrashWatch.period(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(7500));
        assertThat(ServerOptions.builder().build().crashTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
}
