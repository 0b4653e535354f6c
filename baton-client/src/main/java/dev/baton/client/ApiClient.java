package dev.baton.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The run history of a Baton API server ({@code BATON_API_URL}), read and administered over
 * HTTP, with the server's deployments ({@link #deployments()}): what the CLI uses instead of the
 * database when a server is configured.
 *
 * <pre>{@code
 * try (ApiClient api = ApiClient.connect("http://127.0.0.1:4200/api", System.getenv("BATON_API_KEY"))) {
 *     api.flowRuns(FlowRunFilter.all(10)).items().forEach(r -> System.out.println(r.name()));
 * }
 * }</pre>
 *
 * <p>Every failure is an {@link ApiException} whose message names the server and what to do:
 * no server answering, a missing or wrong {@code BATON_API_KEY}, or the server's own message for
 * a rejected request. An unknown id or tag is an empty answer, not an error.
 */
public final class ApiClient implements RunHistory {

    /** How long connecting may take before the server counts as unreachable. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long one request may take. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(dev.baton.spi.RunEvents.jsonForm())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // answers carry derived properties too (a task run's "state", a state's "final")
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String base;
    private final String apiKey;
    private final HttpClient http;
    private volatile boolean confirmedApi;
    private volatile ApiDeployments deployments;

    private ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        // HTTP/1.1: no h2c upgrade dance on every connection to a plain-http server
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /**
     * A client of the API at {@code url} (the server's address followed by {@code /api}),
     * sending {@code apiKey} as a bearer token unless it is null or blank. Nothing is sent yet.
     *
     * @throws IllegalArgumentException if {@code url} is not an http(s) URL with a host
     */
    public static ApiClient connect(String url, String apiKey) {
        return connect(ApiSettings.of(url, apiKey));
    }

    /** A client of the API {@code settings} name. Nothing is sent yet. */
    public static ApiClient connect(ApiSettings settings) {
        return new ApiClient(settings.url().toString(), settings.apiKey());
    }

    /** The server's health: {@code status}, {@code version}, {@code database}. */
    public Map<String, Object> health() {
        return send("GET", "/health", null, JSON.getTypeFactory().constructMapType(Map.class, String.class,
                Object.class), false);
    }

    @Override
    public Page<FlowSummary> flows(int offset, int limit) {
        FlowSummary.checkPage(offset, limit);
        return send("GET", "/flows?offset=" + offset + "&limit=" + limit, null, pageOf(FlowSummary.class), false);
    }

    @Override
    public Optional<FlowSummary> flow(String name) {
        java.util.Objects.requireNonNull(name, "name");
        return Optional.ofNullable(send("GET", "/flows/" + pathSegment(name), null, type(FlowSummary.class), true));
    }

    @Override
    public Page<FlowRunSummary> flowRuns(FlowRunFilter filter) {
        return send("POST", "/flow_runs/filter", filter, pageOf(FlowRunSummary.class), false);
    }

    @Override
    public Optional<FlowRunDetail> flowRun(UUID id) {
        return Optional.ofNullable(send("GET", "/flow_runs/" + id, null, type(FlowRunDetail.class), true));
    }

