package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed or random requests: random paths and methods, random bytes, random JSON,
 * valid bodies mutated (fields dropped, added, retyped, made huge), bad ids, oversize bodies.
 * None may get a 5xx, every 4xx carries a JSON {@code {"error": ...}}, and nothing accepted may
 * make the store's writer give records up. The seed is printed with any failure; run again with
 * {@code -Dbaton.fuzz.seed=SEED} to replay it.
 */
class ApiFuzzTest {
    static final int REQUESTS = 1500;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] METHODS = {"GET", "POST", "POST", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"};
    private static final String[] ROUTES = {
            "/api/health", "/api/openapi.json", "/api/events", "/api/flows", "/api/flows/{name}", "/api/flow_runs",
            "/api/flow_runs/{id}", "/api/flow_runs/filter", "/api/flow_runs/{id}/graph",
            "/api/flow_runs/{id}/task_runs", "/api/flow_runs/{id}/set_state", "/api/task_runs",
            "/api/task_runs/{id}", "/api/task_runs/{id}/set_state", "/api/logs", "/api/logs/filter",
            "/api/concurrency_limits", "/api/concurrency_limits/tag/{tag}", "/api/concurrency_limits/increment",
            "/api/concurrency_limits/decrement", "/api/deployments", "/api/deployments/name/{name}",
            "/api/deployments/name/{name}/pause", "/api/deployments/name/{name}/resume", "/api/deployments/{id}",
            "/api/deployments/{id}/scheduled_runs", "/api/scheduled_runs", "/api/scheduled_runs/{id}",
            "/api/scheduled_runs/claim", "/api/scheduled_runs/mark_late"};

    @TempDir
    Path home;
    ApiServer server;
    Http http;
    Random random;
    long seed;
    final List<UUID> flowRuns = new ArrayList<>();
    final List<UUID> taskRuns = new ArrayList<>();
    /** A deployment that exists, for the bodies of scheduled runs. */
    String deployment;

    @BeforeEach
    void start() {
        String configured = System.getProperty("baton.fuzz.seed", System.getenv("BATON_FUZZ_SEED"));
        seed = configured != null ? Long.parseLong(configured) : System.nanoTime();
        random = new Random(seed);
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build());
        http = Http.of(server);
        // a few real runs, so that some requests name ids that exist
        for (int i = 0; i < 3; i++) {
            UUID f = UUID.randomUUID();
            UUID t = UUID.randomUUID();
            flowRuns.add(f);
            taskRuns.add(t);
            String events = "[{\"kind\":\"flow_run_created\",\"id\":\"" + f + "\",\"name\":\"fuzz-" + i + "\","
                    + "\"flowName\":\"fuzz\",\"created\":\"" + Instant.now() + "\"},"
                    + "{\"kind\":\"task_run_created\",\"id\":\"" + t + "\",\"flowRunId\":\"" + f + "\",\"ordinal\":0,"
                    + "\"name\":\"t-0\",\"taskName\":\"t\"},"
                    + "{\"kind\":\"flow_run_state\",\"flowRunId\":\"" + f + "\",\"state\":{\"type\":\"RUNNING\","
                    + "\"timestamp\":\"" + Instant.now() + "\"}}]";
            assertThat(http.post("/api/events", events).status()).isEqualTo(200);
        }
        Http.Answer made = http.post("/api/deployments", "{\"name\":\"fuzz\",\"flowName\":\"fz\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        deployment = made.json().path("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Sends once more, as browsers do, when the server closed the kept-alive connection just as
     * the request went out (the server may close one after a request whose body it did not read,
     * such as a GET's): the answer then never started. A second failure is the server's.
     */
    private Http.Answer sendOnLiveConnection(String method, String path, Object body) {
        try {
            return http.send(method, path, body);
        } catch (AssertionError e) {
            if (!(e.getCause() instanceof IOException io) || !String.valueOf(io.getMessage()).contains("received no bytes")) throw e;
            return http.send(method, path, body);
        }
    }

    @Test
    void noRequestGetsA5xxAndEveryRefusalSaysWhy() {
        int refused = 0;
        String previous = "(none)";
        for (int i = 0; i < REQUESTS; i++) {
            String method = METHODS[random.nextInt(METHODS.length)];
            String path = path();
            Object body = method.equals("GET") || method.equals("DELETE") || method.equals("OPTIONS")
                    ? (random.nextInt(10) == 0 ? randomText(20) : null) : body(path);
            String sent = "request " + i + " of seed " + seed + " (replay: -Dbaton.fuzz.seed=" + seed + "): "
                    + method + " " + path + " body: " + preview(body);
            Http.Answer a;
            try {
                a = sendOnLiveConnection(method, path, body);
            } catch (AssertionError e) {
                throw new AssertionError(sent + "\nno answer: " + e.getMessage() + "\nthe request before: "
                        + previous, e);
            }
            previous = sent + " -> " + a.status() + " " + a.body().length() + " chars, headers " + a.contentType();
            String request = sent + "\nanswer " + a.status() + ": " + preview(a.body());
            assertThat(a.status()).as(request).isLessThan(500);
            if (a.status() >= 400) {
                refused++;
                assertThat(a.contentType()).as(request).startsWith("application/json");
                JsonNode error = a.json().path("error");
                assertThat(error.isTextual() && !error.asText().isBlank()).as(request).isTrue();
                assertThat(a.body()).as(request).doesNotContain("\tat ").doesNotContain("Exception:");
            }
        }
        assertThat(refused).as("seed " + seed).isGreaterThan(REQUESTS / 2);
        assertThat(http.get("/api/health").status()).isEqualTo(200);
        // nothing accepted made the store's writer give records up
        assertThat(server.lostEvents()).as("seed " + seed).isZero();
    }

    // ----- requests -----

    private String path() {
        int r = random.nextInt(20);
        if (r == 0) return "/api/" + urlPart(randomText(12));
        if (r == 1) return "/" + urlPart(randomText(8));
        if (r == 2) return "/api/flow_runs/" + urlPart(randomText(40)) + "/graph";
        String route = ROUTES[random.nextInt(ROUTES.length)];
        String path = route.replace("{id}", id()).replace("{tag}", tag()).replace("{name}", flowName());
        boolean paged = route.equals("/api/flows") || route.endsWith("/graph") || route.endsWith("/task_runs")
                || route.endsWith("/scheduled_runs");
        return paged ? path + query() : path;
    }

    private String query() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "?offset=" + random.nextInt(5) + "&limit=" + random.nextInt(3);
            case 2 -> "?limit=" + urlPart(randomText(1 + random.nextInt(12)));
            case 3 -> "?offset=" + (random.nextBoolean() ? "-" : "") + random.nextLong();
            case 4 -> "?" + urlPart(randomText(1 + random.nextInt(30)));
            default -> "?limit=" + (random.nextInt(2000) - 500) + "&offset=" + random.nextInt(3);
        };
    }

    private String flowName() {
        return random.nextInt(3) == 0 ? "fuzz" : tag();
    }

    private String id() {
        return switch (random.nextInt(8)) {
            case 0, 1 -> flowRuns.get(random.nextInt(flowRuns.size())).toString();
            case 2 -> random.nextBoolean() ? taskRuns.get(random.nextInt(taskRuns.size())).toString() : deployment;
            case 3 -> UUID.randomUUID().toString();
            case 4 -> UUID.randomUUID().toString().replace('-', 'x');
            case 5 -> UUID.randomUUID().toString() + "0";
            case 6 -> String.valueOf(random.nextLong());
            default -> urlPart(randomText(1 + random.nextInt(50)));
        };
    }

    private String tag() {
        return switch (random.nextInt(4)) {
            case 0 -> "db";
            case 1 -> urlPart(randomText(1 + random.nextInt(300)));
            default -> "tag-" + random.nextInt(5);
        };
    }

    private Object body(String path) {
        int r = random.nextInt(100);
        if (r < 4) return null;
        if (r < 8) return "";
        if (r < 14) return randomBytes(random.nextInt(200));
        if (r < 22) return write(randomJson(0));
        if (r < 24) return "[".repeat(1 + random.nextInt(5000));
        if (r < 25) return oversize();
        String valid = validBody(path);
        if (r < 35) return valid;
        if (r < 50) return textMutation(valid);
        return write(treeMutation(read(valid)));
    }

    private Object oversize() {
        int size = (int) (random.nextBoolean() ? ServerOptions.DEFAULT_MAX_BODY + random.nextInt(1000)
                : ServerOptions.DEFAULT_MAX_EVENTS_BODY + random.nextInt(1000));
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) '7');
        b[0] = '[';
        return b;
    }

    /** A body the route would accept, to mutate. */
    private String validBody(String path) {
        String f = flowRuns.get(random.nextInt(flowRuns.size())).toString();
        String t = taskRuns.get(random.nextInt(taskRuns.size())).toString();
        String now = Instant.now().toString();
        if (path.endsWith("/set_state")) {
            return "{\"state\":{\"type\":\"" + List.of("RUNNING", "PENDING", "COMPLETED", "SCHEDULED").get(random.nextInt(4))
                    + "\",\"name\":\"X\",\"timestamp\":\"" + now + "\",\"message\":\"m\"},\"force\":false}";
        }
        return switch (path) {
            case "/api/events" -> {
                String n = UUID.randomUUID().toString();
                yield "[{\"kind\":\"flow_run_created\",\"id\":\"" + n + "\",\"name\":\"n\",\"flowName\":\"fz\","
                        + "\"parameters\":\"[]\",\"tags\":[\"a\"],\"created\":\"" + now + "\",\"process\":\"p\"},"
                        + "{\"kind\":\"task_run_created\",\"id\":\"" + UUID.randomUUID() + "\",\"flowRunId\":\"" + n
                        + "\",\"ordinal\":0,\"name\":\"x-0\",\"taskName\":\"x\",\"tags\":[],\"upstream\":[]},"
                        + "{\"kind\":\"flow_run_state\",\"flowRunId\":\"" + f + "\",\"state\":{\"type\":\"RUNNING\","
                        + "\"name\":\"Running\",\"timestamp\":\"" + now + "\"}},"
                        + "{\"kind\":\"task_run_state\",\"flowRunId\":\"" + f + "\",\"taskRunId\":\"" + t + "\","
                        + "\"state\":{\"type\":\"PENDING\",\"timestamp\":\"" + now + "\"}},"
                        + "{\"kind\":\"log\",\"line\":{\"flowRunId\":\"" + f + "\",\"timestamp\":\"" + now + "\","
                        + "\"level\":\"INFO\",\"logger\":\"l\",\"message\":\"hello\"}},"
                        + "{\"kind\":\"heartbeat\",\"flowRunIds\":[\"" + f + "\"],\"at\":\"" + now + "\"},"
                        + "{\"kind\":\"flow_run_finished\",\"id\":\"" + n + "\"}]";
            }
            case "/api/flow_runs" -> "{\"flowName\":\"fz\",\"name\":\"made\",\"tags\":[\"x\"],\"parameters\":\"[]\"}";
            case "/api/flow_runs/filter" -> "{\"states\":[\"RUNNING\"],\"name\":\"fuzz\",\"tags\":[],\"offset\":0,"
                    + "\"limit\":10,\"createdAfter\":\"2020-01-01T00:00:00Z\"}";
            case "/api/task_runs" -> "{\"flowRunId\":\"" + f + "\",\"taskName\":\"t\",\"tags\":[\"db\"],\"upstream\":[]}";
            case "/api/logs" -> "[{\"flowRunId\":\"" + f + "\",\"taskRunId\":null,\"timestamp\":\"" + now + "\","
                    + "\"level\":\"WARN\",\"logger\":\"l\",\"message\":\"m\"}]";
            case "/api/logs/filter" -> "{\"flowRunId\":\"" + f + "\",\"offset\":0,\"limit\":5}";
            case "/api/concurrency_limits" -> "{\"tag\":\"tag-" + random.nextInt(5) + "\",\"limit\":"
                    + random.nextInt(4) + "}";
            case "/api/concurrency_limits/increment" -> "{\"tags\":[\"tag-1\",\"db\"],\"taskRunId\":\"" + t
                    + "\",\"flowRunId\":\"" + f + "\"}";
            case "/api/concurrency_limits/decrement" -> "{\"taskRunId\":\"" + t + "\"}";
            case "/api/deployments" -> "{\"name\":\"" + List.of("fuzz", "db", "tag-1").get(random.nextInt(3))
                    + "\",\"flowName\":\"fz\",\"entrypoint\":\"a.B#c\",\"parameters\":{\"a\":[1,{\"b\":null}]},"
                    + "\"schedules\":[{\"kind\":\"CRON\",\"expression\":\"0 2 * * *\",\"zone\":\"Europe/Paris\"},"
                    + "{\"kind\":\"INTERVAL\",\"expression\":\"PT1H\",\"anchor\":\"2026-01-05T09:00+01:00\","
                    + "\"parameters\":{\"a\":2}},{\"kind\":\"RRULE\",\"expression\":\"FREQ=DAILY;BYHOUR=9\"}],"
                    + "\"tags\":[\"x\"],\"workPool\":\"default\",\"concurrencyLimit\":2,\"paused\":false}";
            case "/api/scheduled_runs" -> "[{\"id\":\"" + UUID.randomUUID() + "\",\"name\":\"r\",\"deploymentId\":\""
                    + deployment + "\",\"flowName\":\"fz\",\"parameters\":\"{}\",\"due\":\"" + now + "\","
                    + "\"idempotencyKey\":\"k-" + random.nextInt(5) + "\",\"history\":[{\"type\":\"SCHEDULED\","
                    + "\"name\":\"Scheduled\",\"timestamp\":\"" + now + "\",\"scheduledTime\":\"" + now + "\"}]}]";
            case "/api/scheduled_runs/claim" -> "{\"deploymentIds\":[\"" + deployment + "\"],\"now\":\"" + now
                    + "\",\"max\":" + random.nextInt(3) + ",\"process\":\"p\"}";
            case "/api/scheduled_runs/mark_late" -> "{\"dueBefore\":\"" + now + "\",\"now\":\"" + now + "\"}";
            default -> write(randomJson(0));
        };
    }

    private String textMutation(String s) {
        if (s.isEmpty()) return randomText(5);
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(5)) {
                case 0 -> b.setLength(at); // truncated
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.insert(at, "{}[]\",:0-e\\u\u0000\u00e9\ud83d\ude00".charAt(random.nextInt(16)));
                case 3 -> b.setCharAt(at, (char) (32 + random.nextInt(95)));
                default -> b.insert(at, b.substring(at, Math.min(b.length(), at + random.nextInt(20))));
            }
        }
        return b.toString();
    }

    private JsonNode treeMutation(JsonNode root) {
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            if (containers.isEmpty()) return randomJson(0);
            JsonNode c = containers.get(random.nextInt(containers.size()));
            if (c instanceof ObjectNode o) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                int op = random.nextInt(4);
                if (op == 0 || names.isEmpty()) {
                    o.set(random.nextBoolean() ? "unknown" + random.nextInt(3) : randomText(6), weird());
                } else if (op == 1) {
                    o.remove(names.get(random.nextInt(names.size())));
                } else {
                    o.set(names.get(random.nextInt(names.size())), weird());
                }
            } else if (c instanceof ArrayNode a) {
                if (a.isEmpty() || random.nextBoolean()) a.add(weird());
                else a.set(random.nextInt(a.size()), weird());
            }
        }
        return random.nextInt(20) == 0 ? F.arrayNode().add(root) : root;
    }

    private void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) out.add(n);
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collect(it.next(), out);
    }

    /** A value of a surprising type or size. */
    private JsonNode weird() {
        return switch (random.nextInt(16)) {
            case 0 -> F.nullNode();
            case 1 -> F.numberNode(random.nextInt());
            case 2 -> F.numberNode(random.nextDouble() * 1e10);
            case 3 -> F.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(60))));
            case 4 -> F.booleanNode(random.nextBoolean());
            case 5 -> F.textNode(randomText(random.nextInt(30)));
            case 6 -> F.textNode("x".repeat(random.nextInt(3) == 0 ? 200_000 : 700));
            case 7 -> F.textNode("a\u0000b");
            case 8 -> F.textNode(UUID.randomUUID().toString());
            case 9 -> F.textNode(List.of("+999999999-12-31T23:59:59Z", "1500-01-01T00:00:00Z", "2026-13-45T99:00:00Z",
                    "-1", "COMPLETED", "running", "").get(random.nextInt(7)));
            case 10 -> F.arrayNode().add(F.textNode("db")).add(F.nullNode());
            case 11 -> F.objectNode().put("type", "RUNNING");
            case 12 -> F.numberNode(-1);
            case 13 -> F.numberNode(Long.MAX_VALUE);
            case 14 -> F.arrayNode();
            default -> randomJson(1);
        };
    }

    private JsonNode randomJson(int depth) {
        int r = depth > 3 ? random.nextInt(5) : random.nextInt(7);
        return switch (r) {
            case 0 -> F.nullNode();
            case 1 -> F.numberNode(random.nextInt(2000) - 1000);
            case 2 -> F.textNode(randomText(random.nextInt(15)));
            case 3 -> F.booleanNode(random.nextBoolean());
            case 4 -> F.numberNode(random.nextGaussian());
            case 5 -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) a.add(randomJson(depth + 1));
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                String[] keys = {"kind", "id", "state", "type", "limit", "tag", "tags", "flowRunId", "taskRunId",
                        "offset", "name", "force", "line"};
                for (int i = random.nextInt(5); i > 0; i--) {
                    o.set(random.nextInt(3) == 0 ? randomText(5) : keys[random.nextInt(keys.length)],
                            randomJson(depth + 1));
                }
                yield o;
            }
        };
    }

    private String randomText(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int r = random.nextInt(10);
            if (r < 6) b.append((char) ('a' + random.nextInt(26)));
            else if (r < 8) b.append("-_./%{}[]\"' :?#&=+".charAt(random.nextInt(18)));
            else if (r < 9) b.append((char) (0x80 + random.nextInt(0x700)));
            else b.append((char) random.nextInt(32));
        }
        return b.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String urlPart(String s) {
        String e = URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        return e.isEmpty() ? "x" : e;
    }

    private static String write(JsonNode n) {
        return n.toString();
    }

    private static JsonNode read(String s) {
        try {
            return Http.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String preview(Object body) {
        if (body == null) return "(none)";
        String s = body instanceof byte[] b ? "<" + b.length + " bytes>" : body.toString();
        return s.length() > 400 ? s.substring(0, 400) + "... (" + s.length() + " chars)" : s;
    }
}
