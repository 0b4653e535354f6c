package dev.baton.client;

import com.sun.net.httpserver.HttpServer;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventCodec;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What client mode sends besides the events: a {@code Baton-Batch} id on every batch, kept when
 * the batch is sent again and growing by batch; and the heartbeat interval read as the database
 * store reads it.
 */
class BatchIdsAndSettingsTest {

    @Test
    void everyBatchCarriesAnIdThatARetryKeepsAndTheNextBatchMovesOn() throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger requests = new AtomicInteger();
        // a server that fails the first request (503), as one restarting would, then takes everything
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/events", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ids.add(exchange.getRequestHeaders().getFirst("Baton-Batch"));
            byte[] body = (requests.getAndIncrement() == 0 ? "{\"error\": \"restarting\"}"
                    : "{\"accepted\": 1, \"rejected\": 0, \"duplicate\": false}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(requests.get() == 1 ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            EventSender sender = new EventSender(ApiSettings.of("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/api", null), Duration.ofMillis(50), () -> {});
            List<RunEvent> batch = List.of(new RunEvent.Heartbeat(List.of(UUID.randomUUID()), Instant.now()));
            assertThat(sender.deliver(sender.batch(batch), () -> false)).isEqualTo(EventSender.Outcome.DELIVERED);
            assertThat(sender.deliver(sender.batch(batch), () -> false)).isEqualTo(EventSender.Outcome.DELIVERED);
            assertThat(sender.refused()).isZero();
        } finally {
            server.stop(0);
        }
        String client = ids.get(0).substring(0, ids.get(0).indexOf(':'));
        assertThat(UUID.fromString(client)).isNotNull();
        assertThat(ids).containsExactly(client + ":1", client + ":1", client + ":2");
    }

    @Test
    void eventsGoInTheBinaryFormOnceTheServerSaysItReadsItAndInJsonAgainWhenAServerRefusesIt() throws Exception {
        List<String> forms = Collections.synchronizedList(new ArrayList<>());
        List<List<RunEvent>> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger requests = new AtomicInteger();
        // a server that reads both forms for three requests, then one that reads JSON only (an older
        // Baton restarted in its place), which refuses the binary form as malformed JSON
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/events", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean binary = type.startsWith(RunEventCodec.MEDIA_TYPE);
            forms.add(binary ? "binary" : "json");
            boolean older = requests.incrementAndGet() > 3;
            int status = 200;
            if (binary && older) {
                status = 400;
            } else {
                received.add(binary ? RunEventCodec.read(in, 100) : List.of());
            }
            if (!older) exchange.getResponseHeaders().add("Baton-Event-Forms", RunEventCodec.MEDIA_TYPE);
            byte[] body = (status == 400 ? "{\"error\": \"Malformed JSON\"}"
                    : "{\"accepted\": 1, \"rejected\": 0, \"duplicate\": false}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        List<RunEvent> batch = List.of(new RunEvent.Heartbeat(List.of(UUID.randomUUID()), Instant.now()));
        try {
            EventSender sender = new EventSender(ApiSettings.of("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/api", null), Duration.ofMillis(50), () -> {});
            for (int i = 0; i < 4; i++) {
                assertThat(sender.deliver(sender.batch(batch), () -> false)).isEqualTo(EventSender.Outcome.DELIVERED);
            }
            assertThat(sender.refused()).isZero();
        } finally {
            server.stop(0);
        }
        assertThat(forms).containsExactly("json", "binary", "binary", "binary", "json");
        assertThat(received.get(1)).isEqualTo(batch);
    }

    @Test
    void theHeartbeatIntervalFallsBackWhenUnset() {
        if (System.getenv(ApiSettings.HEARTBEAT_INTERVAL_ENVIRONMENT) == null) {
            assertThat(ApiSettings.heartbeatInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        }
    }
}
