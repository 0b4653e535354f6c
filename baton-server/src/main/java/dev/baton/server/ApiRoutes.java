package dev.baton.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventCodec;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import io.javalin.http.Context;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The routes of the API under {@code /api}, shaped after Prefect's Orion API: health, run
 * events, flows, flow runs, task runs, logs, concurrency limits, and deployments with their
 * scheduled runs ({@link DeploymentRoutes}). Each handler checks its input, calls the history
 * (reads) or the {@link RunRecorder} (writes) and returns the body to answer.
 */
final class ApiRoutes {
    /**
     * The response header of {@code POST /api/events} naming the forms of events the server reads
     * besides JSON: a client switches to the binary form once it has seen it (an older server
     * reads JSON only, and says nothing).
     */
    static final String EVENT_FORMS_HEADER = "Baton-Event-Forms";
    /** At most this many events in one {@code POST /api/events}. */
    static final int MAX_EVENTS = 20_000;
    /** The page size of a filter that does not say. */
    static final int DEFAULT_LIMIT = 100;

    private static final Type EVENTS = new TypeReference<List<RunEvent>>() {}.getType();
    private static final Type LOG_LINES = new TypeReference<List<LogLine>>() {}.getType();
    private static final Type FLOW_PAGE = new TypeReference<Page<FlowSummary>>() {}.getType();
    private static final Type FLOW_RUN_PAGE = new TypeReference<Page<FlowRunSummary>>() {}.getType();
    private static final Type LOG_PAGE = new TypeReference<Page<LogLine>>() {}.getType();
    private static final Type GRAPH = new TypeReference<List<Bodies.GraphNode>>() {}.getType();
    private static final Type TASK_RUN_PAGE = new TypeReference<Page<TaskRunDetail>>() {}.getType();
    private static final Type FLOW_RUN_LIST = new TypeReference<List<FlowRunSummary>>() {}.getType();
    private static final Type STATES_BY_ID = new TypeReference<Map<UUID, StateRecord>>() {}.getType();
    /** At most this many ids in one {@code POST /api/flow_runs/states}. */
    static final int MAX_STATE_QUERY = 1_000;
    private static final Type LIMITS = new TypeReference<List<ConcurrencyLimit>>() {}.getType();

    private final RunRecorder recorder;
    private final BatchIds batchIds;
    private final RunHistory history;
    private final SharedSlots slots;
    private final DeploymentRoutes deployments;
    private final String version;
    private final long maxBody;
    private final long maxEventsBody;

    ApiRoutes(RunRecorder recorder, BatchIds batchIds, RunHistory history, SharedSlots slots,
              DeploymentRoutes deployments, String version, long maxBody, long maxEventsBody) {
        this.recorder = recorder;
        this.batchIds = batchIds;
        this.history = history;
        this.slots = slots;
        this.deployments = deployments;
        this.version = version;
        this.maxBody = maxBody;
        this.maxEventsBody = maxEventsBody;
    }

