package dev.baton.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.internal.history.RunEvent;
import dev.baton.internal.history.RunEvents;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts batches of run events to {@code /api/events}. A batch is retried until the server takes
 * it (with a growing pause, up to a maximum) as long as the failure may pass: no answer, 5xx,
 * 429. A batch the server refuses (another 4xx: a bug, or a wrong API key) is given up on and
 * logged, so one bad batch cannot stop everything after it.
 *
 * <p>Each batch carries an id, {@code Baton-Batch: <client uuid>:<sequence>}: a uuid made once
 * per sender (one per {@link ApiRunStore}) and a sequence growing by one per batch, the same on
 * every attempt. A batch the server applied but whose answer was lost is then not applied twice
 * when sent again.
 */
final class EventSender {
    private static final ObjectMapper JSON = RunEvents.newMapper();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The request header naming a batch (see the server's OpenAPI document). */
    static final String BATCH_HEADER = "Baton-Batch";

    private final ApiSettings settings;
    private final Duration maxBackoff;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong refused = new AtomicLong();
    private final TypeHint typeHint = new TypeHint();
    private final UUID clientId = UUID.randomUUID();
    private final AtomicLong nextSequence = new AtomicLong(1);

    /** Jackson needs the element type to write each event's "kind". */
    private static final class TypeHint extends com.fasterxml.jackson.core.type.TypeReference<List<RunEvent>> {}

    EventSender(ApiSettings settings, Duration maxBackoff) {
        this.settings = settings;
        this.maxBackoff = maxBackoff;
    }

    long refused() {
        return refused.get();
    }

    /** The id this sender names its batches with. */
    UUID clientId() {
        return clientId;
    }

    /** Delivers {@code events} (in one request), waiting out outages. */
    void deliver(List<RunEvent> events) throws InterruptedException {
        byte[] body;
        try {
            body = JSON.writerFor(typeHint).writeValueAsBytes(events);
        } catch (JsonProcessingException e) {
            refused.addAndGet(events.size());
            ApiRunStore.LOG.error("{} run events could not be written as JSON and are NOT reported", events.size(), e);
            return;
        }
        // one id per batch, kept by every attempt: the server applies it once
        String batchId = clientId + ":" + nextSequence.getAndIncrement();
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.route("/events"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header(BATCH_HEADER, batchId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.apiKey() != null) request.header("Authorization", "Bearer " + settings.apiKey());
        HttpRequest built = request.build();
        Duration backoff = FIRST_BACKOFF;
        long failingSince = 0;
        while (true) {
            String problem;
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    if (failingSince != 0) {
                        ApiRunStore.LOG.info("The Baton API server at {} answers again; delivering what waited",
                                settings.url());
                    }
                    return;
                }
                if (status / 100 == 4 && status != 429 && status != 408) {
                    refused.addAndGet(events.size());
                    ApiRunStore.LOG.error("The Baton API server at {} refused {} run events ({} {}){}: they are NOT"
                            + " recorded", settings.url(), events.size(), status, response.body(),
                            status == 401 ? "; set BATON_API_KEY to the server's key" : "");
                    return;
                }
                problem = "it answered " + status + " " + response.body();
            } catch (IOException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (failingSince == 0) {
                failingSince = System.nanoTime();
                ApiRunStore.LOG.warn("The Baton API server at {} cannot take run events now ({}); the flow goes on,"
                        + " and they are kept and sent once it answers", settings.url(), problem);
            }
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }
}
