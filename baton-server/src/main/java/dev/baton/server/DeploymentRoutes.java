package dev.baton.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.Schedule;
import dev.baton.deploy.ParameterSchema;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.Ids;
import dev.baton.spi.RecordedText;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.StateRecord;
import io.javalin.http.Context;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The routes of deployments and their scheduled runs, over the database's {@link Deployments}:
 * what runners, workers and the CLI in client mode use instead of the database (see the client's
 * {@code ApiDeployments}). Deployments are named by their name ({@code /api/deployments/name/{name}})
 * or their id; they travel as {@link DeploymentJson.DeploymentBody} (parameters as a JSON object,
 * schedules in {@link DeploymentJson}'s form), scheduled runs as {@link ScheduledRun}s.
 *
 * <p>Every input is checked before the database sees it (each refusal a 400 naming the field):
 * names, lengths, times within what the store keeps, schedules that parse and can be worked out,
 * parameters that are a JSON object, states as {@link Checks#state} takes them; an ad-hoc run's
 * parameters also as its deployment's parameter schema says ({@link ParameterSchema}: names, types,
 * formats), so that a run that could only fail is refused before it is made. A deployment created or
 * changed with a work pool gets its scheduled runs at once ({@link DeploymentScheduler}).
 */
final class DeploymentRoutes {
    /** At most this many runs in one {@code POST /api/scheduled_runs}. */
    static final int MAX_RUNS = 10_000;
    /** At most this many runs claimed by one {@code POST /api/scheduled_runs/claim}, whatever its max. */
    static final int MAX_CLAIM = 1_000;
    /** At most this many deployments named in one claim. */
    static final int MAX_DEPLOYMENT_IDS = 1_000;
    /** The most scheduled runs of one deployment one {@code GET} answers, and how many when it does not say. */
    static final int MAX_RUNS_PAGE = 10_000, DEFAULT_RUNS_PAGE = 100;
    /** The longest text fields of a deployment the database keeps. */
    static final int MAX_FLOW_NAME = 500, MAX_ENTRYPOINT = 1_000, MAX_WORK_POOL = 200, MAX_DESCRIPTION = 100_000;

    private static final Type DEPLOYMENTS = new TypeReference<List<DeploymentJson.DeploymentBody>>() {}.getType();
    private static final Type RUNS = new TypeReference<List<ScheduledRun>>() {}.getType();
    private static final Type SCHEMA = new TypeReference<Map<String, Object>>() {}.getType();
    private static final String SCHEMA_SUMMARY = "The parameters the deployment's flow takes, as a JSON Schema"
            + " (draft 2020-12: each parameter's type, format or constants, and which are required), for a form to"
            + " be built from; what an ad-hoc run's parameters are checked against. 404 when none is stored (a"
            + " deployment registered before Baton kept it: deploy it again)";

    private final Deployments deployments;
    private final DeploymentScheduler scheduler;
    private final Clock clock;

    DeploymentRoutes(Deployments deployments, DeploymentScheduler scheduler, Clock clock) {
        this.deployments = deployments;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The routes; {@code maxBody} for single records, {@code maxBatchBody} for a batch of runs. */
    List<Route> routes(long maxBody, long maxBatchBody) {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/api/deployments", "Every deployment, by name (in code-point order)", null,
                DEPLOYMENTS, 200, 0, (ctx, body) -> list()));
        r.add(new Route("POST", "/api/deployments", "Create the deployment named 'name', or update it (keeping its id"
                + " and creation time); a change of its schedules deletes the runs its old ones made that no one has"
                + " claimed. id, created and updated are given by the server when left out. Answers it as stored;"
                + " one with a work pool gets its scheduled runs at once", DeploymentJson.DeploymentBody.class,
                DeploymentJson.DeploymentBody.class, 200, maxBody, (ctx, body) -> put(body)));
        // by name first: '/api/deployments/name/x' is deployment 'x', never the runs of a deployment with id 'name'
        r.add(new Route("GET", "/api/deployments/name/{name}", "The deployment with exactly this name", null,
                DeploymentJson.DeploymentBody.class, 200, 0, (ctx, body) -> byName(ctx)));
        r.add(new Route("GET", "/api/deployments/name/{name}/parameter_schema", SCHEMA_SUMMARY, null, SCHEMA, 200, 0,
                (ctx, body) -> schema(byName(ctx))));
        r.add(new Route("POST", "/api/deployments/name/{name}/pause", "Pause a deployment: its scheduled runs no one"
                + " has claimed are deleted (ad-hoc runs stay), and no more are made until it is resumed", null,
                DeploymentJson.DeploymentBody.class, 200, 0, (ctx, body) -> setPaused(ctx, true)));
        r.add(new Route("POST", "/api/deployments/name/{name}/resume", "Resume a paused deployment: schedulers make"
                + " its runs again", null, DeploymentJson.DeploymentBody.class, 200, 0,
                (ctx, body) -> setPaused(ctx, false)));
        r.add(new Route("DELETE", "/api/deployments/name/{name}", "Delete a deployment and its runs not yet started"
                + " (the runs it had stay in the history)", null, null, 204, 0, (ctx, body) -> delete(ctx)));
        r.add(new Route("GET", "/api/deployments/{id}", "The deployment with this id", null,
                DeploymentJson.DeploymentBody.class, 200, 0, (ctx, body) -> byId(ctx)));
        r.add(new Route("GET", "/api/deployments/{id}/parameter_schema", SCHEMA_SUMMARY, null, SCHEMA, 200, 0,
                (ctx, body) -> schema(byId(ctx))));
        r.add(new Route("GET", "/api/deployments/{id}/scheduled_runs", "The runs of a deployment not yet claimed,"
                + " soonest first", null, RUNS, 200, 0, (ctx, body) -> scheduledRuns(ctx), List.of(),
                List.of(new Route.Query("limit", "How many runs at most", 0, MAX_RUNS_PAGE, DEFAULT_RUNS_PAGE))));

        r.add(new Route("GET", "/api/scheduled_runs/{id}", "A scheduled run (by its flow run id) while no one has"
                + " claimed it", null, ScheduledRun.class, 200, 0, (ctx, body) -> scheduledRun(ctx)));
        r.add(new Route("POST", "/api/scheduled_runs", "Create scheduled runs (at most " + MAX_RUNS + "): each whose"
                + " idempotencyKey is not taken yet (ad-hoc runs, without one, always), leaving out the runs of a"
                + " deployment that does not exist and the scheduled runs of a paused one. Creating a run twice, by"
                + " any number of servers or clients at once, creates it once. An ad-hoc run's parameters must fit"
                + " its deployment's parameter schema (400 naming the parameter, its value and the type expected)."
                + " Answers how many were new", RUNS,
                Bodies.Added.class, 200, maxBatchBody, (ctx, body) -> add(body)));
        r.add(new Route("POST", "/api/scheduled_runs/claim", "Claim for a process at most 'max' (and at most "
                + MAX_CLAIM + ") runs of these deployments due at 'now', soonest first: each goes Pending with the"
                + " process and a heartbeat, for one caller only however many ask at once, within each deployment's"
                + " concurrency limit. Answers the claimed runs, Pending last in each history",
                Bodies.Claim.class, RUNS, 200, maxBody, (ctx, body) -> claim(body)));
        r.add(new Route("POST", "/api/scheduled_runs/mark_late", "Mark Late (a Scheduled state named so) every"
                + " scheduled run due before 'dueBefore' not claimed nor marked yet; answers how many",
                Bodies.MarkLate.class, Bodies.Marked.class, 200, maxBody, (ctx, body) -> markLate(body)));
        return r;
    }

    // ----- deployments -----

    private List<DeploymentJson.DeploymentBody> list() {
        return deployments.list().stream().map(DeploymentJson::body).toList();
    }

    private DeploymentJson.DeploymentBody put(byte[] body) {
        DeploymentJson.DeploymentBody b = ApiJson.read(body, DeploymentJson.DeploymentBody.class);
        Checks.text("name", b.name(), DeploymentRecord.MAX_NAME, true);
        Checks.text("flowName", b.flowName(), MAX_FLOW_NAME, true);
        Checks.text("entrypoint", b.entrypoint(), MAX_ENTRYPOINT, false);
        Checks.text("description", b.description(), MAX_DESCRIPTION, false);
        if (b.workPool() != null && b.workPool().isBlank()) {
            throw ApiError.badRequest("Field 'workPool' must not be blank: name the work pool whose workers start its"
                    + " runs, or leave it out for a deployment a process serves");
        }
        Checks.text("workPool", b.workPool(), MAX_WORK_POOL, false);
        Checks.time("created", b.created(), false);
        Checks.time("updated", b.updated(), false);
        Instant now = clock.instant();
        DeploymentJson.DeploymentBody cleaned = new DeploymentJson.DeploymentBody(b.id(), b.name(), b.flowName(),
                b.entrypoint(), b.description(), b.parameters(), b.parameterSchema(), b.schedules(),
                Checks.tags("tags", b.tags()),
                b.workPool(), b.concurrencyLimit(), b.paused(), b.created(), b.updated());
        DeploymentRecord d;
        try {
            d = cleaned.withDefaults(Ids.next(), now).toRecord();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        for (int i = 0; i < d.schedules().size(); i++) {
            Schedule s = d.schedules().get(i);
            try {
                s.next(now);
            } catch (ArithmeticException | DateTimeException e) {
                throw ApiError.badRequest("Schedule [" + i + "] of deployment '" + d.name() + "' (" + s + ") cannot"
                        + " be worked out (" + e.getMessage() + "): give an interval and an anchor within a few"
                        + " centuries of now");
            }
        }
        DeploymentRecord stored;
        try {
            stored = deployments.put(d);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        scheduler.deployed(stored);
        return DeploymentJson.body(stored);
    }

    private DeploymentJson.DeploymentBody byName(Context ctx) {
        String name = name(ctx);
        return deployments.get(name).map(DeploymentJson::body).orElseThrow(() -> noDeployment(name));
    }

    private DeploymentJson.DeploymentBody byId(Context ctx) {
        UUID id = id(ctx, "deployment");
        return deployments.get(id).map(DeploymentJson::body).orElseThrow(() -> ApiError.notFound("No deployment"
                + " with id " + id + " (see GET /api/deployments)"));
    }

    /** The parameter schema of deployment {@code d}, as it travels. */
    private static Map<String, Object> schema(DeploymentJson.DeploymentBody d) {
        if (d.parameterSchema() == null) {
            throw ApiError.notFound("Deployment '" + d.name() + "' has no parameter schema: it was registered before"
                    + " Baton kept one; deploy it again (flow.serve(...), baton deploy) to keep its flow's");
        }
        return d.parameterSchema();
    }

    private DeploymentJson.DeploymentBody setPaused(Context ctx, boolean paused) {
        String name = name(ctx);
        return deployments.setPaused(name, paused, clock.instant()).map(DeploymentJson::body)
                .orElseThrow(() -> noDeployment(name));
    }

    private Object delete(Context ctx) {
        String name = name(ctx);
        if (!deployments.delete(name)) throw noDeployment(name);
        return null;
    }

    private List<ScheduledRun> scheduledRuns(Context ctx) {
        UUID id = id(ctx, "deployment");
        int limit = limit(ctx);
        if (deployments.get(id).isEmpty()) {
            throw ApiError.notFound("No deployment with id " + id + " (see GET /api/deployments)");
        }
        return deployments.scheduledRuns(id, limit);
    }

    // ----- scheduled runs -----

    private ScheduledRun scheduledRun(Context ctx) {
        UUID id = id(ctx, "flow run");
        return deployments.scheduledRun(id).orElseThrow(() -> ApiError.notFound("No scheduled run " + id + " waiting"
                + " to be claimed: it was claimed already (see GET /api/flow_runs/" + id + "), or there is none"));
    }

    private Bodies.Added add(byte[] body) {
        List<ScheduledRun> runs = ApiJson.read(body, new TypeReference<List<ScheduledRun>>() {});
        if (runs.size() > MAX_RUNS) {
            throw new ApiError(413, "At most " + MAX_RUNS + " scheduled runs per request, this one has " + runs.size()
                    + ": send them in several requests");
        }
        Instant now = clock.instant();
        List<ScheduledRun> checked = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) checked.add(check(i, runs.get(i), now));
        Map<UUID, Optional<DeploymentRecord>> deploymentsById = new HashMap<>();
        for (int i = 0; i < checked.size(); i++) {
            ScheduledRun r = checked.get(i);
            if (r.idempotencyKey() != null) continue; // a schedule's: its deployment's parameters, checked when deployed
            DeploymentRecord d = deploymentsById.computeIfAbsent(r.deploymentId(), deployments::get).orElse(null);
            if (d != null) checkParameters(i, r, d);
        }
        try {
            return new Bodies.Added(deployments.addScheduledRuns(checked));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /** A run to create, checked: its parameters a JSON object, its times in range, its states as the stores take them. */
    private static ScheduledRun check(int i, ScheduledRun r, Instant now) {
        String at = "Run [" + i + "]";
        if (r == null) throw ApiError.badRequest(at + " is null: send scheduled run objects");
        Checks.time(at + ".due", r.due(), true);
        try {
            DeploymentJson.parameters(r.parameters());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(at + ": 'parameters' must be a JSON object by parameter name, such as"
                    + " {\"day\": \"2026-01-01\"}, written as a string; got " + brief(r.parameters()));
        }
        if (r.history().isEmpty()) {
            throw ApiError.badRequest(at + ": 'history' is empty; a scheduled run's history ends in a SCHEDULED"
                    + " state, such as {\"type\": \"SCHEDULED\", \"name\": \"Scheduled\"}");
        }
        List<StateRecord> history = new ArrayList<>(r.history().size());
        for (int s = 0; s < r.history().size(); s++) history.add(Checks.state(at + ".history[" + s + "]",
                r.history().get(s), now));
        return new ScheduledRun(r.id(), r.name(), r.deploymentId(), r.flowName(), r.parameters(), r.due(),
                r.idempotencyKey(), history);
    }

    /** An ad-hoc run's parameters, as its deployment's parameter schema (if it keeps one) says. */
    private static void checkParameters(int i, ScheduledRun r, DeploymentRecord d) {
        if (d.parameterSchema() == null) return;
        ParameterSchema schema;
        try {
            schema = ParameterSchema.of(d.flowName(), d.parameterSchema());
        } catch (IllegalArgumentException e) {
            return; // stores keep only JSON objects; one that is not has nothing to say
        }
        try {
            schema.check(r.parameters());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Run [" + i + "] of deployment '" + d.name() + "': " + e.getMessage());
        }
    }

    private List<ScheduledRun> claim(byte[] body) {
        Bodies.Claim b = ApiJson.read(body, Bodies.Claim.class);
        List<UUID> ids = Checks.ids("deploymentIds", Checks.required("deploymentIds", b.deploymentIds()));
        if (ids.size() > MAX_DEPLOYMENT_IDS) {
            throw ApiError.badRequest("At most " + MAX_DEPLOYMENT_IDS + " deploymentIds per claim, this one has "
                    + ids.size());
        }
        int max = Checks.required("max", b.max());
        if (max < 0) throw ApiError.badRequest("Field 'max' must be 0 or more, not " + max);
        String process = Checks.recorded("process", b.process(), RecordedText.PROCESS, true);
        Instant now = b.now() == null ? clock.instant() : Checks.time("now", b.now(), true);
        return deployments.claimDue(ids, now, Math.min(max, MAX_CLAIM), process);
    }

    private Bodies.Marked markLate(byte[] body) {
        Bodies.MarkLate b = ApiJson.read(body, Bodies.MarkLate.class);
        Instant dueBefore = Checks.time("dueBefore", b.dueBefore(), true);
        Instant now = b.now() == null ? clock.instant() : Checks.time("now", b.now(), true);
        return new Bodies.Marked(deployments.markLate(dueBefore, now));
    }

    // ----- path and query parameters -----

    private static String name(Context ctx) {
        return Checks.text("name", ctx.pathParam("name"), DeploymentRecord.MAX_NAME, true);
    }

    private static ApiError noDeployment(String name) {
        return ApiError.notFound("No deployment named '" + name + "' (see GET /api/deployments)");
    }

    private static UUID id(Context ctx, String what) {
        String s = ctx.pathParam("id");
        try {
            if (s.length() == 36) return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiError.badRequest("'" + brief(s) + "' is not a " + what + " id: ids are UUIDs like"
                + " 0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f");
    }

    private static int limit(Context ctx) {
        String s = ctx.queryParam("limit");
        if (s == null || s.isEmpty()) return DEFAULT_RUNS_PAGE;
        int limit;
        try {
            limit = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("Query parameter 'limit' must be a whole number, not '" + brief(s) + "'");
        }
        if (limit < 0 || limit > MAX_RUNS_PAGE) {
            throw ApiError.badRequest("Query parameter 'limit' must be 0 to " + MAX_RUNS_PAGE + ", not " + limit);
        }
        return limit;
    }

    private static String brief(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