    /** Every route, the OpenAPI document's own last (it is made from the others). */
    List<Route> routes(Supplier<byte[]> openApiDocument) {
        List<Route> r = new ArrayList<>();
        r.add(get("/api/health", "Whether the server is up, its version and database", Bodies.Health.class,
                (ctx, body) -> new Bodies.Health("ok", version, history.description())));
        r.add(new Route("POST", "/api/events", "Record a batch of run events (at most " + MAX_EVENTS
                + "), in order, answered once committed to the database (503 if the database cannot commit it:"
                + " send it again), or at once with " + BatchIds.ANSWER_HEADER + ": " + BatchIds.APPLIED + ";"
                + " durableThrough says up to which sequence the client's batches are committed. States of runs"
                + " already in a terminal state are not recorded (rejected). A batch named by a " + BatchIds.HEADER
                + " header already applied is answered with \"duplicate\": true and not applied again. The events"
                + " may also come in Baton's binary form (Content-Type: " + RunEventCodec.MEDIA_TYPE + ", about a"
                + " quarter of the JSON's size): every answer of this route says the server reads it, in header "
                + EVENT_FORMS_HEADER, EVENTS,
                Bodies.Accepted.class, 200, maxEventsBody, (ctx, body) -> events(ctx, body),
                List.of(new Route.Header(BatchIds.HEADER, "The batch's id, '<client uuid>:<sequence>': a uuid"
                        + " the client makes once, and a sequence growing by one for each batch it sends (a batch"
                        + " sent again keeps its id). The server remembers the last sequence it applied for each"
                        + " of the last " + BatchIds.MAX_CLIENTS + " clients and does not apply a batch twice.",
                        "^[0-9a-fA-F-]{36}:[0-9]{1,18}$"),
                        new Route.Header(BatchIds.ANSWER_HEADER, "'" + BatchIds.APPLIED + "': answer once the batch is"
                        + " applied, before it is committed (a client pipelining its batches keeps each until an"
                        + " answer's durableThrough covers it, and sends again what is not covered after a failure);"
                        + " left out, the answer waits for the commit", "^" + BatchIds.APPLIED + "$"))));

        r.add(new Route("GET", "/api/flows", "The flows runs were made of, by name (in code-point order), with"
                + " how many runs each has and its newest run's state, a page at a time", null, FLOW_PAGE, 200, 0,
                (ctx, body) -> flows(ctx), List.of(), List.of(
                        new Route.Query("offset", "How many flows to skip", 0, Integer.MAX_VALUE, 0),
                        new Route.Query("limit", "How many flows at most", 1, FlowSummary.MAX_LIMIT, DEFAULT_LIMIT))));
        r.add(get("/api/flows/{name}", "One flow by its exact name", FlowSummary.class, (ctx, body) -> flow(ctx)));

        r.add(new Route("POST", "/api/flow_runs", "Create a flow run", Bodies.FlowRunCreate.class,
                FlowRunSummary.class, 201, maxBody,
                (ctx, body) -> recorder.durably(() -> recorder.createFlowRun(ApiJson.read(body,
                        Bodies.FlowRunCreate.class)))).answers(409, "A run with this id exists already"));
        r.add(get("/api/flow_runs/{id}", "A flow run with its state history, task runs and subflow runs",
                FlowRunDetail.class, (ctx, body) -> flowRun(ctx)));
        r.add(post("/api/flow_runs/filter", "Flow runs by state, name, creation time and tags, newest first, a page"
                + " at a time", Bodies.FlowRunQuery.class, FLOW_RUN_PAGE, (ctx, body) -> flowRuns(body)));
        r.add(post("/api/flow_runs/lookup", "The flow runs a reference may mean, newest first: the one whose id it"
                + " is, those whose id starts with it, those named exactly it", Bodies.FlowRunLookup.class,
                FLOW_RUN_LIST, (ctx, body) -> lookup(body)));
        r.add(post("/api/flow_runs/states", "The current state of each of these flow runs (at most "
                + MAX_STATE_QUERY + "), by id; unknown ids are left out", Bodies.FlowRunStatesQuery.class,
                STATES_BY_ID, (ctx, body) -> flowRunStates(body)));
        r.add(new Route("POST", "/api/flow_runs/{id}/cancel", "Cancel a flow run that has not finished: it goes"
                + " Cancelling, and its process stops it and ends it Cancelled; a deployment's scheduled run no one"
                + " has claimed goes Cancelled at once (409 if it has finished)", null,
                FlowRunSummary.class, 200, 0, (ctx, body) -> cancel(ctx)).answers(409, "The flow run has finished"));
        r.add(new Route("DELETE", "/api/flow_runs/{id}", "Delete a finished flow run with its states, task runs,"
                + " log lines and subflow runs (409 if it has not finished)", null, null, 204, 0,
                (ctx, body) -> deleteFlowRun(ctx)).answers(409, "The flow run has not finished"));
        r.add(new Route("GET", "/api/flow_runs/{id}/task_runs", "The task runs of a flow run in creation order,"
                + " each with its state history and the task runs it waited for, a page at a time (total: how many"
                + " the flow run has)", null, TASK_RUN_PAGE, 200, 0, (ctx, body) -> taskRunPage(ctx), List.of(),
                taskRunPageQuery()));
        r.add(new Route("GET", "/api/flow_runs/{id}/graph", "The task runs of a flow run with their states and the"
                + " task runs each waited for, in creation order, a page at a time (the flow run's taskRuns count"
                + " says how many there are)", null, GRAPH, 200, 0, (ctx, body) -> graph(ctx), List.of(),
                taskRunPageQuery()));
        r.add(post("/api/flow_runs/{id}/set_state", "Propose a state for a flow run: the orchestration rules"
                + " answer ACCEPT, REJECT, WAIT or ABORT", Bodies.SetState.class, Bodies.SetStateResult.class,
                (ctx, body) -> recorder.durably(() -> setState(ctx, body, true))));

        r.add(new Route("POST", "/api/task_runs", "Create a task run in a flow run", Bodies.TaskRunCreate.class,
                TaskRunDetail.class, 201, maxBody,
                (ctx, body) -> recorder.durably(() -> recorder.createTaskRun(ApiJson.read(body,
                        Bodies.TaskRunCreate.class)))).answers(404, "No such flow run")
                .answers(409, "A run with this id exists already"));
        r.add(get("/api/task_runs/{id}", "A task run with its state history", TaskRunDetail.class,
                (ctx, body) -> history.taskRun(uuid(ctx, "id"))
                        .orElseThrow(() -> ApiError.notFound("No task run " + ctx.pathParam("id")))));
        r.add(post("/api/task_runs/{id}/set_state", "Propose a state for a task run: the orchestration rules"
                + " answer ACCEPT, REJECT, WAIT or ABORT", Bodies.SetState.class, Bodies.SetStateResult.class,
                (ctx, body) -> recorder.durably(() -> setState(ctx, body, false))));

        r.add(new Route("POST", "/api/logs", "Record a batch of log lines", LOG_LINES, Bodies.Accepted.class, 201,
                maxEventsBody, (ctx, body) -> recorder.durably(() -> logs(body))));
        r.add(post("/api/logs/filter", "Log lines of a flow run or task run, oldest first, a page at a time",
                Bodies.LogQuery.class, LOG_PAGE, (ctx, body) -> logPage(body)));

        r.add(post("/api/concurrency_limits", "Create or replace the concurrency limit of a tag",
                Bodies.LimitCreate.class, ConcurrencyLimit.class, (ctx, body) -> putLimit(body)));
        r.add(get("/api/concurrency_limits", "Every tag concurrency limit, with the task runs holding its slots",
                LIMITS, (ctx, body) -> history.concurrencyLimits()));
        r.add(get("/api/concurrency_limits/tag/{tag}", "The concurrency limit of one tag", ConcurrencyLimit.class,
                (ctx, body) -> history.concurrencyLimit(tag(ctx))
                        .orElseThrow(() -> ApiError.notFound("No concurrency limit for tag '" + tag(ctx) + "'"))));
        r.add(new Route("DELETE", "/api/concurrency_limits/tag/{tag}", "Delete the concurrency limit of a tag", null,
                null, 204, 0, (ctx, body) -> deleteLimit(ctx)));
        r.add(post("/api/concurrency_limits/increment", "Take a slot of every limited tag for a task run, all or"
                + " none", Bodies.SlotRequest.class, Bodies.SlotAnswer.class, (ctx, body) -> increment(body)));
        r.add(post("/api/concurrency_limits/decrement", "Release every slot a task run holds",
                Bodies.SlotRelease.class, Bodies.Released.class, (ctx, body) -> decrement(body)));

        r.addAll(deployments.routes(maxBody, maxEventsBody));

        r.add(get("/api/openapi.json", "This document: the OpenAPI 3 description of every route", Map.class,
                (ctx, body) -> openApiDocument.get()));
        return r;
    }

