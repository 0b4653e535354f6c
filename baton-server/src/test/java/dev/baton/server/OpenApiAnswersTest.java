package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.baton.StateType;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of a real server, called with real runs (flow runs, task runs with and without
 * upstreams, subflows, failed, retried and scheduled states, logs, concurrency limits, cancelling,
 * set_state answered ACCEPT, REJECT and WAIT, and errors), answers exactly as the OpenAPI document
 * it serves says: the status is documented for the route, and the body validates against the
 * document's schema for that route and status (checked by a JSON-schema validator that knows
 * OpenAPI 3.0's {@code nullable}). Over the embedded database here, over PostgreSQL in
 * {@link PostgresOpenApiAnswersTest}.
 */
class OpenApiAnswersTest {
    @TempDir
    Path home;
    ApiServer server;
    Http http;
    JsonNode document;
    SchemaRegistry schemas;
    /** "METHOD path" of every operation called, with the statuses seen. */
    final Map<String, Set<Integer>> called = new TreeMap<>();
    final List<String> mismatches = new ArrayList<>();
    private int answers;
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** The database served. */
    ServerOptions.Builder options() {
        return ServerOptions.builder().batonHome(home);
    }

    @BeforeEach
    void start() {
        server = ApiServer.start(options().port(0).maxBody(64 * 1024).slotRetry(Duration.ofSeconds(5)).build());
        http = Http.of(server);
        Http.Answer a = http.get("/api/openapi.json");
        assertThat(a.status()).isEqualTo(200);
        document = a.json();
        // OpenAPI 3.0's dialect (nullable, discriminator); "components" holds the document's schemas
        schemas = SchemaRegistry.withDefaultDialect(Dialect.builder(Dialects.getOpenApi30())
                .keyword(new NonValidationKeyword("components")).build());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void theValidatorKnowsOpenApiNullable() throws Exception {
        JsonNode nullValue = Http.JSON.nullNode();
        assertThat(schemaOf(Http.JSON.createObjectNode().put("type", "string")).validate(nullValue)).isNotEmpty();
        assertThat(schemaOf(Http.JSON.createObjectNode().put("type", "string").put("nullable", true))
                .validate(nullValue)).isEmpty();
        // a nullable reference: null passes, a wrong object does not
        Schema answer = schemaOf(Http.JSON.createObjectNode().put("$ref", "#/components/schemas/SetStateResult"));
        String wait = "{\"status\": \"WAIT\", \"delaySeconds\": 5.0, \"reason\": \"later\", \"state\": ";
        assertThat(answer.validate(Http.JSON.readTree(wait + "null}"))).isEmpty();
        assertThat(answer.validate(Http.JSON.readTree(wait + "{\"type\": \"RUNNING\", \"name\": \"Running\","
                + " \"timestamp\": \"2026-01-01T00:00:00Z\", \"message\": null, \"scheduledTime\": null,"
                + " \"resultRef\": null}}"))).isEmpty();
        assertThat(answer.validate(Http.JSON.readTree(wait + "{\"type\": \"RUNNING\"}}"))).isNotEmpty();
        assertThat(answer.validate(Http.JSON.readTree(wait + "5}"))).isNotEmpty();
        assertThat(answer.validate(Http.JSON.readTree("{\"status\": \"WAIT\", \"state\": null}")))
                .as("every field of an answer is required").isNotEmpty();
    }

    @Test
    void everyRouteAnswersAsItsDocumentSays() {
        // a flow run recorded through events: a parent with task runs (with and without upstreams,
        // one failed then retried, one scheduled), a subflow, logs with and without a task run
        UUID parent = UUID.randomUUID();
        UUID sub = UUID.randomUUID();
        UUID[] t = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        List<RunEvent> events = new ArrayList<>();
        events.add(new RunEvent.FlowRunCreated(parent, "parent-run", "etl", "[1,\"two\"]", null, null,
                Set.of("nightly"), tick(), "test-host:1"));
        events.add(new RunEvent.FlowRunState(parent, state(StateType.PENDING)));
        events.add(new RunEvent.FlowRunState(parent, state(StateType.RUNNING)));
        events.add(new RunEvent.TaskRunCreated(t[0], parent, 0, "extract-0", "extract", "1.2", Set.of("io"),
                List.of(), null));
        events.add(new RunEvent.TaskRunState(parent, t[0], state(StateType.RUNNING)));
        events.add(new RunEvent.TaskRunState(parent, t[0], new StateRecord(StateType.COMPLETED, "Completed", tick(),
                null, null, "results/extract-0")));
        events.add(new RunEvent.TaskRunCreated(t[1], parent, 1, "transform-1", "transform", null, Set.of(),
                List.of(t[0]), null));
        events.add(new RunEvent.TaskRunState(parent, t[1], state(StateType.RUNNING)));
        events.add(new RunEvent.TaskRunState(parent, t[1], new StateRecord(StateType.FAILED, "Failed", tick(),
                "boom: division by zero", null, null)));
        events.add(new RunEvent.TaskRunState(parent, t[1], new StateRecord(StateType.SCHEDULED, "AwaitingRetry",
                tick(), "retry 1 of 2", tick().plusSeconds(1), null)));
        events.add(new RunEvent.TaskRunState(parent, t[1], new StateRecord(StateType.RUNNING, "Retrying", tick(),
                null, null, null)));
        events.add(new RunEvent.TaskRunState(parent, t[1], state(StateType.COMPLETED)));
        events.add(new RunEvent.TaskRunCreated(t[2], parent, 2, "child-2", "child", null, Set.of(), List.of(t[1]),
                sub));
        events.add(new RunEvent.FlowRunCreated(sub, "child-run", "child", null, parent, t[2], Set.of(), tick(),
                null));
        events.add(new RunEvent.FlowRunState(sub, state(StateType.RUNNING)));
        events.add(new RunEvent.Log(new LogLine(sub, null, tick(), "INFO", "child", "in the subflow")));
        events.add(new RunEvent.FlowRunState(sub, state(StateType.COMPLETED)));
        events.add(new RunEvent.FlowRunFinished(sub));
        events.add(new RunEvent.TaskRunState(parent, t[2], state(StateType.COMPLETED)));
        events.add(new RunEvent.TaskRunCreated(t[3], parent, 3, "later-3", "later", null, Set.of(), List.of(), null));
        events.add(new RunEvent.TaskRunState(parent, t[3], new StateRecord(StateType.SCHEDULED, "Scheduled", tick(),
                null, Instant.now().plus(Duration.ofHours(1)), null)));
        events.add(new RunEvent.Log(new LogLine(parent, t[1], tick(), "ERROR", "transform", "boom")));
        events.add(new RunEvent.Log(new LogLine(parent, null, tick(), "INFO", "flow", "all but one done")));
        events.add(new RunEvent.Heartbeat(List.of(parent), tick()));
        String batch = Http.events(events);
        call("POST", "/api/events", "/api/events", batch, 200);
        call("POST", "/api/events", "/api/events", "[{\"kind\": \"log\"}]", 400);
        String beat = "{\"kind\":\"heartbeat\",\"flowRunIds\":[],\"at\":\"" + tick() + "\"},";
        call("POST", "/api/events", "/api/events", "[" + beat.repeat(ApiRoutes.MAX_EVENTS)
                + "{\"kind\":\"flow_run_finished\",\"id\":\"" + parent + "\"}]", 413);

        call("GET", "/api/health", "/api/health", null, 200);
        call("GET", "/api/openapi.json", "/api/openapi.json", null, 200);

        call("GET", "/api/flows", "/api/flows", null, 200);
        call("GET", "/api/flows", "/api/flows?limit=0", null, 400);
        call("GET", "/api/flows/{name}", "/api/flows/etl", null, 200);
        call("GET", "/api/flows/{name}", "/api/flows/no-such-flow", null, 404);

        // a flow run made through the API: no state yet, no parent, no parameters given
        JsonNode made = call("POST", "/api/flow_runs", "/api/flow_runs", "{\"flowName\": \"api-made\"}", 201);
        UUID apiRun = UUID.fromString(made.path("id").asText());
        call("POST", "/api/flow_runs", "/api/flow_runs", "{\"id\": \"" + apiRun + "\", \"flowName\": \"x\"}", 409);
        call("POST", "/api/flow_runs", "/api/flow_runs", "{\"name\": \"no flow name\"}", 400);
        call("POST", "/api/flow_runs", "/api/flow_runs", "{\"flowName\": \"" + "x".repeat(70_000) + "\"}", 413);

        // task runs made through the API: one without upstreams or state, one waiting for it
        JsonNode first = call("POST", "/api/task_runs", "/api/task_runs",
                "{\"flowRunId\": \"" + apiRun + "\", \"taskName\": \"load\"}", 201);
        UUID load = UUID.fromString(first.path("id").asText());
        call("POST", "/api/task_runs", "/api/task_runs", "{\"flowRunId\": \"" + apiRun
                + "\", \"taskName\": \"store\", \"taskVersion\": \"2\", \"tags\": [\"db\"], \"upstream\": [\""
                + load + "\"]}", 201);
        call("POST", "/api/task_runs", "/api/task_runs", "{\"id\": \"" + load + "\", \"flowRunId\": \"" + apiRun
                + "\", \"taskName\": \"load\"}", 409);
        call("POST", "/api/task_runs", "/api/task_runs", "{\"flowRunId\": \"" + UUID.randomUUID()
                + "\", \"taskName\": \"load\"}", 404);
        call("POST", "/api/task_runs", "/api/task_runs", "{\"taskName\": \"load\"}", 400);

        for (UUID run : List.of(parent, sub, apiRun)) {
            call("GET", "/api/flow_runs/{id}", "/api/flow_runs/" + run, null, 200);
            call("GET", "/api/flow_runs/{id}/task_runs", "/api/flow_runs/" + run + "/task_runs", null, 200);
            call("GET", "/api/flow_runs/{id}/graph", "/api/flow_runs/" + run + "/graph", null, 200);
        }
        call("GET", "/api/flow_runs/{id}", "/api/flow_runs/" + UUID.randomUUID(), null, 404);
        call("GET", "/api/flow_runs/{id}", "/api/flow_runs/not-an-id", null, 400);
        call("GET", "/api/flow_runs/{id}/task_runs", "/api/flow_runs/" + parent + "/task_runs?offset=1&limit=2",
                null, 200);
        call("GET", "/api/flow_runs/{id}/task_runs", "/api/flow_runs/" + parent + "/task_runs?limit=0", null, 400);
        call("GET", "/api/flow_runs/{id}/task_runs", "/api/flow_runs/" + UUID.randomUUID() + "/task_runs", null,
                404);
        call("GET", "/api/flow_runs/{id}/graph", "/api/flow_runs/" + UUID.randomUUID() + "/graph", null, 404);
        call("GET", "/api/flow_runs/{id}/graph", "/api/flow_runs/x/graph", null, 400);
        for (UUID task : List.of(t[0], t[1], t[2], t[3], load)) {
            call("GET", "/api/task_runs/{id}", "/api/task_runs/" + task, null, 200);
        }
        call("GET", "/api/task_runs/{id}", "/api/task_runs/" + UUID.randomUUID(), null, 404);
        call("GET", "/api/task_runs/{id}", "/api/task_runs/nope", null, 400);

        call("POST", "/api/flow_runs/filter", "/api/flow_runs/filter", null, 200);
        call("POST", "/api/flow_runs/filter", "/api/flow_runs/filter", "{\"states\": [\"RUNNING\"], \"tags\":"
                + " [\"nightly\"], \"limit\": 5}", 200);
        call("POST", "/api/flow_runs/filter", "/api/flow_runs/filter", "{\"limit\": 0}", 400);
        call("POST", "/api/flow_runs/lookup", "/api/flow_runs/lookup", "{\"reference\": \""
                + parent.toString().substring(0, 8) + "\"}", 200);
        call("POST", "/api/flow_runs/lookup", "/api/flow_runs/lookup", "{\"reference\": \"child-run\"}", 200);
        call("POST", "/api/flow_runs/lookup", "/api/flow_runs/lookup", "{}", 400);
        call("POST", "/api/flow_runs/states", "/api/flow_runs/states", "{\"ids\": [\"" + parent + "\", \"" + apiRun
                + "\", \"" + sub + "\", \"" + UUID.randomUUID() + "\"]}", 200);
        call("POST", "/api/flow_runs/states", "/api/flow_runs/states", "{\"ids\": [null]}", 400);

        // set_state: ACCEPT, WAIT (scheduled for later, with and without a state before), REJECT
        String later = "{\"state\": {\"type\": \"SCHEDULED\", \"scheduledTime\": \""
                + Instant.now().plus(Duration.ofHours(1)) + "\"}}";
        String running = "{\"state\": {\"type\": \"RUNNING\"}}";
        call("POST", "/api/flow_runs/{id}/set_state", "/api/flow_runs/" + apiRun + "/set_state", later, 200);
        JsonNode waits = call("POST", "/api/flow_runs/{id}/set_state", "/api/flow_runs/" + apiRun + "/set_state",
                running, 200);
        assertThat(waits.path("status").asText()).isEqualTo("WAIT");
        call("POST", "/api/flow_runs/{id}/set_state", "/api/flow_runs/" + apiRun + "/set_state",
                "{\"state\": {\"type\": \"RUNNING\"}, \"force\": true}", 200);
        call("POST", "/api/flow_runs/{id}/set_state", "/api/flow_runs/" + UUID.randomUUID() + "/set_state", running,
                404);
        call("POST", "/api/flow_runs/{id}/set_state", "/api/flow_runs/" + apiRun + "/set_state", "{}", 400);
        call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + load + "/set_state", running, 200);
        call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + load + "/set_state",
                "{\"state\": {\"type\": \"COMPLETED\", \"resultRef\": \"results/load\"}}", 200);
        JsonNode rejected = call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + load + "/set_state",
                "{\"state\": {\"type\": \"FAILED\", \"message\": \"too late\"}}", 200);
        assertThat(rejected.path("status").asText()).isEqualTo("REJECT");
        call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + UUID.randomUUID() + "/set_state", running,
                404);
        call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + load + "/set_state",
                "{\"state\": {\"type\": \"NOT_A_STATE\"}}", 400);

        // concurrency limits: a task run of a full tag waits, with no state before
        call("POST", "/api/concurrency_limits", "/api/concurrency_limits", "{\"tag\": \"db\", \"limit\": 1}", 200);
        call("POST", "/api/concurrency_limits", "/api/concurrency_limits", "{\"tag\": \"none\", \"limit\": 0}", 200);
        call("POST", "/api/concurrency_limits", "/api/concurrency_limits", "{\"tag\": \"db\"}", 400);
        UUID holder = UUID.randomUUID();
        JsonNode got = call("POST", "/api/concurrency_limits/increment", "/api/concurrency_limits/increment",
                "{\"tags\": [\"db\"], \"taskRunId\": \"" + holder + "\"}", 200);
        assertThat(got.path("acquired").asBoolean()).isTrue();
        JsonNode refused = call("POST", "/api/concurrency_limits/increment", "/api/concurrency_limits/increment",
                "{\"tags\": [\"db\"], \"taskRunId\": \"" + UUID.randomUUID() + "\", \"flowRunId\": \"" + apiRun
                        + "\"}", 200);
        assertThat(refused.path("acquired").asBoolean()).isFalse();
        call("POST", "/api/concurrency_limits/increment", "/api/concurrency_limits/increment", "{\"tags\": [\"db\"]}",
                400);
        JsonNode store = call("POST", "/api/task_runs", "/api/task_runs", "{\"flowRunId\": \"" + apiRun
                + "\", \"taskName\": \"gated\", \"tags\": [\"none\"]}", 201);
        JsonNode gated = call("POST", "/api/task_runs/{id}/set_state", "/api/task_runs/" + store.path("id").asText()
                + "/set_state", running, 200);
        assertThat(gated.path("status").asText()).isEqualTo("WAIT");
        call("GET", "/api/concurrency_limits", "/api/concurrency_limits", null, 200);
        call("GET", "/api/concurrency_limits/tag/{tag}", "/api/concurrency_limits/tag/db", null, 200);
        call("GET", "/api/concurrency_limits/tag/{tag}", "/api/concurrency_limits/tag/nothing", null, 404);
        call("POST", "/api/concurrency_limits/decrement", "/api/concurrency_limits/decrement",
                "{\"taskRunId\": \"" + holder + "\"}", 200);
        call("POST", "/api/concurrency_limits/decrement", "/api/concurrency_limits/decrement", "{}", 400);
        call("DELETE", "/api/concurrency_limits/tag/{tag}", "/api/concurrency_limits/tag/db", null, 204);
        call("DELETE", "/api/concurrency_limits/tag/{tag}", "/api/concurrency_limits/tag/db", null, 404);

        // logs
        call("POST", "/api/logs", "/api/logs", Http.write(List.of(new LogLine(apiRun, load, tick(), "INFO", "load",
                "loaded 3 rows"), new LogLine(apiRun, null, tick(), "WARNING", "flow", "slow"))), 201);
        call("POST", "/api/logs", "/api/logs", "[{\"flowRunId\": \"" + apiRun + "\"}]", 400);
        call("POST", "/api/logs/filter", "/api/logs/filter", "{\"flowRunId\": \"" + parent + "\"}", 200);
        call("POST", "/api/logs/filter", "/api/logs/filter", "{\"taskRunId\": \"" + t[1] + "\", \"limit\": 1}", 200);
        call("POST", "/api/logs/filter", "/api/logs/filter", "{\"flowRunId\": \"" + parent + "\", \"limit\": -1}",
                400);

        // cancel a running run (then it has finished: 409), delete a finished one (a running one: 409)
        call("POST", "/api/flow_runs/{id}/cancel", "/api/flow_runs/" + parent + "/cancel", null, 200);
        call("POST", "/api/flow_runs/{id}/cancel", "/api/flow_runs/" + sub + "/cancel", null, 409);
        call("POST", "/api/flow_runs/{id}/cancel", "/api/flow_runs/" + UUID.randomUUID() + "/cancel", null, 404);
        call("POST", "/api/flow_runs/{id}/cancel", "/api/flow_runs/zz/cancel", null, 400);
        call("DELETE", "/api/flow_runs/{id}", "/api/flow_runs/" + apiRun, null, 409);
        call("DELETE", "/api/flow_runs/{id}", "/api/flow_runs/" + sub, null, 204);
        call("DELETE", "/api/flow_runs/{id}", "/api/flow_runs/" + sub, null, 404);
        call("GET", "/api/flow_runs/{id}", "/api/flow_runs/" + parent, null, 200);
        call("GET", "/api/flows/{name}", "/api/flows/etl", null, 200);
        call("GET", "/api/flows", "/api/flows", null, 200);

        // deployments and their scheduled runs
        JsonNode deployment = call("POST", "/api/deployments", "/api/deployments", "{\"name\": \"nightly\","
                + " \"flowName\": \"etl\", \"entrypoint\": \"com.acme.Flows#etl\", \"parameters\": {\"day\":"
                + " \"2026-01-01\", \"rows\": [1, 2], \"deep\": {\"x\": null}}, \"schedules\": [{\"kind\": \"CRON\","
                + " \"expression\": \"0 2 * * *\", \"zone\": \"Europe/Paris\"}, {\"kind\": \"INTERVAL\","
                + " \"expression\": \"PT6H\", \"parameters\": {\"rows\": 9}}], \"tags\": [\"nightly\"],"
                + " \"workPool\": \"default\", \"concurrencyLimit\": 2, \"parameterSchema\": {\"type\": \"object\","
                + " \"properties\": {\"day\": {\"type\": \"string\", \"format\": \"date\"}, \"rows\": {\"type\":"
                + " \"array\", \"items\": {\"type\": \"integer\"}}, \"deep\": {\"type\": \"object\"}},"
                + " \"required\": [\"day\"], \"additionalProperties\": false}}", 200);
        String deploymentId = deployment.path("id").asText();
        call("GET", "/api/deployments/{id}/parameter_schema", "/api/deployments/" + deploymentId
                + "/parameter_schema", null, 200);
        call("GET", "/api/deployments/{id}/parameter_schema", "/api/deployments/zz/parameter_schema", null, 400);
        call("GET", "/api/deployments/name/{name}/parameter_schema", "/api/deployments/name/nightly/parameter_schema",
                null, 200);
        call("POST", "/api/deployments", "/api/deployments", "{\"name\": \"served\", \"flowName\": \"etl\"}", 200);
        call("GET", "/api/deployments/name/{name}/parameter_schema", "/api/deployments/name/served/parameter_schema",
                null, 404);
        call("POST", "/api/deployments", "/api/deployments", "{\"name\": \"bad\", \"flowName\": \"etl\","
                + " \"schedules\": [{\"kind\": \"CRON\", \"expression\": \"61 * * * *\"}]}", 400);
        call("GET", "/api/deployments", "/api/deployments", null, 200);
        call("GET", "/api/deployments/name/{name}", "/api/deployments/name/nightly", null, 200);
        call("GET", "/api/deployments/name/{name}", "/api/deployments/name/none", null, 404);
        call("GET", "/api/deployments/{id}", "/api/deployments/" + deploymentId, null, 200);
        call("GET", "/api/deployments/{id}", "/api/deployments/" + UUID.randomUUID(), null, 404);
        call("GET", "/api/deployments/{id}", "/api/deployments/zz", null, 400);
        JsonNode upcoming = call("GET", "/api/deployments/{id}/scheduled_runs", "/api/deployments/" + deploymentId
                + "/scheduled_runs?limit=3", null, 200);
        assertThat(upcoming.size()).as("made by the server's scheduler").isEqualTo(3);
        call("GET", "/api/deployments/{id}/scheduled_runs", "/api/deployments/" + deploymentId
                + "/scheduled_runs?limit=-1", null, 400);
        call("GET", "/api/deployments/{id}/scheduled_runs", "/api/deployments/" + UUID.randomUUID()
                + "/scheduled_runs", null, 404);
        call("GET", "/api/scheduled_runs/{id}", "/api/scheduled_runs/" + upcoming.get(0).path("id").asText(), null,
                200);
        call("GET", "/api/scheduled_runs/{id}", "/api/scheduled_runs/" + UUID.randomUUID(), null, 404);
        call("GET", "/api/scheduled_runs/{id}", "/api/scheduled_runs/x", null, 400);
        Instant due = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        String adHoc = Http.write(List.of(new dev.baton.spi.ScheduledRun(UUID.randomUUID(), "ad-hoc-run",
                UUID.fromString(deploymentId), "etl", "{\"day\":\"2026-02-02\"}", due, null, List.of(new StateRecord(
                StateType.SCHEDULED, "Scheduled", tick(), null, due, null)))));
        JsonNode added = call("POST", "/api/scheduled_runs", "/api/scheduled_runs", adHoc, 200);
        assertThat(added.path("added").asInt()).isEqualTo(1);
        call("POST", "/api/scheduled_runs", "/api/scheduled_runs", "[{\"name\": \"no id\"}]", 400);
        call("POST", "/api/scheduled_runs", "/api/scheduled_runs", adHoc.replace("2026-02-02", "tomorrow"), 400);
        call("POST", "/api/scheduled_runs/mark_late", "/api/scheduled_runs/mark_late", "{\"dueBefore\": \""
                + Instant.now().minusSeconds(15) + "\"}", 200);
        call("POST", "/api/scheduled_runs/mark_late", "/api/scheduled_runs/mark_late", "{}", 400);
        JsonNode claimed = call("POST", "/api/scheduled_runs/claim", "/api/scheduled_runs/claim", "{\"deploymentIds\":"
                + " [\"" + deploymentId + "\"], \"max\": 5, \"process\": \"test-host pid 3\"}", 200);
        assertThat(claimed.size()).isEqualTo(1);
        assertThat(claimed.get(0).path("history").get(1).path("name").asText()).isEqualTo("Late");
        call("POST", "/api/scheduled_runs/claim", "/api/scheduled_runs/claim", "{\"max\": 5}", 400);
        call("POST", "/api/deployments/name/{name}/pause", "/api/deployments/name/nightly/pause", null, 200);
        call("POST", "/api/deployments/name/{name}/pause", "/api/deployments/name/none/pause", null, 404);
        call("POST", "/api/deployments/name/{name}/resume", "/api/deployments/name/nightly/resume", null, 200);
        call("POST", "/api/deployments/name/{name}/resume", "/api/deployments/name/none/resume", null, 404);
        call("DELETE", "/api/deployments/name/{name}", "/api/deployments/name/served", null, 204);
        call("DELETE", "/api/deployments/name/{name}", "/api/deployments/name/served", null, 404);

        try (ApiServer guarded = ApiServer.start(ServerOptions.builder().batonHome(home.resolve("guarded")).port(0)
                .apiKey("secret-key").build())) {
            Http anonymous = Http.of(guarded);
            check(anonymous.get("/api/flows"), "GET", "/api/flows", 401);
            check(anonymous.get("/api/health"), "GET", "/api/health", 200);
        }

        assertThat(mismatches).as(mismatches.size() + " of " + answers + " answers differ from the document")
                .isEmpty();
        assertThat(called.keySet()).as("every documented operation was called")
                .containsExactlyInAnyOrderElementsOf(operations());
        assertThat(called).as("every operation answered its success at least once")
                .allSatisfy((op, statuses) -> assertThat(statuses).anyMatch(s -> s < 300));
    }

    // ----- helpers -----

    private synchronized Instant tick() {
        clock = clock.plusMillis(1);
        return clock;
    }

    private StateRecord state(StateType type) {
        return new StateRecord(type, type.displayName(), tick(), null, null, null);
    }

    /**
     * Sends a request, checks the answer against the document, returns its body (null for none). A
     * request that succeeds must match the document's request schema too.
     */
    private JsonNode call(String method, String route, String path, String body, int expected) {
        Http.Answer a = http.send(method, path, body);
        JsonNode requestSchema = document.path("paths").path(route).path(method.toLowerCase()).path("requestBody")
                .path("content").path("application/json").path("schema");
        if (expected < 300 && body != null && !requestSchema.isMissingNode()) {
            try {
                List<Error> errors = schemaOf(requestSchema).validate(Http.JSON.readTree(body));
                if (!errors.isEmpty()) mismatches.add(method + " " + route + " request: " + errors);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(a.status()).as(method + " " + path + ": " + a.body()).isEqualTo(expected);
        return check(a, method, route, expected);
    }

    private JsonNode check(Http.Answer a, String method, String route, int expected) {
        String op = method + " " + route;
        assertThat(a.status()).as(op + ": " + a.body()).isEqualTo(expected);
        called.computeIfAbsent(op, k -> new TreeSet<>()).add(a.status());
        answers++;
        JsonNode operation = document.path("paths").path(route).path(method.toLowerCase());
        assertThat(operation.isObject()).as(op + " is in the document").isTrue();
        JsonNode answer = operation.path("responses").path(String.valueOf(a.status()));
        if (answer.isMissingNode()) {
            mismatches.add(op + " answered " + a.status() + ", which the document does not list");
            return a.body().isEmpty() ? null : a.json();
        }
        JsonNode schema = answer.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            if (!a.body().isEmpty()) mismatches.add(op + " " + a.status() + ": a body the document does not have");
            return null;
        }
        if (!a.contentType().startsWith("application/json")) {
            mismatches.add(op + " " + a.status() + ": content type '" + a.contentType() + "'");
        }
        JsonNode json = a.json();
        List<Error> errors = schemaOf(schema).validate(json);
        if (!errors.isEmpty()) {
            mismatches.add(op + " " + a.status() + ": " + errors.stream().map(Error::toString).toList() + " in "
                    + (a.body().length() > 600 ? a.body().substring(0, 600) + "..." : a.body()));
        }
        return json;
    }

    /** A schema of the document, its {@code #/components/...} references resolved in the document. */
    private Schema schemaOf(JsonNode schema) {
        ObjectNode root = Http.JSON.createObjectNode();
        root.setAll((ObjectNode) schema.deepCopy());
        if (document != null) root.set("components", document.path("components"));
        return schemas.getSchema(root);
    }

    private List<String> operations() {
        List<String> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> ops.add(m.toUpperCase() + " " + path.getKey()));
        }
        return ops;
    }
}
