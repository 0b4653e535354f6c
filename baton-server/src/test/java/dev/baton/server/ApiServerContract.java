package dev.baton.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.StateType;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventCodec;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server's behaviour over real HTTP, on one database (the subclasses: the embedded one,
 * PostgreSQL): events recorded then read back (flow runs, task runs, graph, logs, filters with
 * paging), set_state through the orchestration rules, the terminal guard under concurrent
 * proposals, and tag concurrency limits.
 */
abstract class ApiServerContract {
    ApiServer server;
    Http http;
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** Options for a server on a fresh database, any free port. */
    abstract ServerOptions.Builder options();

    @BeforeEach
    void startServer() {
        server = ApiServer.start(options().port(0).build());
        http = Http.of(server);
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    // ----- helpers -----

    synchronized Instant tick() {
        clock = clock.plusMillis(1);
        return clock;
    }

    StateRecord state(StateType type) {
        return new StateRecord(type, type.displayName(), tick(), null, null, null);
    }

    static UUID id() {
        return UUID.randomUUID();
    }

    RunEvent.FlowRunCreated flowRun(UUID id, String name, Set<String> tags) {
        return new RunEvent.FlowRunCreated(id, name, "etl", "[1,\"two\"]", null, null, tags, tick(), "test-host:1");
    }

    RunEvent.TaskRunCreated taskRun(UUID flowRunId, UUID id, int ordinal, List<UUID> upstream) {
        return new RunEvent.TaskRunCreated(id, flowRunId, ordinal, "step-" + ordinal, "step", null, Set.of("io"),
                upstream, null);
    }

    Bodies.Accepted post(List<RunEvent> events) {
        Http.Answer a = http.post("/api/events", Http.events(events));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(Bodies.Accepted.class);
    }

    FlowRunDetail detail(UUID flowRunId) {
        Http.Answer a = http.get("/api/flow_runs/" + flowRunId);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(FlowRunDetail.class);
    }

    Bodies.SetStateResult setState(String kind, UUID id, StateRecord state, boolean force) {
        Http.Answer a = http.post("/api/" + kind + "/" + id + "/set_state", new Bodies.SetState(state, force));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(Bodies.SetStateResult.class);
    }

    /** A whole flow run as a client in client mode reports it: creation, three task runs, states, logs, end. */
    List<RunEvent> wholeFlowRun(UUID flowRunId, String name, Set<String> tags, List<UUID> taskRunIds) {
        List<RunEvent> events = new ArrayList<>();
        events.add(flowRun(flowRunId, name, tags));
        events.add(new RunEvent.FlowRunState(flowRunId, state(StateType.PENDING)));
        events.add(new RunEvent.FlowRunState(flowRunId, state(StateType.RUNNING)));
        for (int i = 0; i < 3; i++) {
            UUID t = id();
            taskRunIds.add(t);
            events.add(taskRun(flowRunId, t, i, List.copyOf(taskRunIds.subList(0, i))));
            events.add(new RunEvent.TaskRunState(flowRunId, t, state(StateType.PENDING)));
            events.add(new RunEvent.TaskRunState(flowRunId, t, state(StateType.RUNNING)));
            events.add(new RunEvent.Log(new LogLine(flowRunId, t, tick(), "INFO", "task", "working on " + i)));
            events.add(new RunEvent.TaskRunState(flowRunId, t, state(StateType.COMPLETED)));
        }
        events.add(new RunEvent.Log(new LogLine(flowRunId, null, tick(), "INFO", "flow", "all done")));
        events.add(new RunEvent.Heartbeat(List.of(flowRunId), tick()));
        events.add(new RunEvent.FlowRunState(flowRunId, state(StateType.COMPLETED)));
        events.add(new RunEvent.FlowRunFinished(flowRunId));
        return events;
    }

    // ----- tests -----

    @Test
    void eventsInTheBinaryFormAreRecordedLikeJsonOnesAndABadBodyIsRefusedSayingWhy() {
        UUID binaryRun = id(), jsonRun = id();
        List<UUID> binaryTasks = new ArrayList<>(), jsonTasks = new ArrayList<>();
        List<RunEvent> events = wholeFlowRun(binaryRun, "binary-" + binaryRun, Set.of("prod"), binaryTasks);
        RunEventCodec.Writer body = new RunEventCodec.Writer();
        events.forEach(body::add);
        java.net.http.HttpResponse<String> answer = http.postRaw("/api/events", body.toByteArray(),
                RunEventCodec.MEDIA_TYPE);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue(ApiRoutes.EVENT_FORMS_HEADER)).contains(RunEventCodec.MEDIA_TYPE);
        post(wholeFlowRun(jsonRun, "binary-" + binaryRun, Set.of("prod"), jsonTasks));

        FlowRunDetail fromBinary = detail(binaryRun), fromJson = detail(jsonRun);
        assertThat(fromBinary.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(fromBinary.run().name()).isEqualTo(fromJson.run().name());
        assertThat(fromBinary.taskRuns()).extracting(t -> t.name() + " " + t.upstream().size() + " "
                + t.history().stream().map(StateRecord::type).toList())
                .containsExactlyElementsOf(fromJson.taskRuns().stream().map(t -> t.name() + " " + t.upstream().size()
                        + " " + t.history().stream().map(StateRecord::type).toList()).toList());

        byte[] cut = java.util.Arrays.copyOf(body.toByteArray(), 40);
        java.net.http.HttpResponse<String> refused = http.postRaw("/api/events", cut, RunEventCodec.MEDIA_TYPE);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Malformed run event 0").contains("nothing of this body was recorded");
        java.net.http.HttpResponse<String> notBinary = http.postRaw("/api/events", "[]".getBytes(),
                RunEventCodec.MEDIA_TYPE + "; charset=binary");
        assertThat(notBinary.statusCode()).isEqualTo(400);
        assertThat(notBinary.body()).contains("send JSON");
    }

    @Test
    void eventsAreRecordedAndReadBack() {
        UUID flowRunId = id();
        List<UUID> tasks = new ArrayList<>();
        List<RunEvent> events = wholeFlowRun(flowRunId, "nightly-" + flowRunId, Set.of("prod"), tasks);
        Bodies.Accepted accepted = post(events);
        assertThat(accepted.accepted()).isEqualTo(events.size());
        assertThat(accepted.rejected()).isZero();
        assertThat(server.activeRuns()).as("a finished flow run leaves the server's memory").isZero();

        FlowRunDetail d = detail(flowRunId);
        assertThat(d.run().name()).isEqualTo("nightly-" + flowRunId);
        assertThat(d.run().flowName()).isEqualTo("etl");
        assertThat(d.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(d.history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(d.taskRuns()).extracting(TaskRunDetail::id).containsExactlyElementsOf(tasks);
        assertThat(d.taskRuns().get(2).upstream()).containsExactly(tasks.get(0), tasks.get(1));
        assertThat(d.taskRuns().get(1).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);

        Http.Answer graph = http.get("/api/flow_runs/" + flowRunId + "/graph");
        assertThat(graph.status()).isEqualTo(200);
        List<Bodies.GraphNode> nodes = graph.as(new TypeReference<List<Bodies.GraphNode>>() {});
        assertThat(nodes).extracting(Bodies.GraphNode::id).containsExactlyElementsOf(tasks);
        assertThat(nodes.get(0).upstream()).isEmpty();
        assertThat(nodes.get(2).upstream()).containsExactly(tasks.get(0), tasks.get(1));
        assertThat(nodes).allSatisfy(n -> assertThat(n.state().type()).isEqualTo(StateType.COMPLETED));

        Http.Answer task = http.get("/api/task_runs/" + tasks.get(0));
        assertThat(task.status()).isEqualTo(200);
        assertThat(task.as(TaskRunDetail.class).flowRunId()).isEqualTo(flowRunId);
        assertThat(task.json().has("final")).isFalse();

        Http.Answer logs = http.post("/api/logs/filter", "{\"flowRunId\": \"" + flowRunId + "\", \"offset\": 1,"
                + " \"limit\": 2}");
        assertThat(logs.status()).as(logs.body()).isEqualTo(200);
        Page<LogLine> page = logs.as(new TypeReference<Page<LogLine>>() {});
        assertThat(page.total()).isEqualTo(4);
        assertThat(page.offset()).isEqualTo(1);
        assertThat(page.items()).extracting(LogLine::message).containsExactly("working on 1", "working on 2");
        Http.Answer taskLogs = http.post("/api/logs/filter", "{\"taskRunId\": \"" + tasks.get(0) + "\"}");
        assertThat(taskLogs.as(new TypeReference<Page<LogLine>>() {}).items()).extracting(LogLine::message)
                .containsExactly("working on 0");
    }

    @Test
    void hostileTextIsRecordedCleanedAsTheEmbeddedStoreDoesAndTheRestOfTheBatchWithIt() {
        UUID hostile = id();
        UUID neighbour = id();
        List<UUID> hostileTasks = new ArrayList<>();
        List<UUID> neighbourTasks = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>(wholeFlowRun(neighbour, "neighbour", Set.of(), neighbourTasks));
        List<RunEvent> bad = new ArrayList<>(wholeFlowRun(hostile, "nul\u0000run", Set.of("t\u0000g"), hostileTasks));
        UUID longName = id();
        UUID nulName = id();
        bad.add(3, new RunEvent.TaskRunCreated(longName, hostile, 3, "n".repeat(1_000), "long", null, Set.of(),
                List.of(), null));
        bad.add(4, new RunEvent.TaskRunCreated(nulName, hostile, 4, "nul\u0000name", "nul\u0000task", "v\u0000",
                Set.of(), List.of(), null));
        bad.add(5, new RunEvent.TaskRunState(hostile, nulName, new StateRecord(StateType.FAILED, "Failed", tick(),
                "boom\u0000", null, "r".repeat(2_000))));
        bad.add(6, new RunEvent.Log(new LogLine(hostile, nulName, tick(), "INFO", "user", "a\u0000b")));
        bad.add(7, new RunEvent.Log(new LogLine(hostile, null, tick(), "INFO", "user", "x".repeat(300_000))));
        // interleaved, as a client's batch holds several flow runs
        for (int i = 0; i < bad.size(); i++) events.add(Math.min(events.size(), 2 * i + 1), bad.get(i));

        Bodies.Accepted accepted = post(events);
        assertThat(accepted.rejected()).isZero();

        FlowRunDetail n = detail(neighbour);
        assertThat(n.taskRuns()).hasSize(3);
        assertThat(n.run().state().type()).isEqualTo(StateType.COMPLETED);
        FlowRunDetail h = detail(hostile);
        assertThat(h.run().name()).isEqualTo("nul\uFFFDrun");
        assertThat(h.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(h.taskRuns()).hasSize(5);
        TaskRunDetail clipped = h.taskRuns().stream().filter(t -> t.id().equals(longName)).findFirst().orElseThrow();
        assertThat(clipped.name()).hasSize(600).endsWith("… [clipped 421 chars]");
        TaskRunDetail nul = h.taskRuns().stream().filter(t -> t.id().equals(nulName)).findFirst().orElseThrow();
        assertThat(nul.name()).isEqualTo("nul\uFFFDname");
        assertThat(nul.taskName()).isEqualTo("nul\uFFFDtask");
        assertThat(nul.history()).singleElement().satisfies(st -> {
            assertThat(st.message()).isEqualTo("boom\uFFFD");
            assertThat(st.resultRef()).isNull();
        });
        Page<LogLine> logs = http.post("/api/logs/filter", "{\"flowRunId\": \"" + hostile + "\", \"limit\": 100}")
                .as(new TypeReference<Page<LogLine>>() {});
        assertThat(logs.items()).extracting(LogLine::message).contains("a\uFFFDb", "working on 2");
        assertThat(logs.items()).anySatisfy(l -> assertThat(l.message()).hasSize(100_000).endsWith(" chars]"));

        // the create routes clean the same way (an escaped lone surrogate: JSON can carry one, UTF-8 cannot)
        Http.Answer created = http.post("/api/flow_runs", "{\"flowName\": \"" + "f".repeat(501) + "\", \"name\":"
                + " \"a\\u0000b\\ud800\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        FlowRunSummary summary = created.as(FlowRunSummary.class);
        assertThat(summary.name()).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(detail(summary.id()).run().flowName()).hasSize(500).endsWith(" chars]");
    }

    @Test
    void aFlowRunsTaskRunsAndGraphAreReadAPageAtATime() {
        int count = 2_500;
        UUID flowRunId = id();
        List<UUID> tasks = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>();
        events.add(flowRun(flowRunId, "wide-" + flowRunId, Set.of()));
        events.add(new RunEvent.FlowRunState(flowRunId, state(StateType.RUNNING)));
        for (int i = 0; i < count; i++) {
            UUID t = id();
            events.add(taskRun(flowRunId, t, i, i == 0 ? List.of() : List.of(tasks.get(i - 1))));
            events.add(new RunEvent.TaskRunState(flowRunId, t, state(StateType.COMPLETED)));
            tasks.add(t);
        }
        post(events);

        FlowRunDetail d = detail(flowRunId);
        assertThat(d.run().taskRuns()).isEqualTo(count);
        assertThat(d.taskRuns()).extracting(TaskRunDetail::id)
                .containsExactlyElementsOf(tasks.subList(0, FlowRunDetail.MAX_TASK_RUNS));

        List<TaskRunDetail> all = new ArrayList<>();
        Page<TaskRunDetail> page;
        do {
            Http.Answer a = http.get("/api/flow_runs/" + flowRunId + "/task_runs?offset=" + all.size() + "&limit=900");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            page = a.as(new TypeReference<Page<TaskRunDetail>>() {});
            assertThat(page.total()).isEqualTo(count);
            assertThat(page.offset()).isEqualTo(all.size());
            all.addAll(page.items());
        } while (page.hasMore());
        assertThat(all).extracting(TaskRunDetail::id).containsExactlyElementsOf(tasks);
        assertThat(all.get(2_000).upstream()).containsExactly(tasks.get(1_999));
        assertThat(all.get(2_000).state().type()).isEqualTo(StateType.COMPLETED);
        // without parameters: the first 1,000
        Http.Answer first = http.get("/api/flow_runs/" + flowRunId + "/task_runs");
        assertThat(first.as(new TypeReference<Page<TaskRunDetail>>() {}).items()).hasSize(FlowRunDetail.MAX_TASK_RUNS);

        TypeReference<List<Bodies.GraphNode>> nodes = new TypeReference<>() {};
        Http.Answer graph = http.get("/api/flow_runs/" + flowRunId + "/graph");
        assertThat(graph.status()).as(graph.body()).isEqualTo(200);
        assertThat(graph.as(nodes)).extracting(Bodies.GraphNode::id)
                .containsExactlyElementsOf(tasks.subList(0, FlowRunDetail.MAX_TASK_RUNS));
        Http.Answer graphTail = http.get("/api/flow_runs/" + flowRunId + "/graph?offset=2400&limit=500");
        assertThat(graphTail.status()).as(graphTail.body()).isEqualTo(200);
        List<Bodies.GraphNode> tail = graphTail.as(nodes);
        assertThat(tail).extracting(Bodies.GraphNode::id).containsExactlyElementsOf(tasks.subList(2_400, count));
        assertThat(tail.get(0).upstream()).containsExactly(tasks.get(2_399));

        UUID unknown = id();
        Http.Answer missing = http.get("/api/flow_runs/" + unknown + "/task_runs");
        assertThat(missing.status()).as(missing.body()).isEqualTo(404);
        assertThat(missing.error()).contains("No flow run " + unknown);
        assertThat(http.get("/api/flow_runs/" + unknown + "/graph").status()).isEqualTo(404);
        for (String bad : List.of("limit=0", "limit=10001", "offset=-1", "limit=lots")) {
            Http.Answer a = http.get("/api/flow_runs/" + flowRunId + "/task_runs?" + bad);
            assertThat(a.status()).as(bad + ": " + a.body()).isEqualTo(400);
            assertThat(a.error()).as(bad).containsAnyOf("limit", "offset");
            assertThat(http.get("/api/flow_runs/" + flowRunId + "/graph?" + bad).status()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void flowRunsAreFilteredAndPaged() {
        String prefix = "filter-" + id().toString().substring(0, 8);
        List<UUID> ids = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID f = id();
            ids.add(f);
            events.add(flowRun(f, prefix + "-" + i, i % 2 == 0 ? Set.of(prefix, "even") : Set.of(prefix)));
            events.add(new RunEvent.FlowRunState(f, state(StateType.RUNNING)));
            if (i < 2) events.add(new RunEvent.FlowRunState(f, state(StateType.FAILED)));
        }
        post(events);

        Page<FlowRunSummary> first = filter("{\"name\": \"" + prefix + "\", \"limit\": 2}");
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.items()).hasSize(2);
        assertThat(first.hasMore()).isTrue();
        // newest first
        assertThat(first.items()).extracting(FlowRunSummary::id).containsExactly(ids.get(4), ids.get(3));
        Page<FlowRunSummary> last = filter("{\"name\": \"" + prefix + "\", \"limit\": 2, \"offset\": 4}");
        assertThat(last.items()).extracting(FlowRunSummary::id).containsExactly(ids.get(0));
        assertThat(last.hasMore()).isFalse();

        assertThat(filter("{\"name\": \"" + prefix + "\", \"states\": [\"FAILED\"]}").items())
                .extracting(FlowRunSummary::id).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        assertThat(filter("{\"tags\": [\"" + prefix + "\", \"even\"]}").items()).extracting(FlowRunSummary::id)
                .containsExactlyInAnyOrder(ids.get(0), ids.get(2), ids.get(4));
        assertThat(filter("{\"name\": \"" + prefix + "\", \"createdAfter\": \"2200-01-01T00:00:00Z\"}").total())
                .isZero();
        // an empty body lists everything, a page of the default size
        Http.Answer all = http.post("/api/flow_runs/filter", null);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.as(new TypeReference<Page<FlowRunSummary>>() {}).total()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void flowsAreListedByNameAPageAtATimeAndReadOneByOne() {
        String prefix = "flows-" + id().toString().substring(0, 8);
        String spaced = prefix + " nightly ETL", plain = prefix + "-adhoc";
        UUID first = id(), second = id(), other = id();
        post(List.of(
                new RunEvent.FlowRunCreated(first, "r1", spaced, "[]", null, null, Set.of(), tick(), "h:1"),
                new RunEvent.FlowRunState(first, state(StateType.COMPLETED)),
                new RunEvent.FlowRunCreated(other, "r2", plain, "[]", null, null, Set.of(), tick(), "h:1"),
                new RunEvent.FlowRunState(other, state(StateType.RUNNING)),
                new RunEvent.FlowRunCreated(second, "r3", spaced, "[]", null, null, Set.of(), tick(), "h:1"),
                new RunEvent.FlowRunState(second, state(StateType.FAILED))));

        Page<FlowSummary> all = flows("?limit=1000");
        List<String> names = all.items().stream().map(FlowSummary::name).toList();
        assertThat(names).isSorted().contains(spaced, plain);
        assertThat(all.total()).isEqualTo(names.size());
        FlowSummary nightly = all.items().get(names.indexOf(spaced));
        assertThat(nightly.flowRuns()).isEqualTo(2);
        assertThat(nightly.lastFlowRunId()).isEqualTo(second);
        assertThat(nightly.lastState().type()).isEqualTo(StateType.FAILED);
        assertThat(nightly.firstRun()).isBefore(nightly.lastRun());

        // a page at a time, in the same order; no parameters: the first page of the default size
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < all.total(); offset++) {
            Page<FlowSummary> page = flows("?offset=" + offset + "&limit=1");
            assertThat(page.offset()).isEqualTo(offset);
            assertThat(page.hasMore()).isEqualTo(offset + 1 < all.total());
            page.items().forEach(f -> paged.add(f.name()));
        }
        assertThat(paged).isEqualTo(names);
        assertThat(flows("").items()).hasSize((int) Math.min(all.total(), ApiRoutes.DEFAULT_LIMIT));
        assertThat(flows("?offset=" + all.total()).items()).isEmpty();

        // one by its exact name, percent-encoded in the path
        Http.Answer one = http.get("/api/flows/" + java.net.URLEncoder.encode(spaced,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.as(FlowSummary.class)).isEqualTo(nightly);
        Http.Answer unknown = http.get("/api/flows/" + prefix + "-nothing");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.error()).contains("No flow named '" + prefix + "-nothing'");

        // bad paging says what was wrong
        for (String bad : List.of("?limit=0", "?limit=1001", "?offset=-1", "?limit=ten", "?offset=99999999999")) {
            Http.Answer a = http.get("/api/flows" + bad);
            assertThat(a.status()).as(bad + ": " + a.body()).isEqualTo(400);
            assertThat(a.error()).as(bad).containsAnyOf("limit", "offset");
        }
    }

    private Page<FlowSummary> flows(String query) {
        Http.Answer a = http.get("/api/flows" + query);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(new TypeReference<Page<FlowSummary>>() {});
    }

    private Page<FlowRunSummary> filter(String body) {
        Http.Answer a = http.post("/api/flow_runs/filter", body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(new TypeReference<Page<FlowRunSummary>>() {});
    }

    @Test
    void statesAfterATerminalOneAreNotRecorded() {
        UUID f = id();
        UUID t = id();
        Bodies.Accepted a = post(List.of(flowRun(f, "guarded", Set.of()),
                new RunEvent.FlowRunState(f, state(StateType.RUNNING)),
                taskRun(f, t, 0, List.of()),
                new RunEvent.TaskRunState(f, t, state(StateType.COMPLETED)),
                new RunEvent.TaskRunState(f, t, state(StateType.RUNNING)),
                new RunEvent.FlowRunState(f, state(StateType.CANCELLED)),
                new RunEvent.FlowRunState(f, state(StateType.COMPLETED)),
                new RunEvent.TaskRunState(f, id(), state(StateType.RUNNING)),
                flowRun(f, "guarded again", Set.of())));
        assertThat(a.accepted()).isEqualTo(5);
        assertThat(a.rejected()).isEqualTo(4);
        // a later batch, after the run left memory: still refused
        assertThat(post(List.of(new RunEvent.FlowRunState(f, state(StateType.RUNNING)))).rejected()).isEqualTo(1);
        FlowRunDetail d = detail(f);
        assertThat(d.run().name()).isEqualTo("guarded");
        assertThat(d.history()).extracting(StateRecord::type).containsExactly(StateType.RUNNING, StateType.CANCELLED);
        assertThat(d.taskRuns().get(0).history()).extracting(StateRecord::type).containsExactly(StateType.COMPLETED);
        assertThat(server.activeRuns()).isZero();
    }

    @Test
    void setStateAcceptsRejectsWaitsAndRenames() {
        Http.Answer created = http.post("/api/flow_runs", "{\"flowName\": \"api-made\", \"tags\": [\"x\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        FlowRunSummary flow = created.as(FlowRunSummary.class);
        assertThat(flow.name()).isNotBlank();
        UUID f = flow.id();

        StateRecord due = new StateRecord(StateType.SCHEDULED, "Scheduled", tick(), null,
                Instant.now().plus(Duration.ofHours(1)), null);
        assertThat(setState("flow_runs", f, due, false).status()).isEqualTo(Decision.Status.ACCEPT);
        Bodies.SetStateResult early = setState("flow_runs", f, state(StateType.RUNNING), false);
        assertThat(early.status()).isEqualTo(Decision.Status.WAIT);
        assertThat(early.delaySeconds()).isBetween(3000.0, 3600.0);
        assertThat(early.reason()).isNotBlank();
        assertThat(setState("flow_runs", f, state(StateType.RUNNING), true).status())
                .isEqualTo(Decision.Status.ACCEPT);

        Http.Answer task = http.post("/api/task_runs", "{\"flowRunId\": \"" + f + "\", \"taskName\": \"load\"}");
        assertThat(task.status()).as(task.body()).isEqualTo(201);
        UUID t = task.as(TaskRunDetail.class).id();
        assertThat(setState("task_runs", t, state(StateType.RUNNING), false).status())
                .isEqualTo(Decision.Status.ACCEPT);
        StateRecord awaiting = new StateRecord(StateType.SCHEDULED, "AwaitingRetry", tick(), null,
                Instant.now().minusSeconds(1), null);
        assertThat(setState("task_runs", t, awaiting, false).status()).isEqualTo(Decision.Status.ACCEPT);
        Bodies.SetStateResult rerun = setState("task_runs", t, state(StateType.RUNNING), false);
        assertThat(rerun.status()).isEqualTo(Decision.Status.ACCEPT);
        assertThat(rerun.state().name()).isEqualTo("Retrying");
        StateRecord done = new StateRecord(StateType.COMPLETED, "Completed", tick(), null, null, "results/abc");
        assertThat(setState("task_runs", t, done, false).state().resultRef()).isEqualTo("results/abc");

        Bodies.SetStateResult late = setState("task_runs", t, state(StateType.FAILED), false);
        assertThat(late.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(late.state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(late.reason()).contains("terminal");

        assertThat(setState("flow_runs", f, state(StateType.COMPLETED), false).status())
                .isEqualTo(Decision.Status.ACCEPT);
        Bodies.SetStateResult again = setState("flow_runs", f, state(StateType.RUNNING), false);
        assertThat(again.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(again.state().type()).isEqualTo(StateType.COMPLETED);

        FlowRunDetail d = detail(f);
        assertThat(d.history()).extracting(StateRecord::type)
                .containsExactly(StateType.SCHEDULED, StateType.RUNNING, StateType.COMPLETED);
        assertThat(d.taskRuns().get(0).history()).extracting(StateRecord::name)
                .containsExactly("Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(d.taskRuns().get(0).name()).isEqualTo("load-0");
    }

    @Test
    void concurrentProposalsLeaveExactlyOneTerminalState() throws Exception {
        int runs = 10;
        int proposers = 12;
        List<UUID> ids = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            UUID f = id();
            ids.add(f);
            events.add(flowRun(f, "race-" + i, Set.of()));
            events.add(new RunEvent.FlowRunState(f, state(StateType.RUNNING)));
        }
        post(events);
        StateType[] terminal = {StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (UUID f : ids) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Bodies.SetStateResult>> answers = new ArrayList<>();
                for (int p = 0; p < proposers; p++) {
                    StateType type = terminal[p % terminal.length];
                    boolean viaEvents = p % 3 == 2;
                    answers.add(pool.submit(() -> {
                        go.await();
                        if (viaEvents) {
                            Bodies.Accepted a = post(List.of(new RunEvent.FlowRunState(f, state(type))));
                            return new Bodies.SetStateResult(a.accepted() == 1 ? Decision.Status.ACCEPT
                                    : Decision.Status.REJECT, null, null, null);
                        }
                        return setState("flow_runs", f, state(type), false);
                    }));
                }
                go.countDown();
                int accepted = 0;
                for (Future<Bodies.SetStateResult> a : answers) {
                    if (a.get().status() == Decision.Status.ACCEPT) accepted++;
                }
                assertThat(accepted).as("accepted terminal proposals for %s", f).isEqualTo(1);
            }
        }
        for (UUID f : ids) {
            List<StateRecord> history = detail(f).history();
            assertThat(history.stream().filter(StateRecord::isFinal).count()).as(history.toString()).isEqualTo(1);
        }
    }

    @Test
    void concurrencyLimitsAreKeptAndSlotsRespected() {
        String tag = "db-" + id().toString().substring(0, 8);
        Http.Answer created = http.post("/api/concurrency_limits", "{\"tag\": \"" + tag + "\", \"limit\": 2}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.as(ConcurrencyLimit.class).limit()).isEqualTo(2);
        assertThat(http.get("/api/concurrency_limits").as(new TypeReference<List<ConcurrencyLimit>>() {}))
                .extracting(ConcurrencyLimit::tag).contains(tag);

        UUID f = id();
        UUID[] t = {id(), id(), id()};
        String[] ask = new String[3];
        for (int i = 0; i < 3; i++) {
            ask[i] = "{\"tags\": [\"" + tag + "\", \"unlimited\"], \"taskRunId\": \"" + t[i] + "\", \"flowRunId\": \""
                    + f + "\"}";
        }
        assertThat(slot(ask[0]).acquired()).isTrue();
        assertThat(slot(ask[1]).acquired()).isTrue();
        assertThat(slot(ask[1]).acquired()).as("a holder asking again keeps its slot").isTrue();
        Bodies.SlotAnswer refused = slot(ask[2]);
        assertThat(refused.acquired()).isFalse();
        assertThat(refused.retryAfterSeconds()).isPositive();
        ConcurrencyLimit limit = http.get("/api/concurrency_limits/tag/" + tag).as(ConcurrencyLimit.class);
        assertThat(limit.activeSlots()).containsExactlyInAnyOrder(t[0], t[1]);

        Http.Answer released = http.post("/api/concurrency_limits/decrement", "{\"taskRunId\": \"" + t[0] + "\"}");
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.as(Bodies.Released.class).taskRunId()).isEqualTo(t[0]);
        assertThat(slot(ask[2]).acquired()).isTrue();

        // set_state RUNNING of a task run with the tag goes through the same slots
        post(List.of(flowRun(f, "limited", Set.of()), new RunEvent.FlowRunState(f, state(StateType.RUNNING)),
                new RunEvent.TaskRunCreated(t[0], f, 0, "q-0", "q", null, Set.of(tag), List.of(), null)));
        Bodies.SetStateResult waits = setState("task_runs", t[0], state(StateType.RUNNING), false);
        assertThat(waits.status()).isEqualTo(Decision.Status.WAIT);
        assertThat(waits.delaySeconds()).isPositive();
        http.post("/api/concurrency_limits/decrement", "{\"taskRunId\": \"" + t[1] + "\"}");
        assertThat(setState("task_runs", t[0], state(StateType.RUNNING), false).status())
                .isEqualTo(Decision.Status.ACCEPT);
        assertThat(setState("task_runs", t[0], state(StateType.COMPLETED), false).status())
                .isEqualTo(Decision.Status.ACCEPT);
        // the finished task run gave its slot back
        assertThat(http.get("/api/concurrency_limits/tag/" + tag).as(ConcurrencyLimit.class).activeSlots())
                .containsExactly(t[2]);

        assertThat(http.delete("/api/concurrency_limits/tag/" + tag).status()).isEqualTo(204);
        assertThat(http.get("/api/concurrency_limits/tag/" + tag).status()).isEqualTo(404);
        assertThat(http.delete("/api/concurrency_limits/tag/" + tag).status()).isEqualTo(404);
    }

    private Bodies.SlotAnswer slot(String body) {
        Http.Answer a = http.post("/api/concurrency_limits/increment", body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(Bodies.SlotAnswer.class);
    }

    @Test
    void everythingAcknowledgedSurvivesARestart() {
        UUID f = id();
        List<UUID> tasks = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>(wholeFlowRun(f, "durable", Set.of(), tasks));
        events.removeLast(); // not finished: still active when the server stops
        events.removeLast();
        post(events);
        server.close();
        server = ApiServer.start(options().port(0).build());
        http = Http.of(server);
        FlowRunDetail d = detail(f);
        assertThat(d.taskRuns()).hasSize(3);
        assertThat(d.run().state().type()).isEqualTo(StateType.RUNNING);
        // the restarted server knows the run from the database: its terminal guard still holds
        assertThat(setState("flow_runs", f, state(StateType.COMPLETED), false).status())
                .isEqualTo(Decision.Status.ACCEPT);
        assertThat(setState("task_runs", tasks.get(0), state(StateType.RUNNING), false).status())
                .isEqualTo(Decision.Status.REJECT);
        JsonNode health = http.get("/api/health").json();
        assertThat(health.path("status").asText()).isEqualTo("ok");
    }
}
