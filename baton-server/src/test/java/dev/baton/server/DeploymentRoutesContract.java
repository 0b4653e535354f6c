package dev.baton.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.StateType;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.StateRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment routes of a real server over HTTP, on one database (the subclasses: the
 * embedded one, PostgreSQL): deployments created, updated, listed, found by name and id, paused,
 * resumed and deleted; scheduled runs added once however often they are sent, listed, claimed
 * exactly once by several clients claiming at once, marked late; and every bad input refused with
 * a 400 (or an unknown name or id with a 404) saying what was wrong.
 */
abstract class DeploymentRoutesContract {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    static final TypeReference<List<ScheduledRun>> RUNS = new TypeReference<>() {};
    static final TypeReference<List<DeploymentJson.DeploymentBody>> DEPLOYMENTS = new TypeReference<>() {};

    ApiServer server;
    Http http;

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

    /** A deployment a process serves (no work pool: the server's scheduler leaves it alone), as JSON. */
    static String served(String name) {
        return "{\"name\": \"" + name + "\", \"flowName\": \"etl\", \"parameters\": {\"day\": \"2026-01-01\", \"rows\": 3}}";
    }

    DeploymentJson.DeploymentBody create(String json) {
        Http.Answer a = http.post("/api/deployments", json);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(DeploymentJson.DeploymentBody.class);
    }

    static ScheduledRun run(UUID deploymentId, Instant due, String key) {
        return new ScheduledRun(UUID.randomUUID(), "run-" + UUID.randomUUID().toString().substring(0, 8),
                deploymentId, "etl", "{\"day\":\"2026-01-01\"}", due, key,
                List.of(new StateRecord(StateType.SCHEDULED, "Scheduled", T0, null, due, null)));
    }