    @Override
    public List<FlowRunSummary> flowRunsByReference(String reference, int limit) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("A flow run reference must be an id, the start of one, or a name;"
                    + " got '" + reference + "'");
        }
        return send("POST", "/flow_runs/lookup", Map.of("reference", reference, "limit", limit),
                JSON.getTypeFactory().constructCollectionType(List.class, FlowRunSummary.class), false);
    }

    /**
     * The current state of each of {@code flowRunIds} (at most 1,000) the server knows, by id
     * ({@code POST /api/flow_runs/states}): how a process in client mode learns which of its runs
     * were asked to cancel.
     */
    public Map<UUID, StateRecord> flowRunStates(List<UUID> flowRunIds) {
        return send("POST", "/flow_runs/states", Map.of("ids", flowRunIds), JSON.getTypeFactory()
                .constructMapType(Map.class, UUID.class, StateRecord.class), false);
    }

    /** {@inheritDoc} Through {@code POST /api/flow_runs/{id}/cancel}. */
    @Override
    public Optional<FlowRunSummary> cancelFlowRun(UUID id) {
        java.util.Objects.requireNonNull(id, "id");
        try {
            return Optional.ofNullable(send("POST", "/flow_runs/" + id + "/cancel", null, type(FlowRunSummary.class),
                    true));
        } catch (ApiException e) {
            throw e.status() == 409 ? new IllegalStateException(e.getMessage(), e) : e;
        }
    }

    /** {@inheritDoc} Through {@code DELETE /api/flow_runs/{id}}. */
    @Override
    public boolean deleteFlowRun(UUID id) {
        java.util.Objects.requireNonNull(id, "id");
        try {
            return send("DELETE", "/flow_runs/" + id, null, null, true) != null;
        } catch (ApiException e) {
            throw e.status() == 409 ? new IllegalStateException(e.getMessage(), e) : e;
        }
    }

    @Override
    public Optional<Page<TaskRunDetail>> taskRuns(UUID flowRunId, int offset, int limit) {
        java.util.Objects.requireNonNull(flowRunId, "flowRunId");
        RunHistory.checkTaskRunPage(offset, limit);
        return Optional.ofNullable(send("GET", "/flow_runs/" + flowRunId + "/task_runs?offset=" + offset + "&limit="
                + limit, null, pageOf(TaskRunDetail.class), true));
    }

    @Override
    public Optional<TaskRunDetail> taskRun(UUID id) {
        return Optional.ofNullable(send("GET", "/task_runs/" + id, null, type(TaskRunDetail.class), true));
    }

    @Override
    public Page<LogLine> logs(LogFilter filter) {
        return send("POST", "/logs/filter", filter, pageOf(LogLine.class), false);
    }

    @Override
    public List<ConcurrencyLimit> concurrencyLimits() {
        return send("GET", "/concurrency_limits", null,
                JSON.getTypeFactory().constructCollectionType(List.class, ConcurrencyLimit.class), false);
    }

    @Override
    public Optional<ConcurrencyLimit> concurrencyLimit(String tag) {
        return Optional.ofNullable(send("GET", "/concurrency_limits/tag/" + pathSegment(tag), null,
                type(ConcurrencyLimit.class), true));
    }

    @Override
    public ConcurrencyLimit putConcurrencyLimit(String tag, int limit) {
        return send("POST", "/concurrency_limits", Map.of("tag", tag, "limit", limit), type(ConcurrencyLimit.class),
                false);
    }

    @Override
    public boolean deleteConcurrencyLimit(String tag) {
        return send("DELETE", "/concurrency_limits/tag/" + pathSegment(tag), null, null, true) != null;
    }

    /**
     * {@inheritDoc} Here: the server's deployments, through {@code /api/deployments} and
     * {@code /api/scheduled_runs}; bad input is an {@link IllegalArgumentException} with the
     * server's message, as the database's would be.
     */
    @Override
    public Deployments deployments() {
        ApiDeployments d = deployments;
        if (d == null) {
            synchronized (this) {
                if (deployments == null) deployments = new ApiDeployments(this, () -> {});
                d = deployments;
            }
        }
        return d;
    }

    @Override
    public String description() {
        return "the Baton API server at " + base;
    }

    /** The API's address, as given (without a trailing slash). */
    public String url() {
        return base;
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "ApiClient[" + base + "]";
    }

    // ----- requests -----

    /**
     * Sends one request and reads its answer as {@code answer}; null for a 404 when
     * {@code notFoundIsEmpty}, and for an empty body (204). With {@code answer} null, the body is
     * not read and any success answers {@code Boolean.TRUE}.
     */
    @SuppressWarnings("unchecked")
    <T> T send(String method, String path, Object body, JavaType answer, boolean notFoundIsEmpty) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        if (body != null) {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Cannot write the request to " + base + path + " as JSON: "
                        + e.getOriginalMessage(), e);
            }
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }

        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new ApiException(0, "The Baton API server at " + base + " did not answer " + method + " " + path
                    + " within " + REQUEST_TIMEOUT.toSeconds() + " s; is it overloaded or stuck?", e);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "Interrupted while waiting for the Baton API server at " + base, e);
        }

        int status = response.statusCode();
        byte[] bytes = response.body();
        if (status >= 200 && status < 300) {
            if (answer == null) return (T) Boolean.TRUE;
            if (bytes.length == 0) return null;
            try {
                return JSON.readValue(bytes, answer);
            } catch (IOException e) {
                throw new ApiException(status, "The Baton API server at " + base + " answered " + method + " " + path
                        + " with something that is not " + answer.getRawClass().getSimpleName() + " JSON (" + brief(e)
                        + "); does " + ApiSettings.URL_ENVIRONMENT + " name a Baton API server of this version?", e);
            }
        }
        String message = errorMessage(bytes);
        if (status == 404 && notFoundIsEmpty && message != null && isBatonApi()) return null;
        throw rejected(method, path, status, message);
    }

    /**
     * Whether the URL names a Baton API (its health route answers), asked once when a 404 would
     * mean "no such run": a URL missing its {@code /api} answers 404 to everything, which must not
     * read as an unknown id.
     */
    private boolean isBatonApi() {
        if (confirmedApi) return true;
        try {
            Map<String, Object> health = health();
            if (health != null && health.containsKey("status")) {
                confirmedApi = true;
                return true;
            }
        } catch (ApiException e) {
            // said below
        }
        throw new ApiException(404, "Nothing answers at " + base + "/health: does " + ApiSettings.URL_ENVIRONMENT
                + " name a Baton API server, ending in /api (e.g. http://127.0.0.1:4200/api)?", null);
    }

    private ApiException unreachable(Exception e) {
        String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return new ApiException(0, "No Baton API server answered at " + ApiSettings.URL_ENVIRONMENT + "=" + base
                + ": " + why + ". Start one with ./baton server start, or unset " + ApiSettings.URL_ENVIRONMENT
                + " to use the embedded database", e);
    }

    private ApiException rejected(String method, String path, int status, String message) {
        String text = switch (status) {
            case 401 -> "The Baton API server at " + base + " refused the request (401 Unauthorized): "
                    + (apiKey == null ? ApiSettings.KEY_ENVIRONMENT + " is not set; set it to the server's key"
                            : ApiSettings.KEY_ENVIRONMENT + " is wrong; set it to the key the server was started with");
            case 403 -> "The Baton API server at " + base + " forbids " + method + " " + path + " (403)"
                    + (message == null ? "" : ": " + message);
            case 404 -> message != null
                    ? "The Baton API server at " + base + ": " + message
                    : "Nothing at " + base + path + " (404): does " + ApiSettings.URL_ENVIRONMENT
                            + " name a Baton API server, ending in /api (e.g. http://127.0.0.1:4200/api)?";
            default -> status >= 500
                    ? "The Baton API server at " + base + " failed on " + method + " " + path + " (" + status + ")"
                            + (message == null ? "" : ": " + message) + "; see the server's log"
                    : "The Baton API server at " + base + " rejected " + method + " " + path + " (" + status + ")"
                            + (message == null ? "" : ": " + message);
        };
        return new ApiException(status, text, null, message);
    }

    /** The {@code "error"} of a JSON error body, or null when the body is not one (not the Baton API answering). */
    private static String errorMessage(byte[] body) {
        if (body.length == 0) return null;
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode error = node == null ? null : node.get("error");
            return error != null && error.isTextual() ? error.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String brief(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    static JavaType type(Class<?> type) {
        return JSON.getTypeFactory().constructType(type);
    }

    private static JavaType pageOf(Class<?> item) {
        return JSON.getTypeFactory().constructParametricType(Page.class, item);
    }

    /**
     * {@code text} as one path segment: every byte but letters, digits, '-', '_' and '~'
     * percent-encoded (dots too, so that a tag ".." stays a tag).
     */
    static String pathSegment(String text) {
        StringBuilder b = new StringBuilder();
        for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
