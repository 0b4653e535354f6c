package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the tests: real requests to a running server, answers as JSON trees. */
final class Http {
    static final ObjectMapper JSON = ApiJson.newMapper();

    /** One answer: status, raw body and content type. */
    record Answer(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        <T> T as(Class<T> type) {
            try {
                return JSON.readValue(body, type);
            } catch (IOException e) {
                throw new AssertionError("not a " + type.getSimpleName() + " (" + status + "): " + body, e);
            }
        }

        <T> T as(com.fasterxml.jackson.core.type.TypeReference<T> type) {
            try {
                return JSON.readValue(body, type);
            } catch (IOException e) {
                throw new AssertionError("not the expected type (" + status + "): " + body, e);
            }
        }

        String error() {
            return json().path("error").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String root;
    private final String key;

    /** {@code root}: the server's root, e.g. http://127.0.0.1:1234 (paths start with /api). */
    Http(String root, String key) {
        this.root = root;
        this.key = key;
    }

    static Http of(ApiServer server) {
        return new Http(server.url().substring(0, server.url().length() - "/api".length()), null);
    }

    Http withKey(String apiKey) {
        return new Http(root, apiKey);
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body instanceof String || body instanceof byte[] || body == null ? body
                : write(body));
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer send(String method, String path, Object body) {
        return send(method, path, body, key == null ? null : "Bearer " + key);
    }

    Answer send(String method, String path, Object body, String authorization) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : body instanceof byte[] b ? HttpRequest.BodyPublishers.ofByteArray(b)
                : HttpRequest.BodyPublishers.ofString((String) body, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + path))
                .timeout(Duration.ofSeconds(60)).method(method, publisher);
        if (body != null) request.header("Content-Type", "application/json");
        if (authorization != null) request.header("Authorization", authorization);
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** POSTs {@code body} as {@code contentType}: the whole answer, headers included. */
    HttpResponse<String> postRaw(String path, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) request.header("Authorization", "Bearer " + key);
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("POST " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Events as JSON: through a writer for the list's declared type, so that each carries its "kind". */
    static String events(java.util.List<dev.baton.spi.RunEvent> events) {
        try {
            return JSON.writerFor(new com.fasterxml.jackson.core.type.TypeReference<
                    java.util.List<dev.baton.spi.RunEvent>>() {}).writeValueAsString(events);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
