package dev.baton.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Clock;
import dev.baton.spi.ConcurrencySlots.Acquisition;
import dev.baton.spi.SharedTagSlots;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Client mode's tag concurrency slots: the limits kept by the API server, so a tag's limit holds
 * across every process reporting to it (and every process using its database). It asks
 * {@code POST /api/concurrency_limits/increment} before a task run with a limited tag may run,
 * and {@code POST /api/concurrency_limits/decrement} when it leaves RUNNING; which tags have
 * limits it reads from {@code GET /api/concurrency_limits}, at most every 2 s, so runs without a
 * limited tag cost no request at all. A server that cannot be reached makes such runs wait, not
 * fail; releases are retried until delivered (see {@link SharedTagSlots}).
 *
 * <p>The increment names the task run and its flow run; the server does not need to have
 * received their creation yet (it may still be in the outbox).
 */
final class ApiConcurrencySlots implements SharedTagSlots.Service {
    /** How long one slot request may take before the server counts as unreachable for it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ApiSettings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ApiConcurrencySlots(ApiSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The slots of the server {@code settings} name, as the engine uses them. */
    static SharedTagSlots of(ApiSettings settings) {
        return new SharedTagSlots(new ApiConcurrencySlots(settings), "the Baton API server at " + settings.url(),
                Clock.system(), Duration.ofSeconds(1));
    }

    @Override
    public Map<String, Integer> limits() throws InterruptedException {
        JsonNode all = send("GET", "/concurrency_limits", null);
        Map<String, Integer> limits = new HashMap<>();
        if (all != null && all.isArray()) {
            for (JsonNode limit : all) limits.put(limit.path("tag").asText(), limit.path("limit").asInt());
        }
        return limits;
    }

    @Override
    public Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) throws InterruptedException {
        Map<String, Object> body = new HashMap<>();
        body.put("tags", List.copyOf(new TreeSet<>(tags)));
        body.put("taskRunId", taskRunId);
        if (flowRunId != null) body.put("flowRunId", flowRunId);
        JsonNode answer = send("POST", "/concurrency_limits/increment", body);
        if (answer != null && answer.path("acquired").asBoolean(false)) return Acquisition.ACQUIRED;
        double seconds = answer == null ? 1 : answer.path("retryAfterSeconds").asDouble(1);
        // the answer does not say which tag is full
        return new Acquisition.RetryAfter(Duration.ofMillis(Math.max(0, Math.round(seconds * 1000))),
                String.join("', '", new TreeSet<>(tags)));
    }

    @Override
    public void release(UUID taskRunId) throws InterruptedException {
        send("POST", "/concurrency_limits/decrement", Map.of("taskRunId", taskRunId));
    }

    /**
     * Sends one request and reads the JSON answer (null when empty).
     *
     * @throws SharedTagSlots.Unavailable if the server cannot be reached, times out or fails (5xx)
     * @throws ApiException               if the server refuses the request (4xx: a wrong key, a bad tag)
     */
    private JsonNode send(String method, String path, Object body) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.route(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (settings.apiKey() != null) request.header("Authorization", "Bearer " + settings.apiKey());
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            byte[] bytes = response.body();
            if (status >= 500) {
                throw new SharedTagSlots.Unavailable(method + " " + path + " failed (" + status + "): "
                        + error(bytes), null);
            }
            if (status >= 400) {
                throw new ApiException(status, "The Baton API server at " + settings.url() + " refused " + method + " "
                        + path + " (" + status + "): " + error(bytes) + (status == 401 ? "; set "
                        + ApiSettings.KEY_ENVIRONMENT + " to the server's key" : ""), null);
            }
            return bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : e.getMessage();
            throw new SharedTagSlots.Unavailable(method + " " + path + " got no answer: " + why, e);
        }
    }

    private static String error(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode error = node == null ? null : node.get("error");
            if (error != null && error.isTextual()) return error.asText();
        } catch (IOException e) {
            // not JSON: said below
        }
        return body.length == 0 ? "no message" : new String(body, 0, Math.min(body.length, 200),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiConcurrencySlots[" + settings.url() + "]";
    }
}
