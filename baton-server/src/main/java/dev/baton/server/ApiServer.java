package dev.baton.server;

import dev.baton.StateType;
import dev.baton.orchestration.CachedResults;
import dev.baton.orchestration.Policy;
import dev.baton.orchestration.RunKind;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.store.jdbc.JdbcConcurrencySlots;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Baton API server: the REST API of {@code ./baton server start}, under {@code /api}, over
 * the run history in a database (the embedded one by default, or PostgreSQL). Shaped after
 * Prefect's Orion API; see the document it serves at {@code /api/openapi.json}.
 *
 * <pre>{@code
 * try (ApiServer server = ApiServer.start(ServerOptions.builder().port(0).build())) {
 *     System.out.println("BATON_API_URL=" + server.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>Writes go through the store's write-behind queue: an answer means the write is queued, and
 * {@link #close()} writes everything queued before it returns. Requests run on virtual threads.
 * Flow runs whose process stops reporting are marked CRASHED after the crash timeout
 * ({@link ServerOptions#crashTimeout()}; see {@link CrashWatch}). The deployments of work pools
 * get their scheduled runs ahead, and runs no one claimed in time go Late
 * ({@link DeploymentScheduler}).
 */
public final class ApiServer implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Every request answered, at DEBUG: method, path, status and time taken. */
    private static final Logger REQUESTS = LoggerFactory.getLogger("dev.baton.server.requests");

    /** This server's version, from the build. */
    public static final String VERSION = readVersion();
    /**
     * How long a write waits to be committed before it is answered 503: the store's retry period
     * (a database that comes back within it loses nothing), and a little more.
     */
    static final Duration WRITE_WAIT = JdbcRunStore.DEFAULT_RETRY_PERIOD.plusSeconds(5);

    private final ServerOptions options;
    private final JdbcRunStore store;
    private final RunHistory history;
    private final ActiveRuns runs;
    private final SharedSlots slots;
    private final CrashWatch crashWatch;
    private final DeploymentScheduler scheduler;
    private final List<String> registered = Collections.synchronizedList(new ArrayList<>());
    private final Javalin app;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApiServer(ServerOptions options) {
        this.options = options;
        // no crash detection on open: clients that buffered through an outage of this server are
        // not dead; the crash watch starts judging once they have had a crash timeout to report
        JdbcRunStore.Builder b = JdbcRunStore.builder().schema(options.databaseSchema()).detectCrashesOnOpen(false)
                .crashTimeout(options.crashTimeout()).heartbeatInterval(CrashWatch.period(options.crashTimeout()));
        this.store = (options.databaseUrl() == null ? b.embedded(options.batonHome()) : b.url(options.databaseUrl()))
                .build();
        this.history = JdbcRunHistory.of(store);
        this.runs = new ActiveRuns(this::load);
        this.slots = new SharedSlots(JdbcConcurrencySlots.of(store).retryAfter(options.slotRetry()), runs::flowRunOf);
        this.crashWatch = new CrashWatch(store, options.crashTimeout(), runs);
        this.scheduler = new DeploymentScheduler(history.deployments(), Clock.systemUTC());
        try {
            dev.baton.Clock clock = dev.baton.Clock.system();
            StateRules flowRules = new PolicyRules(Policy.forFlowRuns(clock), RunKind.FLOW_RUN);
            StateRules taskRules = new PolicyRules(Policy.forTaskRuns(clock, slots, CachedResults.NONE),
                    RunKind.TASK_RUN);
            EventSink sink = new StoreSink(store, WRITE_WAIT);
            RunRecorder recorder = new RunRecorder(runs, sink, flowRules, taskRules, slots,
                    Clock.systemUTC());
            DeploymentRoutes deployments = new DeploymentRoutes(history.deployments(), scheduler, Clock.systemUTC());
            ApiRoutes api = new ApiRoutes(recorder, new BatchIds(sink), history, slots, deployments, VERSION,
                    options.maxBody(), options.maxEventsBody());
            this.app = javalin(api, options.apiKey() == null ? null : new ApiKey(options.apiKey()));
            app.start(options.host(), options.port());
            crashWatch.start();
            scheduler.start();
        } catch (RuntimeException e) {
            scheduler.close();
            crashWatch.close();
            slots.close();
            history.close();
            store.close();
            throw e;
        }
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        this.url = "http://" + host + ":" + app.port() + "/api";
    }

    /**
     * Opens the database (applying migrations), starts listening and returns once the server
     * answers.
     *
     * @throws IllegalStateException if the database cannot be opened or the port is taken, saying which
     */
    public static ApiServer start(ServerOptions options) {
        try {
            return new ApiServer(options);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            throw new IllegalStateException("Cannot start the Baton API server on " + options.host() + ":"
                    + options.port() + ": " + root.getMessage() + (root instanceof java.net.BindException
                    ? " (is another server using the port? choose another with --port)" : ""), e);
        }
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:4200/api}: what {@code BATON_API_URL} should be. */
    public String url() {
        return url;
    }

    /** The port listened on (the one the system chose when started with port 0). */
    public int port() {
        return app.port();
    }

    /** The database served, as a URL without its password. */
    public String database() {
        return store.description();
    }

    /** The options this server was started with. */
    public ServerOptions options() {
        return options;
    }

    /** "METHOD path" of every endpoint registered with the HTTP server, for tests. */
    List<String> registeredEndpoints() {
        synchronized (registered) {
            return List.copyOf(registered);
        }
    }

    /** Events the store gave up on or dropped since it opened (each logged when it happened), for tests. */
    long lostEvents() {
        return store.lostEvents();
    }

    /** How many runs the server holds in memory (active runs), for tests. */
    int activeRuns() {
        return runs.size();
    }

    /** Stops listening, then writes everything queued to the database and closes it. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            app.stop();
        } finally {
            scheduler.close();
            crashWatch.close();
            slots.close();
            history.close();
            store.close();
        }
    }

    // ----- wiring -----

    private Javalin javalin(ApiRoutes api, ApiKey key) {
        List<Route> routes = new ArrayList<>();
        byte[][] document = new byte[1][];
        routes.addAll(api.routes(() -> document[0]));
        document[0] = ApiJson.write(OpenApiDocument.of(routes, VERSION, key != null));
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = options.maxEventsBody();
            config.http.defaultContentType = "application/json";
            config.requestLogger.http((ctx, ms) -> {
                if (REQUESTS.isDebugEnabled()) {
                    REQUESTS.debug("{} {} -> {} in {} ms", ctx.method().name(), ctx.path(), ctx.statusCode(), ms);
                }
            });
            config.events.handlerAdded(h -> registered.add(h.getHttpMethod().name() + " " + h.getPath()));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
            if (key != null) {
                config.routes.before(ctx -> {
                    if (!ctx.path().equals("/api/health")) key.check(ctx.header("Authorization"));
                });
            }
            for (Route r : routes) {
                config.routes.addHttpHandler(handlerType(r.method()), r.path(), ctx -> answer(ctx, r));
            }
            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    httpMessage(ctx, e)));
            config.routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
            config.routes.error(404, ctx -> {
                if (!ctx.res().isCommitted() && (ctx.result() == null || ctx.result().isEmpty())) {
                    error(ctx, 404, "No route " + ctx.method().name() + " " + ctx.path()
                            + ": see /api/openapi.json for the routes of this API");
                }
            });
        });
    }

    private static HandlerType handlerType(String method) {
        return switch (method) {
            case "GET" -> HandlerType.GET;
            case "POST" -> HandlerType.POST;
            case "DELETE" -> HandlerType.DELETE;
            default -> throw new IllegalArgumentException("unsupported method " + method);
        };
    }

    private static void answer(Context ctx, Route r) throws Exception {
        byte[] body = r.request() == null && r.maxBody() == 0 ? new byte[0] : RequestBodies.read(ctx, r.maxBody());
        Object result = r.handler().handle(ctx, body);
        ctx.status(r.status());
        if (r.response() == null || r.status() == 204) return;
        ctx.contentType("application/json");
        ctx.result(result instanceof byte[] bytes ? bytes : ApiJson.write(result));
    }

    static void error(Context ctx, int status, String message) {
        // a client still sending a refused body sees the answer only once the body is read: read it
        // (up to a limit) and drop it; beyond that, answer and close the connection
        if (!RequestBodies.discardRest(ctx)) ctx.header("Connection", "close");
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(ApiJson.write(new Bodies.Error(message)));
    }

    private static String httpMessage(Context ctx, HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> "No route " + ctx.method().name() + " " + ctx.path()
                    + ": see /api/openapi.json for the routes of this API";
            case 405 -> "Method " + ctx.method().name() + " is not allowed on " + ctx.path()
                    + ": see /api/openapi.json for the routes of this API";
            case 413 -> "The request body is too large";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? "Request refused" : e.getMessage();
        };
    }

    /** A fault of the server or its database: logged here in full, answered without details. */
    private void unexpected(Context ctx, Exception e) {
        if (databaseFault(e)) {
            LOG.error("{} {} failed: the database is not answering ({})", ctx.method().name(), ctx.path(),
                    store.description(), e);
            error(ctx, 503, "The run database is unavailable; try again later (the server log says why)");
        } else {
            LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
            error(ctx, 500, "Internal server error (logged on the server)");
        }
    }

    private static boolean databaseFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) return true;
        }
        return false;
    }

    /** Finds a run this server has not seen in the recorded history (after writing what is queued). */
    private Optional<ActiveRuns.Run> load(UUID id, boolean flow) {
        if (flow) {
            return history.flowRun(id).map(d -> {
                ActiveRuns.Run run = withRunCount(new ActiveRuns.Run(id, id, true, d.run().name(), null,
                        d.run().state()), d.history());
                run.nextOrdinal = (int) d.run().taskRuns(); // the detail holds only the first task runs
                return run;
            });
        }
        return history.taskRun(id).map(t -> withRunCount(new ActiveRuns.Run(id, t.flowRunId(), false, t.name(),
                t.tags(), t.state()), t.history()));
    }

    private static ActiveRuns.Run withRunCount(ActiveRuns.Run run, List<StateRecord> history) {
        for (StateRecord s : history) {
            if (s.type() == StateType.RUNNING) run.runCount++;
        }
        return run;
    }

    private static String readVersion() {
        try (InputStream in = ApiServer.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ApiServer[" + (url == null ? options.host() + ":" + options.port() : url) + ", " + store.description()
                + "]";
    }
}
