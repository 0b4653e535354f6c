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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Posts batches of run events to {@code /api/events}. A batch is retried (with a growing pause,
 * up to a maximum) as long as the failure may pass: no answer, 5xx, 408, 429, and also 401, 403
 * and 404, which mean a wrong key or a URL that names no Baton server: the events are kept (and
 * spooled at exit) until the configuration is fixed rather than thrown away. A batch the server
 * refuses otherwise (400, 413: a bug) is given up on and logged, so one bad batch cannot stop
 * everything after it.
 *
 * <p>Each batch carries an id, {@code Baton-Batch: <client uuid>:<sequence>}: a uuid made once
 * per sender (one per {@link ApiRunStore}) and a sequence growing by one per batch, the same on
 * every attempt, and in the spool. A batch the server applied but whose answer was lost is then
 * not applied twice when sent again.
 */
final class EventSender {
    private static final ObjectMapper JSON = RunEvents.newMapper();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The longest pause between attempts once {@link #hurry} was called. */
    private static final Duration HURRIED_BACKOFF = Duration.ofMillis(250);
    /** The request header naming a batch (see the server's OpenAPI document). */
    static final String BATCH_HEADER = "Baton-Batch";

    /** Events sent in one request, named by {@code id} ({@code <client uuid>:<sequence>}). */
    record Batch(String id, List<RunEvent> events) {}

    /** What became of a batch. */
    enum Outcome {
        /** The server has it. */
        DELIVERED,
        /** The server refused it for good (logged): it is not recorded. */
        REFUSED,
        /** The server could not be reached and the caller gave up waiting: the batch is still to deliver. */
        NOT_DELIVERED
    }

    private final ApiSettings settings;
    private final Duration maxBackoff;
    private final Runnable failingChanged;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong refused = new AtomicLong();
    private final TypeHint typeHint = new TypeHint();
    private final UUID clientId = UUID.randomUUID();
    private final AtomicLong nextSequence = new AtomicLong(1);
    private final Object pause = new Object();
    private boolean woken; // guarded by pause
    private volatile boolean failing;
    private volatile boolean hurry;
    private volatile long failingSince; // System.nanoTime() of the first failed attempt of the current outage
    private volatile String lastProblem;

    /** Jackson needs the element type to write each event's "kind". */
    static final class TypeHint extends com.fasterxml.jackson.core.type.TypeReference<List<RunEvent>> {}

    /**
     * @param failingChanged called when the server stops or starts answering (see {@link #failing()})
     */
    EventSender(ApiSettings settings, Duration maxBackoff, Runnable failingChanged) {
        this.settings = settings;
        this.maxBackoff = maxBackoff;
        this.failingChanged = failingChanged;
    }

    long refused() {
        return refused.get();
    }

    /** The id this sender names its batches with. */
    UUID clientId() {
        return clientId;
    }

    /** True from a failed attempt until the next one that succeeds: the server cannot take events now. */
    boolean failing() {
        return failing;
    }

    /** Why the last failed attempt failed, or null if none has. */
    String lastProblem() {
        return lastProblem;
    }

    /** {@code events} as the next batch, with its id. */
    Batch batch(List<RunEvent> events) {
        return new Batch(clientId + ":" + nextSequence.getAndIncrement(), events);
    }

    /** Ends the pause between two attempts now: the next attempt is made at once. */
    void wakeUp() {
        synchronized (pause) {
            woken = true;
            pause.notifyAll();
        }
    }

    /** From now on, pauses between attempts are short: the process is closing and has little time left. */
    void hurry() {
        hurry = true;
        wakeUp();
    }

    /**
     * Delivers {@code batch} in one request, waiting out outages; after a failed attempt, gives
     * up if {@code giveUp} holds (it is asked again after every attempt: {@link #wakeUp} makes
     * the next one at once).
     */
    Outcome deliver(Batch batch, BooleanSupplier giveUp) throws InterruptedException {
        List<RunEvent> events = batch.events();
        byte[] body;
        try {
            body = JSON.writerFor(typeHint).writeValueAsBytes(events);
        } catch (JsonProcessingException e) {
            refused.addAndGet(events.size());
            ApiRunStore.LOG.error("{} run events could not be written as JSON and are NOT reported", events.size(), e);
            return Outcome.REFUSED;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.route("/events"))
                // longer than the server waits for its database to commit a batch (its store's retry period)
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .header(BATCH_HEADER, batch.id()) // one id per batch, kept by every attempt: the server applies it once
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.apiKey() != null) request.header("Authorization", "Bearer " + settings.apiKey());
        HttpRequest built = request.build();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            String problem;
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    answering();
                    return Outcome.DELIVERED;
                }
                if (status / 100 == 4 && !mayPass(status)) {
                    answering();
                    refused.addAndGet(events.size());
                    ApiRunStore.LOG.error("The Baton API server at {} refused {} run events ({} {}): they are NOT"
                            + " recorded", settings.url(), events.size(), status, response.body());
                    return Outcome.REFUSED;
                }
                problem = "it answered " + status + " " + brief(response.body()) + switch (status) {
                    case 401, 403 -> "; set " + ApiSettings.KEY_ENVIRONMENT + " to the server's key";
                    case 404 -> "; does " + ApiSettings.URL_ENVIRONMENT + " name a Baton API server, ending in /api?";
                    default -> "";
                };
            } catch (IOException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            notAnswering(problem);
            if (giveUp.getAsBoolean()) return Outcome.NOT_DELIVERED;
            pause(hurry && backoff.compareTo(HURRIED_BACKOFF) > 0 ? HURRIED_BACKOFF : backoff);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    /** Statuses that a later attempt may get past: the server busy or restarting, or a configuration to fix. */
    private static boolean mayPass(int status) {
        return status == 408 || status == 429 || status == 401 || status == 403 || status == 404;
    }

    /** Whether the server has been failing (see {@link #failing()}) for longer than {@code period}. */
    boolean failingLongerThan(Duration period) {
        return failing && System.nanoTime() - failingSince > period.toNanos();
    }

    private void answering() {
        if (failing) {
            failing = false;
            ApiRunStore.LOG.info("The Baton API server at {} answers again; delivering what waited", settings.url());
            failingChanged.run();
        }
    }

    private void notAnswering(String problem) {
        lastProblem = problem;
        if (!failing) {
            failingSince = System.nanoTime();
            failing = true;
            ApiRunStore.LOG.warn("The Baton API server at {} cannot take run events now ({}); the flow goes on, and"
                    + " they are kept and sent once it answers (or written to the spool under BATON_HOME when this"
                    + " process exits first)", settings.url(), problem);
            failingChanged.run();
        }
    }

    private void pause(Duration d) throws InterruptedException {
        synchronized (pause) {
            long end = System.nanoTime() + d.toNanos();
            while (!woken) {
                long left = end - System.nanoTime();
                if (left <= 0) break;
                TimeUnit.NANOSECONDS.timedWait(pause, left);
            }
            woken = false;
        }
    }

    private static String brief(String body) {
        if (body == null) return "";
        String b = body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }
}