    static List<ScheduledRun> everyMinute(UUID deploymentId, Instant first, int n) {
        List<ScheduledRun> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant due = first.plusSeconds(60L * i);
            runs.add(run(deploymentId, due, "scheduled/" + deploymentId + "/test/" + due));
        }
        return runs;
    }

    int add(List<ScheduledRun> runs) {
        Http.Answer a = http.post("/api/scheduled_runs", runs);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().path("added").asInt(-1);
    }

    List<ScheduledRun> claim(Http client, UUID deploymentId, Instant now, int max, String process) {
        Http.Answer a = client.post("/api/scheduled_runs/claim", Map.of("deploymentIds", List.of(deploymentId), "now",
                now.toString(), "max", max, "process", process));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.as(RUNS);
    }

    static void assertError(Http.Answer a, int status, String... fragments) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.error()).as(a.body()).contains(fragments);
        assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // ----- deployments -----

    @Test
    void aDeploymentIsCreatedUpdatedFoundPausedResumedAndDeletedByName() {
        Http.Answer made = http.post("/api/deployments", "{\"name\": \"nightly-etl\", \"flowName\": \"etl\","
                + " \"entrypoint\": \"com.acme.Flows#etl\", \"description\": \"loads the day\","
                + " \"parameters\": {\"day\": \"2026-01-01\", \"rows\": 3},"
                + " \"schedules\": [{\"kind\": \"CRON\", \"expression\": \"0 2 * * *\", \"zone\": \"Europe/Paris\"},"
                + " {\"kind\": \"INTERVAL\", \"expression\": \"PT1H\", \"parameters\": {\"rows\": 9}}],"
                + " \"tags\": [\"nightly\"], \"concurrencyLimit\": 2}");
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        JsonNode json = made.json();
        assertThat(json.path("schedules").get(0).path("zone").asText()).isEqualTo("Europe/Paris");
        assertThat(json.path("schedules").get(1).path("anchor").asText()).isEqualTo("2020-01-01T00:00Z");
        assertThat(json.path("schedules").get(1).path("parameters").path("rows").asInt()).isEqualTo(9);
        assertThat(json.path("parameters").path("rows").asInt()).as("parameters as an object").isEqualTo(3);
        assertThat(json.path("workPool").isNull()).as("served by its process").isTrue();
        DeploymentJson.DeploymentBody created = made.as(DeploymentJson.DeploymentBody.class);
        assertThat(created.toRecord().schedules()).hasSize(2);
        assertThat(created.id()).isNotNull();
        assertThat(created.paused()).isFalse();

        // updated by name: the same id and creation time, the new fields
        DeploymentJson.DeploymentBody updated = create("{\"name\": \"nightly-etl\", \"flowName\": \"etl\","
                + " \"description\": \"loads the night\", \"workPool\": \"night-shift\"}");
        assertThat(updated.id()).isEqualTo(created.id());
        assertThat(updated.created()).isEqualTo(created.created());
        assertThat(updated.description()).isEqualTo("loads the night");
        assertThat(updated.schedules()).isEmpty();
        assertThat(updated.workPool()).isEqualTo("night-shift");
        create(served("adhoc"));

        assertThat(http.get("/api/deployments").as(DEPLOYMENTS)).extracting(DeploymentJson.DeploymentBody::name)
                .containsExactly("adhoc", "nightly-etl");
        assertThat(http.get("/api/deployments/name/nightly-etl").as(DeploymentJson.DeploymentBody.class))
                .isEqualTo(updated);
        assertThat(http.get("/api/deployments/" + created.id()).as(DeploymentJson.DeploymentBody.class))
                .isEqualTo(updated);

        Http.Answer paused = http.post("/api/deployments/name/nightly-etl/pause", null);
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.as(DeploymentJson.DeploymentBody.class).paused()).isTrue();
        assertThat(http.get("/api/deployments/name/nightly-etl").json().path("paused").asBoolean()).isTrue();
        Http.Answer resumed = http.post("/api/deployments/name/nightly-etl/resume", null);
        assertThat(resumed.as(DeploymentJson.DeploymentBody.class).paused()).isFalse();

        assertThat(http.delete("/api/deployments/name/nightly-etl").status()).isEqualTo(204);
        assertError(http.get("/api/deployments/name/nightly-etl"), 404, "No deployment named 'nightly-etl'");
        assertError(http.delete("/api/deployments/name/nightly-etl"), 404, "No deployment named 'nightly-etl'");
        assertError(http.post("/api/deployments/name/nightly-etl/pause", null), 404, "No deployment named");
        assertError(http.get("/api/deployments/" + created.id()), 404, "No deployment with id " + created.id());
        assertError(http.get("/api/deployments/not-an-id"), 400, "'not-an-id' is not a deployment id");
        assertThat(http.get("/api/deployments").as(DEPLOYMENTS)).extracting(DeploymentJson.DeploymentBody::name)
                .containsExactly("adhoc");
    }

    @Test
    void aDeploymentNamedLikeARouteOrWithSpacesAndSlashesIsFoundByItsName() {
        for (String name : List.of("scheduled_runs", "pause", "a/b c?d")) create(served(name));
        assertThat(http.get("/api/deployments/name/scheduled_runs").json().path("name").asText())
                .isEqualTo("scheduled_runs");
        assertThat(http.get("/api/deployments/name/pause").json().path("name").asText()).isEqualTo("pause");
        assertThat(http.post("/api/deployments/name/pause/pause", null).json().path("paused").asBoolean()).isTrue();
        assertThat(http.get("/api/deployments/name/a%2Fb%20c%3Fd").json().path("name").asText()).isEqualTo("a/b c?d");
    }

    @Test
    void badDeploymentsAreRefusedSayingWhatIsWrong() {
        assertError(http.post("/api/deployments", "{\"flowName\": \"etl\"}"), 400, "Missing field 'name'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\"}"), 400, "Missing field 'flowName'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"CRON\", \"expression\": \"0 25 * * *\"}]}"), 400,
                "Schedule [0] of deployment 'x'", "the hour field '25'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"CRON\", \"expression\": \"0 2 * * *\"}, {\"kind\": \"WEEKLY\", \"expression\":"
                + " \"MO\"}]}"), 400, "schedules[1].kind", "CRON, INTERVAL, RRULE");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"CRON\", \"expression\": \"0 2 * * *\", \"zone\": \"Mars/Olympus\"}]}"), 400,
                "Schedule [0] of deployment 'x'", "Unknown time zone 'Mars/Olympus'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"INTERVAL\", \"expression\": \"every hour\"}]}"), 400, "ISO-8601 duration");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"INTERVAL\", \"expression\": \"PT1H\", \"anchor\": \"yesterday\"}]}"), 400,
                "anchor", "'yesterday'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"INTERVAL\", \"expression\": \"PT999999999H\"}]}"), 400, "cannot be worked out");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"schedules\":"
                + " [{\"kind\": \"INTERVAL\", \"expression\": \"PT0.5S\"}]}"), 400, "at least 1 second");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"parameters\": [1, 2]}"),
                400, "'parameters'", "a JSON object");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"concurrencyLimit\": 0}"),
                400, "concurrency limit of deployment 'x' must be 1 or more");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"workPool\": \" \"}"),
                400, "'workPool' must not be blank");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"workPool\": \""
                + "p".repeat(201) + "\"}"), 400, "'workPool' is 201 characters long; at most 200");
        assertError(http.post("/api/deployments", "{\"name\": \"" + "n".repeat(201) + "\", \"flowName\": \"etl\"}"),
                400, "'name' is 201 characters long");
        assertError(http.post("/api/deployments", "{\"name\": \"tab\\there\", \"flowName\": \"etl\"}"), 400,
                "control characters");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"cron\": \"0 2 * * *\"}"),
                400, "Unknown field 'cron'");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"created\":"
                + " \"2500-01-01T00:00:00Z\"}"), 400, "'created'", "outside the times Baton records");
        assertThat(http.get("/api/deployments").as(DEPLOYMENTS)).as("nothing refused was stored").isEmpty();
    }

    // ----- scheduled runs -----

    @Test
    void scheduledRunsAreAddedOnceListedSoonestFirstAndClaimedOnce() {
        DeploymentJson.DeploymentBody d = create(served("etl"));
        List<ScheduledRun> runs = new ArrayList<>(everyMinute(d.id(), T0, 5));
        ScheduledRun adHoc = run(d.id(), T0.minusSeconds(30), null);
        runs.add(adHoc);
        assertThat(add(runs)).isEqualTo(6);
        assertThat(add(runs)).as("sent again: nothing new").isZero();
        List<ScheduledRun> again = new ArrayList<>(everyMinute(d.id(), T0, 6)); // the same keys, new ids, one more
        assertThat(add(again)).isEqualTo(1);

        List<ScheduledRun> first = http.get("/api/deployments/" + d.id() + "/scheduled_runs?limit=3").as(RUNS);
        assertThat(first).extracting(ScheduledRun::due).containsExactly(T0.minusSeconds(30), T0, T0.plusSeconds(60));
        assertThat(first.get(0)).isEqualTo(adHoc);
        assertThat(http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS)).hasSize(7);
        assertThat(http.get("/api/scheduled_runs/" + adHoc.id()).as(ScheduledRun.class)).isEqualTo(adHoc);

        List<ScheduledRun> claimed = claim(http, d.id(), T0.plusSeconds(90), 10, "test-host pid 1");
        assertThat(claimed).extracting(ScheduledRun::due).containsExactly(T0.minusSeconds(30), T0,
                T0.plusSeconds(60));
        assertThat(claimed).allSatisfy(r -> assertThat(r.history()).extracting(StateRecord::name)
                .containsExactly("Scheduled", "Pending"));
        assertThat(claim(http, d.id(), T0.plusSeconds(90), 10, "test-host pid 2")).as("claimed once").isEmpty();
        assertError(http.get("/api/scheduled_runs/" + adHoc.id()), 404, "No scheduled run " + adHoc.id(),
                "claimed already");
        FlowRunDetail detail = http.get("/api/flow_runs/" + adHoc.id()).as(FlowRunDetail.class);
        assertThat(detail.history()).extracting(StateRecord::name).containsExactly("Scheduled", "Pending");
        assertThat(http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS)).hasSize(4);

        // a claim with max 0 claims nothing; paused, the deployment's unclaimed runs are gone
        assertThat(claim(http, d.id(), T0.plusSeconds(3600), 0, "p")).isEmpty();
        http.post("/api/deployments/name/etl/pause", null);
        assertThat(http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS)).isEmpty();
        assertThat(add(everyMinute(d.id(), T0.plusSeconds(3600), 2))).as("a paused deployment gets none").isZero();
    }

    @Test
    void anUnclaimedScheduledRunCancelledThroughTheApiIsCancelledAtOnceAndNeverClaimed() {
        DeploymentJson.DeploymentBody d = create(served("cancelled"));
        List<ScheduledRun> runs = everyMinute(d.id(), T0, 2);
        add(runs);
        UUID id = runs.get(0).id();
        assertThat(http.post("/api/flow_runs/states", Map.of("ids", List.of(id))).json().path(id.toString())
                .path("type").asText()).as("the server's view has it Scheduled").isEqualTo("SCHEDULED");
        Http.Answer cancelled = http.post("/api/flow_runs/" + id + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().path("state").path("type").asText()).isEqualTo("CANCELLED");
        assertThat(http.get("/api/flow_runs/" + id).as(FlowRunDetail.class).history()).extracting(StateRecord::name)
                .containsExactly("Scheduled", "Cancelled");
        assertThat(http.post("/api/flow_runs/states", Map.of("ids", List.of(id))).json().path(id.toString())
                .path("type").asText()).as("and now Cancelled").isEqualTo("CANCELLED");
        assertThat(claim(http, d.id(), T0.plusSeconds(3600), 5, "p")).extracting(ScheduledRun::id)
                .containsExactly(runs.get(1).id());
        assertError(http.post("/api/flow_runs/" + id + "/cancel", null), 409, "has already finished");

        // one claimed goes Cancelling, for its process to end
        UUID claimed = runs.get(1).id();
        Http.Answer cancelling = http.post("/api/flow_runs/" + claimed + "/cancel", null);
        assertThat(cancelling.json().path("state").path("type").asText()).as(cancelling.body()).isEqualTo("CANCELLING");
    }

    @Test
    void severalClientsClaimingAtOnceClaimEachDueRunExactlyOnce() throws Exception {
        DeploymentJson.DeploymentBody d = create(served("busy"));
        int total = 150;
        assertThat(add(everyMinute(d.id(), T0.minus(Duration.ofDays(1)), total))).isEqualTo(total);
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<UUID>>> each = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String process = "claimer-" + c;
                each.add(pool.submit(() -> {
                    Http own = Http.of(server); // a client of its own: its own connections
                    go.await();
                    List<UUID> mine = new ArrayList<>();
                    while (true) {
                        List<ScheduledRun> got = claim(own, d.id(), T0, 7, process);
                        if (got.isEmpty()) return mine;
                        for (ScheduledRun r : got) mine.add(r.id());
                    }
                }));
            }
            go.countDown();
            List<UUID> all = new ArrayList<>();
            for (Future<List<UUID>> f : each) all.addAll(f.get());
            assertThat(all).hasSize(total);
            assertThat(new HashSet<>(all)).as("no run claimed twice").hasSize(total);
        } finally {
            pool.shutdownNow();
        }
        assertThat(http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS)).isEmpty();
    }

    @Test
    void aDeploymentsConcurrencyLimitHoldsForClaimsThroughTheApi() {
        DeploymentJson.DeploymentBody d = create("{\"name\": \"limited\", \"flowName\": \"etl\","
                + " \"concurrencyLimit\": 2}");
        add(everyMinute(d.id(), T0, 5));
        assertThat(claim(http, d.id(), T0.plusSeconds(600), 10, "p")).hasSize(2);
        assertThat(claim(http, d.id(), T0.plusSeconds(600), 10, "p")).as("its limit is reached").isEmpty();
    }

    @Test
    void runsDueBeforeTheGraceAreMarkedLateOnceAndStillClaimed() {
        DeploymentJson.DeploymentBody d = create(served("late"));
        add(everyMinute(d.id(), T0, 3));
        Http.Answer marked = http.post("/api/scheduled_runs/mark_late", "{\"dueBefore\": \""
                + T0.plusSeconds(61) + "\", \"now\": \"" + T0.plusSeconds(76) + "\"}");
        assertThat(marked.status()).as(marked.body()).isEqualTo(200);
        assertThat(marked.json().path("marked").asInt()).isEqualTo(2);
        assertThat(http.post("/api/scheduled_runs/mark_late", "{\"dueBefore\": \"" + T0.plusSeconds(61) + "\"}")
                .json().path("marked").asInt()).as("once").isZero();
        List<ScheduledRun> runs = http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS);
        assertThat(runs).extracting(r -> r.state().name()).containsExactly("Late", "Late", "Scheduled");
        assertThat(claim(http, d.id(), T0.plusSeconds(90), 5, "p")).extracting(r -> r.history().stream()
                .map(StateRecord::name).toList()).containsOnly(List.of("Scheduled", "Late", "Pending"));
    }

    /** An ad-hoc run (no key) of a deployment, with these parameters. */
    static ScheduledRun adHoc(UUID deploymentId, String parameters) {
        return new ScheduledRun(UUID.randomUUID(), "run-" + UUID.randomUUID().toString().substring(0, 8),
                deploymentId, "etl", parameters, T0, null,
                List.of(new StateRecord(StateType.SCHEDULED, "Scheduled", T0, null, T0, null)));
    }

    static final String SCHEMA = "{\"type\": \"object\", \"properties\": {\"day\": {\"type\": \"string\","
            + " \"format\": \"date\"}, \"rows\": {\"type\": \"integer\"}, \"mode\": {\"type\": \"string\","
            + " \"enum\": [\"FULL\", \"INCREMENTAL\"]}}, \"required\": [\"day\", \"rows\", \"mode\"],"
            + " \"additionalProperties\": false}";

    @Test
    void aDeploymentKeepsItsFlowsParameterSchemaAndAnswersItForForms() {
        DeploymentJson.DeploymentBody typed = create("{\"name\": \"typed\", \"flowName\": \"etl\", \"parameters\":"
                + " {\"rows\": 3}, \"parameterSchema\": " + SCHEMA + "}");
        assertThat(typed.parameterSchema()).containsEntry("type", "object").containsEntry("required",
                List.of("day", "rows", "mode"));
        JsonNode byId = http.get("/api/deployments/" + typed.id() + "/parameter_schema").json();
        assertThat(byId.path("properties").path("day").path("format").asText()).isEqualTo("date");
        assertThat(byId.path("properties").path("mode").path("enum").get(1).asText()).isEqualTo("INCREMENTAL");
        assertThat(http.get("/api/deployments/name/typed/parameter_schema").json()).isEqualTo(byId);
        assertThat(http.get("/api/deployments/name/typed").json().path("parameterSchema")).as("an object, not text")
                .isEqualTo(byId);
        assertThat(http.get("/api/deployments").json().get(0).path("parameterSchema")).isEqualTo(byId);

        // kept when paused, and when updated with it; gone when updated without
        http.post("/api/deployments/name/typed/pause", null);
        assertThat(http.get("/api/deployments/name/typed/parameter_schema").json()).isEqualTo(byId);
        create(served("typed"));
        assertError(http.get("/api/deployments/name/typed/parameter_schema"), 404,
                "Deployment 'typed' has no parameter schema", "deploy it again");
        assertThat(http.get("/api/deployments/name/typed").json().path("parameterSchema").isNull()).isTrue();
        assertError(http.get("/api/deployments/name/none/parameter_schema"), 404, "No deployment named 'none'");
        assertError(http.get("/api/deployments/" + UUID.randomUUID() + "/parameter_schema"), 404,
                "No deployment with id");
        assertError(http.get("/api/deployments/nope/parameter_schema"), 400, "'nope' is not a deployment id");
        assertError(http.post("/api/deployments", "{\"name\": \"x\", \"flowName\": \"etl\", \"parameterSchema\":"
                + " [1]}"), 400, "parameterSchema");
    }

    @Test
    void anAdHocRunWhoseParametersDoNotFitTheSchemaIsRefusedNamingTheParameterTheValueAndTheType() {
        DeploymentJson.DeploymentBody typed = create("{\"name\": \"typed\", \"flowName\": \"etl\", \"parameters\":"
                + " {\"rows\": 3, \"mode\": \"FULL\"}, \"parameterSchema\": " + SCHEMA + "}");
        UUID id = typed.id();
        assertThat(add(List.of(adHoc(id, "{\"rows\":3,\"mode\":\"FULL\",\"day\":\"2026-01-01\"}")))).isEqualTo(1);

        assertError(http.post("/api/scheduled_runs", List.of(adHoc(id, "{\"rows\":3,\"mode\":\"FULL\",\"day\":"
                + "\"2026-01-01\"}"), adHoc(id, "{\"rows\":3,\"mode\":\"FULL\",\"day\":\"tomorrow\"}"))), 400,
                "Run [1] of deployment 'typed': Parameter 'day' of flow 'etl' is \"tomorrow\", which is not a date"
                        + " (yyyy-mm-dd)");
        assertError(http.post("/api/scheduled_runs", List.of(adHoc(id, "{\"rows\":\"3\",\"mode\":\"FULL\","
                + "\"day\":\"2026-01-01\"}"))), 400, "Parameter 'rows' of flow 'etl' is \"3\", which is not an integer");
        assertError(http.post("/api/scheduled_runs", List.of(adHoc(id, "{\"rows\":3,\"mode\":\"PARTIAL\","
                + "\"day\":\"2026-01-01\"}"))), 400,
                "Parameter 'mode' of flow 'etl' is \"PARTIAL\", which is not one of FULL, INCREMENTAL");
        assertError(http.post("/api/scheduled_runs", List.of(adHoc(id, "{\"rows\":3,\"mode\":\"FULL\"}"))), 400,
                "Parameter 'day' of flow 'etl' has no value; it takes a date (yyyy-mm-dd)");
        assertError(http.post("/api/scheduled_runs", List.of(adHoc(id, "{\"rows\":3,\"mode\":\"FULL\","
                + "\"day\":\"2026-01-01\",\"dya\":1}"))), 400,
                "Flow 'etl' has no parameter 'dya' (its parameters: day, rows, mode)");
        assertThat(http.get("/api/deployments/" + id + "/scheduled_runs").as(RUNS)).as("only the run that fits")
                .hasSize(1);

        // a deployment that keeps no schema takes what it is given, to be checked when its run starts
        DeploymentJson.DeploymentBody untyped = create(served("untyped"));
        assertThat(add(List.of(adHoc(untyped.id(), "{\"day\":\"tomorrow\"}")))).isEqualTo(1);
    }

    @Test
    void badScheduledRunsClaimsAndQueriesAreRefusedSayingWhatIsWrong() {
        DeploymentJson.DeploymentBody d = create(served("strict"));
        ScheduledRun good = run(d.id(), T0, null);
        ScheduledRun running = new ScheduledRun(UUID.randomUUID(), "r", d.id(), "etl", "{}", T0, null,
                List.of(new StateRecord(StateType.RUNNING, "Running", T0, null, null, null)));
        assertError(http.post("/api/scheduled_runs", List.of(good, running)), 400, "history ending in a SCHEDULED state");
        ScheduledRun array = new ScheduledRun(UUID.randomUUID(), "r", d.id(), "etl", "[1, 2]", T0, null,
                good.history());
        assertError(http.post("/api/scheduled_runs", List.of(array)), 400, "Run [0]", "'parameters' must be a JSON object");
        ScheduledRun far = new ScheduledRun(UUID.randomUUID(), "r", d.id(), "etl", "{}", Instant.parse(
                "2500-01-01T00:00:00Z"), null, good.history());
        assertError(http.post("/api/scheduled_runs", List.of(far)), 400, "Run [0].due", "outside the times");
        String noDeployment = Http.write(List.of(good)).replace("\"deploymentId\":\"" + d.id() + "\",", "");
        assertError(http.post("/api/scheduled_runs", noDeployment), 400, "Missing or null field 'deploymentId'",
                "ScheduledRun");
        assertError(http.post("/api/scheduled_runs", "{}"), 400, "a JSON array");
        assertError(http.post("/api/scheduled_runs", "[{\"id\": \"" + UUID.randomUUID() + "\"}]"), 400,
                "Missing or null field");
        assertThat(http.get("/api/deployments/" + d.id() + "/scheduled_runs").as(RUNS)).as("nothing of it added")
                .isEmpty();

        assertError(http.post("/api/scheduled_runs/claim", "{\"deploymentIds\": [\"" + d.id() + "\"], \"max\": 1}"),
                400, "Missing field 'process'");
        assertError(http.post("/api/scheduled_runs/claim", "{\"deploymentIds\": [\"" + d.id() + "\"], \"max\": -1,"
                + " \"process\": \"p\"}"), 400, "'max' must be 0 or more");
        assertError(http.post("/api/scheduled_runs/claim", "{\"max\": 1, \"process\": \"p\"}"), 400,
                "Missing field 'deploymentIds'");
        assertError(http.post("/api/scheduled_runs/claim", "{\"deploymentIds\": [null], \"max\": 1, \"process\":"
                + " \"p\"}"), 400, "'deploymentIds' contains null");
        assertError(http.post("/api/scheduled_runs/mark_late", "{\"now\": \"" + T0 + "\"}"), 400,
                "Missing field 'dueBefore'");
        assertError(http.get("/api/deployments/" + d.id() + "/scheduled_runs?limit=lots"), 400,
                "'limit' must be a whole number");
        assertError(http.get("/api/deployments/" + d.id() + "/scheduled_runs?limit=10001"), 400, "0 to 10000");
        assertError(http.get("/api/deployments/" + UUID.randomUUID() + "/scheduled_runs"), 404, "No deployment with id");
        assertError(http.get("/api/scheduled_runs/nope"), 400, "'nope' is not a flow run id");
        assertError(http.get("/api/scheduled_runs/" + UUID.randomUUID()), 404, "No scheduled run");
    }
}