    private Route get(String path, String summary, Type response, Route.Handler handler) {
        return new Route("GET", path, summary, null, response, 200, 0, handler);
    }

    private Route post(String path, String summary, Type request, Type response, Route.Handler handler) {
        return new Route("POST", path, summary, request, response, 200, maxBody, handler);
    }

    // ----- handlers -----

    private Bodies.Accepted events(Context ctx, byte[] body) {
        String batchId = ctx.header(BatchIds.HEADER);
        ctx.header(EVENT_FORMS_HEADER, RunEventCodec.MEDIA_TYPE);
        String type = ctx.header("Content-Type");
        List<RunEvent> events;
        if (type != null && type.regionMatches(true, 0, RunEventCodec.MEDIA_TYPE, 0, RunEventCodec.MEDIA_TYPE.length())) {
            try {
                events = RunEventCodec.read(body, MAX_EVENTS);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
        } else {
            events = ApiJson.read(body, new TypeReference<List<RunEvent>>() {});
        }
        if (events.size() > MAX_EVENTS) {
            throw new ApiError(413, "At most " + MAX_EVENTS + " events per request, this one has " + events.size()
                    + ": send them in several batches, in order");
        }
        // answered once written, unless the client pipelines its batches (it keeps them until durableThrough covers them)
        boolean durable = !BatchIds.APPLIED.equalsIgnoreCase(ctx.header(BatchIds.ANSWER_HEADER));
        return batchIds.applyOnce(batchId, durable, () -> recorder.apply(events));
    }

    private Page<FlowSummary> flows(Context ctx) {
        int offset = queryInt(ctx, "offset", 0);
        int limit = queryInt(ctx, "limit", DEFAULT_LIMIT);
        try {
            FlowSummary.checkPage(offset, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Bad page of flows: " + e.getMessage());
        }
        return history.flows(offset, limit);
    }

    private FlowSummary flow(Context ctx) {
        String name = Checks.text("name", ctx.pathParam("name"), 500, true);
        return history.flow(name).orElseThrow(() -> ApiError.notFound("No flow named '" + name
                + "': no run was made of it"));
    }

    /** A whole-number query parameter, {@code otherwise} when absent. */
    private static int queryInt(Context ctx, String name, int otherwise) {
        String s = ctx.queryParam(name);
        if (s == null || s.isEmpty()) return otherwise;
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("Query parameter '" + name + "' must be a whole number, not '"
                    + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
        }
    }

    private FlowRunDetail flowRun(Context ctx) {
        UUID id = uuid(ctx, "id");
        return history.flowRun(id).orElseThrow(() -> ApiError.notFound("No flow run " + id));
    }

    private Page<FlowRunSummary> flowRuns(byte[] body) {
        Bodies.FlowRunQuery q = body.length == 0 ? new Bodies.FlowRunQuery(null, null, null, null, null, null, null)
                : ApiJson.read(body, Bodies.FlowRunQuery.class);
        if (q.name() != null) Checks.text("name", q.name(), 500, false);
        if (q.states() != null && q.states().contains(null)) throw ApiError.badRequest("Field 'states' contains null");
        FlowRunFilter filter;
        try {
            filter = new FlowRunFilter(q.states(), q.name(), q.createdAfter(), q.createdBefore(),
                    Checks.tags("tags", q.tags()), q.offset() == null ? 0 : q.offset(),
                    q.limit() == null ? DEFAULT_LIMIT : q.limit());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Bad flow run filter: " + e.getMessage());
        }
        return history.flowRuns(filter);
    }

    private List<FlowRunSummary> lookup(byte[] body) {
        Bodies.FlowRunLookup q = ApiJson.read(body, Bodies.FlowRunLookup.class);
        String reference = Checks.text("reference", q.reference(), 200, true);
        int limit = q.limit() == null ? DEFAULT_LIMIT : q.limit();
        if (limit < 1 || limit > FlowRunFilter.MAX_LIMIT) {
            throw ApiError.badRequest("Field 'limit' must be 1 to " + FlowRunFilter.MAX_LIMIT + ", not " + limit);
        }
        return history.flowRunsByReference(reference, limit);
    }

    private Map<UUID, StateRecord> flowRunStates(byte[] body) {
        Bodies.FlowRunStatesQuery q = ApiJson.read(body, Bodies.FlowRunStatesQuery.class);
        List<UUID> ids = Checks.required("ids", q.ids());
        if (ids.contains(null)) throw ApiError.badRequest("Field 'ids' contains null");
        if (ids.size() > MAX_STATE_QUERY) {
            throw ApiError.badRequest("At most " + MAX_STATE_QUERY + " ids per request, this one has " + ids.size());
        }
        return recorder.flowRunStates(ids);
    }

    private FlowRunSummary cancel(Context ctx) {
        UUID id = uuid(ctx, "id");
        if (history.deployments().scheduledRun(id).isPresent()) {
            // a deployment's run no one has claimed has no process to end it: Cancelled at once
            return recorder.cancelScheduledRun(id, () -> history.cancelFlowRun(id))
                    .orElseThrow(() -> ApiError.notFound("No flow run " + id));
        }
        recorder.durably(() -> recorder.cancelFlowRun(id)).orElseThrow(() -> ApiError.notFound("No flow run " + id));
        // read once written: the answer shows the run Cancelling
        return history.flowRun(id).map(FlowRunDetail::run).orElseThrow(() -> ApiError.notFound("No flow run " + id));
    }

    private Object deleteFlowRun(Context ctx) {
        UUID id = uuid(ctx, "id");
        boolean deleted;
        try {
            deleted = history.deleteFlowRun(id);
        } catch (IllegalStateException e) {
            throw new ApiError(409, e.getMessage());
        }
        if (!deleted) throw ApiError.notFound("No flow run " + id);
        return null;
    }

    /** The offset and limit of a page of task runs, for the document. */
    private static List<Route.Query> taskRunPageQuery() {
        return List.of(
                new Route.Query("offset", "How many task runs to skip", 0, Integer.MAX_VALUE, 0),
                new Route.Query("limit", "How many task runs at most", 1, RunHistory.MAX_TASK_RUN_PAGE,
                        FlowRunDetail.MAX_TASK_RUNS));
    }

    /** The page of task runs the query parameters ask for; 404 for an unknown flow run. */
    private Page<TaskRunDetail> taskRunPage(Context ctx) {
        UUID id = uuid(ctx, "id");
        int offset = queryInt(ctx, "offset", 0);
        int limit = queryInt(ctx, "limit", FlowRunDetail.MAX_TASK_RUNS);
        try {
            RunHistory.checkTaskRunPage(offset, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Bad page of task runs: " + e.getMessage());
        }
        return history.taskRuns(id, offset, limit).orElseThrow(() -> ApiError.notFound("No flow run " + id));
    }

    private List<Bodies.GraphNode> graph(Context ctx) {
        Page<TaskRunDetail> page = taskRunPage(ctx);
        List<Bodies.GraphNode> nodes = new ArrayList<>(page.items().size());
        for (TaskRunDetail t : page.items()) {
            nodes.add(new Bodies.GraphNode(t.id(), t.name(), t.state(), t.upstream()));
        }
        return nodes;
    }

    private Bodies.SetStateResult setState(Context ctx, byte[] body, boolean flow) {
        UUID id = uuid(ctx, "id");
        Bodies.SetState request = ApiJson.read(body, Bodies.SetState.class);
        Decision d = recorder.setState(id, flow, request.state(), Boolean.TRUE.equals(request.force()))
                .orElseThrow(() -> ApiError.notFound("No " + (flow ? "flow" : "task") + " run " + id));
        return new Bodies.SetStateResult(d.status(), d.state(), d.delaySeconds(), d.reason());
    }

    private Bodies.Accepted logs(byte[] body) {
        List<LogLine> lines = ApiJson.read(body, new TypeReference<List<LogLine>>() {});
        if (lines.size() > MAX_EVENTS) {
            throw new ApiError(413, "At most " + MAX_EVENTS + " log lines per request, this one has "
                    + lines.size() + ": send them in several batches");
        }
        return recorder.applyPostedLogs(lines);
    }

    private Page<LogLine> logPage(byte[] body) {
        Bodies.LogQuery q = ApiJson.read(body, Bodies.LogQuery.class);
        LogFilter filter;
        try {
            filter = new LogFilter(q.flowRunId(), q.taskRunId(), q.offset() == null ? 0 : q.offset(),
                    q.limit() == null ? DEFAULT_LIMIT : q.limit());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Bad log filter: " + e.getMessage());
        }
        return history.logs(filter);
    }

    private ConcurrencyLimit putLimit(byte[] body) {
        Bodies.LimitCreate b = ApiJson.read(body, Bodies.LimitCreate.class);
        String tag = Checks.text("tag", b.tag(), 200, true);
        int limit = Checks.required("limit", b.limit());
        if (limit < 0) {
            throw ApiError.badRequest("Field 'limit' must be 0 or more (0 holds every run with the tag), not " + limit);
        }
        try {
            return history.putConcurrencyLimit(tag, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private Object deleteLimit(Context ctx) {
        String tag = tag(ctx);
        boolean deleted;
        try {
            deleted = history.deleteConcurrencyLimit(tag);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (!deleted) throw ApiError.notFound("No concurrency limit for tag '" + tag + "'");
        return null;
    }

    private Bodies.SlotAnswer increment(byte[] body) {
        Bodies.SlotRequest b = ApiJson.read(body, Bodies.SlotRequest.class);
        UUID taskRunId = Checks.required("taskRunId", b.taskRunId());
        var answer = slots.acquire(taskRunId, b.flowRunId(), Checks.tags("tags", Checks.required("tags", b.tags())));
        return answer instanceof ConcurrencySlots.Acquisition.RetryAfter later
                ? new Bodies.SlotAnswer(false, later.delay().toMillis() / 1000.0)
                : new Bodies.SlotAnswer(true, 0);
    }

    private Bodies.Released decrement(byte[] body) {
        Bodies.SlotRelease b = ApiJson.read(body, Bodies.SlotRelease.class);
        UUID taskRunId = Checks.required("taskRunId", b.taskRunId());
        slots.release(taskRunId);
        return new Bodies.Released(taskRunId);
    }

    // ----- path parameters -----

    private static String tag(Context ctx) {
        return Checks.text("tag", ctx.pathParam("tag"), 200, true);
    }

    static UUID uuid(Context ctx, String name) {
        String s = ctx.pathParam(name);
        try {
            if (s.length() == 36) return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiError.badRequest("'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "' is not a run id:"
                + " ids are UUIDs like 0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f");
    }
}
