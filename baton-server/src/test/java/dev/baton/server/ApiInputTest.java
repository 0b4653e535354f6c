package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the server answers to requests it cannot serve: unknown routes and methods, bad ids,
 * malformed, mistyped, incomplete and oversized bodies. Every refusal is a 4xx with a JSON
 * {@code {"error": ...}} saying what was wrong; the OpenAPI document lists every route.
 */
class ApiInputTest {
    @TempDir
    static Path home;
    static ApiServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build());
        http = Http.of(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertError(Http.Answer a, int status, String... fragments) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).as(a.body()).startsWith("application/json");
        String error = a.error();
        assertThat(error).as(a.body()).isNotBlank();
        for (String f : fragments) assertThat(error).containsIgnoringCase(f);
        assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void healthAnswersWithVersionAndDatabase() {
        Http.Answer a = http.get("/api/health");
        assertThat(a.status()).isEqualTo(200);
        JsonNode j = a.json();
        assertThat(j.path("status").asText()).isEqualTo("ok");
        assertThat(j.path("version").asText()).isNotBlank();
        assertThat(j.path("database").asText()).startsWith("jdbc:sqlite:");
        assertThat(server.url()).startsWith("http://127.0.0.1:").endsWith("/api");
    }

    @Test
    void aTakenPortIsRefusedSayingSo(@TempDir Path otherHome) {
        assertThatThrownBy(() -> ApiServer.start(ServerOptions.builder().port(server.port()).batonHome(otherHome)
                .build())).isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(server.port()))
                .hasMessageContaining("port");
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }

    @Test
    void unknownRouteIs404AndWrongMethod405() {
        assertError(http.get("/api/nothing/here"), 404, "no route");
        assertError(http.get("/elsewhere"), 404);
        assertError(http.send("PUT", "/api/flow_runs/filter", "{}"), 405, "PUT");
        assertError(http.delete("/api/health"), 405);
        assertError(http.get("/api/events"), 405);
    }

    @Test
    void badAndUnknownIds() {
        assertError(http.get("/api/flow_runs/not-a-uuid"), 400, "not a run id");
        assertError(http.get("/api/task_runs/123"), 400, "not a run id");
        assertError(http.get("/api/flow_runs/" + UUID.randomUUID()), 404, "no flow run");
        assertError(http.get("/api/task_runs/" + UUID.randomUUID()), 404, "no task run");
        assertError(http.get("/api/flow_runs/" + UUID.randomUUID() + "/graph"), 404);
        assertError(http.post("/api/flow_runs/" + UUID.randomUUID() + "/set_state",
                "{\"state\": {\"type\": \"RUNNING\"}}"), 404);
        assertError(http.get("/api/concurrency_limits/tag/nope"), 404, "nope");
        assertError(http.delete("/api/concurrency_limits/tag/nope"), 404, "nope");
    }

    @Test
    void malformedBodiesNameWhatIsWrong() {
        assertError(http.post("/api/flow_runs/filter", "{\"limit\": "), 400, "malformed JSON");
        assertError(http.post("/api/flow_runs/filter", "{\"limit\": 5} trailing"), 400);
        assertError(http.post("/api/flow_runs/filter", "{\"limt\": 5}"), 400, "unknown field 'limt'", "limit");
        assertError(http.post("/api/flow_runs/filter", "{\"limit\": \"5\"}"), 400, "limit", "whole number");
        assertError(http.post("/api/flow_runs/filter", "{\"limit\": 2.5}"), 400, "limit");
        assertError(http.post("/api/flow_runs/filter", "{\"limit\": 0}"), 400, "limit must be between 1 and");
        assertError(http.post("/api/flow_runs/filter", "{\"offset\": -1}"), 400, "offset");
        assertError(http.post("/api/flow_runs/filter", "{\"states\": [\"DONE\"]}"), 400, "states", "COMPLETED");
        assertError(http.post("/api/flow_runs/filter", "{\"createdAfter\": \"yesterday\"}"), 400, "createdAfter");
        assertError(http.post("/api/flow_runs/filter", "[]"), 400);
        assertError(http.post("/api/flow_runs/filter", "null"), 400);
        assertError(http.post("/api/logs/filter", "{}"), 400, "flow run or task run id");
        assertError(http.post("/api/events", ""), 400, "empty");
        assertError(http.post("/api/events", "{}"), 400, "array");
        assertError(http.post("/api/events", "[{\"kind\": \"exploded\"}]"), 400, "exploded", "flow_run_created");
        assertError(http.post("/api/events", "[{\"id\": \"" + UUID.randomUUID() + "\"}]"), 400, "kind");
        assertError(http.post("/api/events", "[null]"), 400, "[0]");
        assertError(http.post("/api/events", "[{\"kind\": \"flow_run_state\", \"flowRunId\": \""
                + UUID.randomUUID() + "\"}]"), 400, "state");
        assertError(http.post("/api/events", "[{\"kind\": \"flow_run_state\", \"flowRunId\": \"x\"}]"), 400,
                "flowRunId", "UUID");
        assertError(http.post("/api/events", "[{\"kind\": \"task_run_created\", \"id\": \"" + UUID.randomUUID()
                + "\", \"flowRunId\": \"" + UUID.randomUUID() + "\", \"ordinal\": 0, \"name\": \"t-0\","
                + " \"taskName\": \"t\", \"callPosition\": -1}]"), 400, "callPosition", "0 or more");
        assertError(http.post("/api/flow_runs", "{\"flowName\": \" \"}"), 400, "flowName", "blank");
        assertError(http.post("/api/flow_runs", "{\"name\": \"no flow name\"}"), 400, "flowName");
        assertError(http.post("/api/concurrency_limits", "{\"tag\": \"t\"}"), 400, "limit");
        assertError(http.post("/api/concurrency_limits", "{\"tag\": \"t\", \"limit\": -1}"), 400, "limit");
        assertError(http.post("/api/concurrency_limits", "{\"tag\": 5, \"limit\": 1}"), 400, "tag");
        assertError(http.post("/api/concurrency_limits/increment", "{\"tags\": [\"a\"]}"), 400, "taskRunId");
    }

    @Test
    void requestsRefusedBeforeAnyRouteAreJsonErrorsForEveryMethod() throws Exception {
        // bad percent-escapes, raw spaces, '|' and non-ASCII bytes in the path, escaped NUL and slash,
        // dot segments, unknown routes: Jetty refuses some before the API sees them, whatever the method
        String[] methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"};
        String[] paths = {"/api/flow_runs/%ZZ", "/api/flow_runs/a b", "/api/flow_runs/a|b", "/api/x",
                "/api/flow_runs/%", "/api/flow_runs/%00", "/api/flow_runs/a%2Fb", "/api/../x", "/api/flow_runs/\u00e9"};
        List<String> wrong = new ArrayList<>();
        int answers = 0;
        for (String method : methods) {
            for (String path : paths) {
                RawAnswer a = raw(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
                answers++;
                String error = null;
                try {
                    error = Http.JSON.readTree(a.body()).path("error").asText(null);
                } catch (java.io.IOException e) {
                    // not JSON: reported below
                }
                if (a.status() < 400 || a.status() >= 500 || !a.contentType().startsWith("application/json")
                        || error == null || error.isBlank() || a.body().contains("Exception")
                        || a.status() == 400 && !error.contains("percent-encode") && !error.contains("id")) {
                    wrong.add(method + " " + path + " -> " + a);
                }
            }
        }
        // malformed requests as a whole: a URI or header too long, an unknown version, a broken header line,
        // a body length that is not a number, a method Jetty does not know
        List<String> broken = List.of(
                "GET /api/flow_runs/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                "GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n",
                "DELETE /api/flow_runs/x HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
                "POST /api/flow_runs HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
                "BREW /api/health HTTP/1.1\r\nHost: x\r\n\r\n",
                "PUT /api/flow_runs/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        for (String request : broken) {
            RawAnswer a = raw(request);
            answers++;
            String error = null;
            try {
                error = Http.JSON.readTree(a.body()).path("error").asText(null);
            } catch (java.io.IOException e) {
                // not JSON: reported below
            }
            if (a.status() < 400 || !a.contentType().startsWith("application/json") || error == null
                    || error.isBlank()) {
                wrong.add(request.substring(0, Math.min(60, request.indexOf('\r'))) + " -> " + a);
            }
        }
        assertThat(wrong).as(wrong.size() + " of " + answers + " answers are not JSON errors").isEmpty();
        String refused = raw("DELETE /api/flow_runs/a|b HTTP/1.1\r\nHost: x\r\n\r\n").body();
        Http.Answer sample = new Http.Answer(400, refused, "application/json");
        assertThat(sample.error()).contains("Illegal Path Character").contains("percent-encode");
    }

    /** An answer read off a raw socket. */
    record RawAnswer(int status, String contentType, String body) {}

    /** Sends {@code request} as it is (no client cleans the path up) and reads the whole answer. */
    private static RawAnswer raw(String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String head = end < 0 ? answer : answer.substring(0, end);
            String body = end < 0 ? "" : answer.substring(end + 4);
            String[] lines = head.split("\r\n");
            int status = lines[0].startsWith("HTTP/1.1 ") ? Integer.parseInt(lines[0].substring(9, 12)) : -1;
            String type = "";
            boolean chunked = false;
            for (String line : lines) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-type:")) type = line.substring(13).strip();
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            return new RawAnswer(status, type, chunked ? unchunk(body) : body);
        }
    }

    private static String unchunk(String body) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) break;
            int size = Integer.parseInt(body.substring(i, eol).strip(), 16);
            if (size == 0) break;
            b.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return b.toString();
    }

    @Test
    void oversizeBodiesAre413() {
        byte[] big = new byte[(int) ServerOptions.DEFAULT_MAX_BODY + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        assertError(http.post("/api/flow_runs/filter", big), 413, "larger than");
        byte[] huge = new byte[(int) ServerOptions.DEFAULT_MAX_EVENTS_BODY + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertError(http.post("/api/events", huge), 413, "larger than");
        // under the events limit but over the per-request event count
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= ApiRoutes.MAX_EVENTS; i++) {
            if (i > 0) many.append(',');
            many.append("{\"kind\":\"flow_run_finished\",\"id\":\"").append(UUID.randomUUID()).append("\"}");
        }
        assertError(http.post("/api/events", many.append(']').toString()), 413, "at most " + ApiRoutes.MAX_EVENTS + " events");
    }

    @Test
    void openApiDocumentListsEveryRegisteredRoute() {
        Http.Answer a = http.get("/api/openapi.json");
        assertThat(a.status()).isEqualTo(200);
        JsonNode doc = a.json();
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        List<String> documented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
        }
        List<String> registered = server.registeredEndpoints().stream()
                .filter(e -> !e.startsWith("BEFORE") && !e.startsWith("AFTER")).toList();
        assertThat(registered).hasSizeGreaterThanOrEqualTo(19);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
        // every $ref resolves
        String text = a.body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#/components/schemas/(\\w+)").matcher(text);
        while (m.find()) assertThat(doc.path("components").path("schemas").has(m.group(1))).as(m.group(1)).isTrue();
        assertThat(doc.at("/paths/~1api~1events/post/requestBody/content/application~1json/schema/items/$ref")
                .asText()).isEqualTo("#/components/schemas/RunEvent");
    }
}
