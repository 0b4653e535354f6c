package dev.baton.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server started with an API key: every route but health needs it as a bearer token. */
class ApiKeyTest {
    static final String KEY = "s3cret-" + UUID.randomUUID();
    @TempDir
    static Path home;
    static ApiServer server;
    static Http anonymous;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).apiKey(KEY).build());
        anonymous = Http.of(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertUnauthorized(Http.Answer a, String fragment) {
        assertThat(a.status()).as(a.body()).isEqualTo(401);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.error()).containsIgnoringCase(fragment);
        assertThat(a.body()).doesNotContain(KEY);
    }

    @Test
    void healthNeedsNoKey() {
        assertThat(anonymous.get("/api/health").status()).isEqualTo(200);
    }

    @Test
    void everyOtherRouteNeedsTheKey() {
        assertUnauthorized(anonymous.get("/api/concurrency_limits"), "API key");
        assertUnauthorized(anonymous.get("/api/openapi.json"), "API key");
        assertUnauthorized(anonymous.post("/api/events", "[]"), "API key");
        assertUnauthorized(anonymous.get("/api/flow_runs/" + UUID.randomUUID()), "API key");
        assertUnauthorized(anonymous.get("/api/no/such/route"), "API key");
    }

    @Test
    void aWrongOrMalformedKeyIsRefused() {
        assertUnauthorized(anonymous.withKey("wrong").get("/api/concurrency_limits"), "wrong");
        assertUnauthorized(anonymous.withKey(KEY + "x").get("/api/concurrency_limits"), "wrong");
        assertUnauthorized(anonymous.withKey(KEY.substring(1)).get("/api/concurrency_limits"), "wrong");
        assertUnauthorized(anonymous.send("GET", "/api/concurrency_limits", null, "Basic " + KEY), "Bearer");
        assertUnauthorized(anonymous.send("GET", "/api/concurrency_limits", null, KEY), "Bearer");
    }

    @Test
    void theRightKeyIsLetIn() {
        Http http = anonymous.withKey(KEY);
        assertThat(http.get("/api/concurrency_limits").status()).isEqualTo(200);
        assertThat(http.post("/api/events", "[]").status()).isEqualTo(200);
        assertThat(http.get("/api/flow_runs/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(http.send("GET", "/api/concurrency_limits", null, "bearer " + KEY).status()).isEqualTo(200);
        assertThat(http.get("/api/openapi.json").json().path("security").isArray()).isTrue();
    }

    @Test
    void aBlankKeyIsRefusedAtStart() {
        assertThatThrownBy(() -> ServerOptions.builder().apiKey("  ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API key");
    }
}
