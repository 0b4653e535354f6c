package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches of events sent again (a client that never saw the answer) are recorded once: by their
 * {@code Baton-Batch} id while the server remembers it, and by the store's idempotent writes
 * after a restart, with nothing lost.
 */
class BatchIdTest {
    @TempDir
    Path home;
    private final List<ApiServer> servers = new ArrayList<>();
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final UUID flowRunId = UUID.randomUUID(), taskRunId = UUID.randomUUID();

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
    }

    private ApiServer server() {
        ApiServer server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build());
        servers.add(server);
        return server;
    }

    private StateRecord state(StateType type) {
        clock = clock.plusMillis(1);
        return new StateRecord(type, type.displayName(), clock, null, null, null);
    }

    /** The start of a flow run: creation, Pending, Running, a task run Pending and Running, a log line. */
    private List<RunEvent> first() {
        return List.of(
                new RunEvent.FlowRunCreated(flowRunId, "twice-told", "etl", "[]", null, null, Set.of(), clock, "h:1"),
                new RunEvent.FlowRunState(flowRunId, state(StateType.PENDING)),
                new RunEvent.FlowRunState(flowRunId, state(StateType.RUNNING)),
                new RunEvent.TaskRunCreated(taskRunId, flowRunId, 0, "step-0", "step", null, Set.of(), List.of(), null),
                new RunEvent.TaskRunState(flowRunId, taskRunId, state(StateType.PENDING)),
                new RunEvent.TaskRunState(flowRunId, taskRunId, state(StateType.RUNNING)),
                new RunEvent.Log(new LogLine(flowRunId, taskRunId, clock, "INFO", "task", "working")));
    }

    /** Its end. */
    private List<RunEvent> second() {
        return List.of(
                new RunEvent.TaskRunState(flowRunId, taskRunId, state(StateType.COMPLETED)),
                new RunEvent.FlowRunState(flowRunId, state(StateType.COMPLETED)),
                new RunEvent.FlowRunFinished(flowRunId));
    }

    private static Http.Answer post(ApiServer server, List<RunEvent> events, String batchId) {
        return post(server, events, batchId, false);
    }

    /** {@code pipelined}: answered once applied ({@code Baton-Answer: applied}), not once committed. */
    private static Http.Answer post(ApiServer server, List<RunEvent> events, String batchId, boolean pipelined) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.events(events)));
        if (batchId != null) request.header("Baton-Batch", batchId);
        if (pipelined) request.header("Baton-Answer", "applied");
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void assertRecordedOnce(ApiServer server) {
        Http.Answer a = Http.of(server).get("/api/flow_runs/" + flowRunId);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        FlowRunDetail d = a.as(FlowRunDetail.class);
        assertThat(d.history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(d.taskRuns()).extracting(TaskRunDetail::id).containsExactly(taskRunId);
        assertThat(d.taskRuns().get(0).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        Http.Answer logs = Http.of(server).post("/api/logs/filter", "{\"flowRunId\": \"" + flowRunId + "\"}");
        assertThat(logs.json().path("items")).hasSize(1);
        assertThat(server.lostEvents()).isZero();
    }

    @Test
    void theSameBatchPostedTwiceIsAppliedOnce() {
        ApiServer server = server();
        String client = UUID.randomUUID().toString();
        List<RunEvent> first = first();

        Http.Answer a = post(server, first, client + ":1");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().path("accepted").asInt()).isEqualTo(first.size());
        assertThat(a.json().path("duplicate").asBoolean()).isFalse();

        Http.Answer again = post(server, first, client + ":1");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        JsonNode dup = again.json();
        assertThat(dup.path("accepted").asInt()).isZero();
        assertThat(dup.path("rejected").asInt()).isZero();
        assertThat(dup.path("duplicate").asBoolean()).isTrue();

        assertThat(post(server, second(), client + ":2").json().path("accepted").asInt()).isEqualTo(3);
        // an older batch arriving late is a duplicate too
        assertThat(post(server, first, client + ":1").json().path("duplicate").asBoolean()).isTrue();
        // another client's sequence is its own
        Http.Answer other = post(server, List.of(new RunEvent.Heartbeat(List.of(UUID.randomUUID()), Instant.now())),
                UUID.randomUUID() + ":1");
        assertThat(other.json().path("duplicate").asBoolean()).isFalse();

        assertRecordedOnce(server);
    }

    @Test
    void pipelinedBatchesAreAnsweredAtOnceAndASyncSaysUpToWhichTheyAreCommitted() {
        ApiServer server = server();
        String client = UUID.randomUUID().toString();
        Http.Answer a = post(server, first(), client + ":1", true);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        // committed or not yet: never said to be committed beyond what was sent
        JsonNode through = a.json().path("durableThrough");
        assertThat(through.isNull() || through.asLong() <= 1).as(a.body()).isTrue();
        Http.Answer b = post(server, second(), client + ":2", true);
        assertThat(b.json().path("accepted").asInt()).as(b.body()).isEqualTo(3);

        // an empty batch without Baton-Answer waits for the commit: everything before it is covered
        Http.Answer sync = post(server, List.of(), client + ":3", false);
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().path("durableThrough").asLong()).as(sync.body()).isEqualTo(3);
        assertRecordedOnce(server);
        // a batch sent again after the sync (a client that never saw an answer) is a duplicate, and covered
        Http.Answer again = post(server, second(), client + ":2", true);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("durableThrough").asLong()).isEqualTo(3);
        // a batch without an id says nothing of durability
        Http.Answer anonymous = post(server, List.of(new RunEvent.Heartbeat(List.of(flowRunId), Instant.now())), null);
        assertThat(anonymous.json().path("durableThrough").isNull()).as(anonymous.body()).isTrue();
    }

    @Test
    void aCreationSentAgainToARestartedServerLosesNothingAndDoublesNothing() {
        String client = UUID.randomUUID().toString();
        List<RunEvent> first = first();
        ApiServer before = server();
        assertThat(post(before, first, client + ":1").status()).isEqualTo(200);
        before.close(); // the answer never reached the client

        ApiServer after = server();
        Http.Answer resent = post(after, first, client + ":1");
        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        Http.Answer next = post(after, second(), client + ":2");
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.json().path("accepted").asInt()).isEqualTo(3);

        assertRecordedOnce(after);
    }

    @Test
    void aMalformedBatchIdIsRefusedSayingWhatItShouldLookLike() {
        ApiServer server = server();
        for (String bad : List.of("abc", "not-a-uuid:1", UUID.randomUUID() + ":-1", UUID.randomUUID() + ":x",
                UUID.randomUUID().toString())) {
            Http.Answer a = post(server, first(), bad);
            assertThat(a.status()).as(bad + " -> " + a.body()).isEqualTo(400);
            assertThat(a.error()).contains("Baton-Batch", "<client uuid>:<sequence>");
        }
        Http.Answer a = Http.of(server).get("/api/flow_runs/" + flowRunId);
        assertThat(a.status()).as("nothing of a refused batch is recorded").isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentDescribesTheBatchHeader() {
        ApiServer server = server();
        JsonNode doc = Http.of(server).get("/api/openapi.json").json();
        JsonNode parameters = doc.path("paths").path("/api/events").path("post").path("parameters");
        assertThat(parameters).anySatisfy(p -> {
            assertThat(p.path("name").asText()).isEqualTo("Baton-Batch");
            assertThat(p.path("in").asText()).isEqualTo("header");
            assertThat(p.path("description").asText()).contains("<client uuid>:<sequence>");
        });
        assertThat(doc.path("components").path("schemas").path("Accepted").path("properties").has("duplicate"))
                .isTrue();
    }
}
