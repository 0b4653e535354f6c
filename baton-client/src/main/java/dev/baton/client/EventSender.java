package dev.baton.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventCodec;
import dev.baton.spi.RunEvents;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Posts batches of run events to {@code /api/events}. A batch is retried (with a growing pause,
 * up to a maximum) as long as the failure may pass: no answer, 5xx, 408, 429, and also 401, 403
 * and 404, which mean a wrong key or a URL that names no Baton server: the events are kept (and
 * spooled at exit) until the configuration is fixed rather than thrown away.
 *
 * <p>Batches are made to fit the server: at most {@link ApiRunStore#MAX_BATCH} events and
 * {@link #MAX_REQUEST_BYTES} bytes each, in JSON or, once the server has said it reads it, in
 * Baton's binary form ({@link RunEventCodec}). A batch the server refuses (400, 413) is split in
 * halves and each half sent again, down to the single event at fault, which alone is given up on:
 * written to the quarantine ({@link Spool#quarantine}), logged at WARN naming its flow run, noted
 * in that flow run's own log, and counted in {@link #refused()}. The other events go on.
 *
 * <p>Each batch carries an id, {@code Baton-Batch: <client uuid>:<sequence>}: a uuid made once
 * per sender (one per {@link ApiRunStore}) and a sequence growing by one per batch, the same on
 * every attempt, and in the spool. A batch the server applied but whose answer was lost is then
 * not applied twice when sent again. The halves of a refused batch get new ids (the server
 * applied none of it).
 */
final class EventSender {
    private static final ObjectMapper JSON = RunEvents.newMapper();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The longest pause between attempts once {@link #hurry} was called. */
    private static final Duration HURRIED_BACKOFF = Duration.ofMillis(250);
    /** The request header naming a batch (see the server's OpenAPI document). */
    static final String BATCH_HEADER = "Baton-Batch";
    /** The response header naming the forms of events the server reads besides JSON. */
    static final String EVENT_FORMS_HEADER = "Baton-Event-Forms";
    /** The request header asking the server to answer once a batch is applied, before it is committed. */
    static final String ANSWER_HEADER = "Baton-Answer";
    /**
     * The most bytes sent in one request: well under the server's default limit on
     * {@code /api/events} (16 MiB); a server set lower answers 413, and the batch is split.
     */
    static final int MAX_REQUEST_BYTES = 8 << 20;
    /** The logger of the line a flow run's log gets when an event of it was refused. */
    static final String NOTE_LOGGER = "dev.baton.client";

    /**
     * Events sent in one request, named by {@code id} ({@code <client uuid>:<sequence>}); {@code body}
     * is their JSON when made already (null: written when sent).
     */
    record Batch(String id, List<RunEvent> events, byte[] body) {
        Batch(String id, List<RunEvent> events) {
            this(id, events, null);
        }

        /** The batch's sequence (from its id), or -1 when it has no id yet. */
        long sequence() {
            return id == null ? -1 : Long.parseLong(id.substring(id.lastIndexOf(':') + 1));
        }
    }

    /**
     * A batch of no events, answered once everything the server applied before it is committed:
     * what a client sends to learn that its last batches are durable.
     */
    static Batch sync() {
        return new Batch(null, List.of(), new byte[] {'[', ']'});
    }

    /** A flow run some of whose events the server refused, and where they were kept. */
    record Refusal(UUID flowRunId, long events, String reason, java.nio.file.Path keptIn) {}

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
    private final Spool quarantine; // null: refused events are only logged
    private final Duration maxBackoff;
    private final Runnable failingChanged;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong refused = new AtomicLong();
    /** The flow runs that lost events to a refusal, in the order it happened (guarded by itself). */
    private final java.util.LinkedHashMap<UUID, Refusal> refusals = new java.util.LinkedHashMap<>();
    private final TypeHint typeHint = new TypeHint();
    private final UUID clientId = UUID.randomUUID();
    private final AtomicLong nextSequence = new AtomicLong(1);
    /**
     * Batches the server has applied (it answers at once) and not yet said are committed, in the
     * order sent: sent again, in order, after a failed attempt (a restarted server may have lost
     * them). Guarded by itself.
     */
    private final ArrayDeque<Batch> unconfirmed = new ArrayDeque<>();
    /** Every batch up to this sequence is committed by the server (its last answer's durableThrough). */
    private volatile long durableThrough = -1;
    private final Object pause = new Object();
    private boolean woken; // guarded by pause
    private volatile boolean failing;
    private volatile boolean hurry;
    private volatile long failingSince; // System.nanoTime() of the first failed attempt of the current outage
    private volatile String lastProblem;
    /**
     * Whether events go in the binary form ({@link RunEventCodec}): from the first answer of a
     * server that says it reads it, until a server refuses a batch in it (an older one, restarted
     * in its place), which gets the batch again in JSON.
     */
    private volatile boolean binary;

    /** Jackson needs the element type to write each event's "kind". */
    static final class TypeHint extends com.fasterxml.jackson.core.type.TypeReference<List<RunEvent>> {}

    /**
     * @param failingChanged called when the server stops or starts answering (see {@link #failing()})
     */
    EventSender(ApiSettings settings, Duration maxBackoff, Runnable failingChanged) {
        this(settings, null, maxBackoff, failingChanged);
    }

    /**
     * @param quarantine     where a refused event is written (null: it is only logged)
     * @param failingChanged called when the server stops or starts answering (see {@link #failing()})
     */
    EventSender(ApiSettings settings, Spool quarantine, Duration maxBackoff, Runnable failingChanged) {
        this.settings = settings;
        this.quarantine = quarantine;
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

    /** The flow runs that lost events because the server refused them, oldest first. */
    List<Refusal> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals.values());
        }
    }

    /** {@code events} as the next batch, with its id. */
    Batch batch(List<RunEvent> events) {
        return new Batch(clientId + ":" + nextSequence.getAndIncrement(), events);
    }

    /**
     * {@code events}, in order, as the next batches: each within {@link ApiRunStore#MAX_BATCH}
     * events and, by a bound on their size in the form they will be sent in, {@link #MAX_REQUEST_BYTES}
     * bytes (an event larger than that alone in its batch); written when sent, their ids given
     * when first sent ({@link #named}).
     */
    List<Batch> batches(List<RunEvent> events) {
        List<Batch> batches = new ArrayList<>(1);
        List<RunEvent> current = new ArrayList<>();
        long bytes = 0;
        boolean binaryForm = binary;
        for (RunEvent e : events) {
            long size = sizeBound(e, binaryForm);
            if (!current.isEmpty() && (current.size() >= ApiRunStore.MAX_BATCH || bytes + size > MAX_REQUEST_BYTES)) {
                batches.add(new Batch(null, current));
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e);
            bytes += size;
        }
        if (!current.isEmpty()) batches.add(new Batch(null, current));
        return batches;
    }

    /**
     * At least the bytes {@code e} takes in a request: its texts (in JSON, each character as an
     * escape at worst, six bytes; in the binary form three at most), plus room for the rest.
     */
    static long sizeBound(RunEvent e, boolean binaryForm) {
        int perChar = binaryForm ? 3 : 6;
        long fixed = binaryForm ? 128 : 512;
        return switch (e) {
            case RunEvent.FlowRunCreated c -> fixed + perChar * (length(c.name()) + length(c.flowName())
                    + length(c.parameters()) + length(c.process()) + length(c.tags())) + 48L * size(c.tags());
            case RunEvent.TaskRunCreated c -> fixed + perChar * (length(c.name()) + length(c.taskName())
                    + length(c.taskVersion()) + length(c.tags())) + 48L * (size(c.tags()) + size(c.upstream()));
            case RunEvent.FlowRunState st -> fixed + perChar * length(st.state());
            case RunEvent.TaskRunState st -> fixed + perChar * length(st.state());
            case RunEvent.Log l -> fixed + (l.line() == null ? 0
                    : perChar * (length(l.line().level()) + length(l.line().logger()) + length(l.line().message())));
            case RunEvent.Heartbeat h -> fixed + 48L * size(h.flowRunIds());
            case RunEvent.FlowRunFinished f -> fixed;
        };
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    private static long length(java.util.Collection<String> strings) {
        long n = 0;
        if (strings != null) for (String s : strings) n += length(s);
        return n;
    }

    private static long length(dev.baton.spi.StateRecord s) {
        return s == null ? 0 : length(s.name()) + length(s.message()) + length(s.resultRef());
    }

    private static int size(java.util.Collection<?> c) {
        return c == null ? 0 : c.size();
    }

    /**
     * {@code batch} with its id, given the first time it is sent (or spooled): the server applies
     * no sequence below one it has applied, so ids must grow in the order batches are sent, and a
     * refused batch's halves are sent before the batches made after it.
     */
    /** The sequence of the last batch named so far (0: none). */
    long lastSequence() {
        return nextSequence.get() - 1;
    }

    /** Up to which sequence the server has said this sender's batches are committed (-1: none). */
    long durableThrough() {
        return durableThrough;
    }

    /** Takes the batches applied and not known committed, oldest first (the process is closing: they go to the spool). */
    List<Batch> takeUnconfirmed() {
        synchronized (unconfirmed) {
            List<Batch> all = List.copyOf(unconfirmed);
            unconfirmed.clear();
            return all;
        }
    }

    Batch named(Batch batch) {
        return batch.id() != null ? batch
                : new Batch(clientId + ":" + nextSequence.getAndIncrement(), batch.events(), batch.body());
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

    /** Delivers {@code batch} (see {@link #deliver(Deque, BooleanSupplier)}). */
    Outcome deliver(Batch batch, BooleanSupplier giveUp) throws InterruptedException {
        Deque<Batch> queue = new ArrayDeque<>(List.of(batch));
        return deliver(queue, giveUp);
    }

    /**
     * Delivers the batches of {@code queue} in order, taking each off once the server has it or
     * has refused it (a refused batch is replaced by its halves, the single event at fault given up
     * on), waiting out outages; after a failed attempt, gives up if {@code giveUp} holds (it is
     * asked again after every attempt: {@link #wakeUp} makes the next one at once), leaving in
     * {@code queue} what is still to deliver.
     */
    Outcome deliver(Deque<Batch> queue, BooleanSupplier giveUp) throws InterruptedException {
        Outcome outcome = Outcome.DELIVERED;
        for (Batch batch; (batch = queue.peekFirst()) != null; ) {
            if (batch.id() == null) {
                batch = named(batch);
                queue.pollFirst();
                queue.addFirst(batch);
            }
            Attempt a = send(batch, giveUp);
            if (a.status == 0) return Outcome.NOT_DELIVERED;
            if (a.status == RESEND) {
                // the server failed: what it applied and did not commit may be gone; it goes again first, in order
                List<Batch> again = takeUnconfirmed();
                for (int i = again.size() - 1; i >= 0; i--) queue.addFirst(again.get(i));
                continue;
            }
            if (a.binary && (a.status == 400 || a.status == 415)) {
                // perhaps a server that reads JSON only: the same batch again, in JSON, before splitting it
                binary = false;
                continue;
            }
            queue.pollFirst();
            if (a.status / 100 == 2) continue;
            outcome = Outcome.REFUSED;
            List<RunEvent> events = batch.events();
            if (events.size() > 1) {
                // the server applied none of it: the halves go again, each under a new id
                // the halves get their ids when first sent, in order (see named)
                int half = events.size() / 2;
                queue.addFirst(new Batch(null, List.copyOf(events.subList(half, events.size()))));
                queue.addFirst(new Batch(null, List.copyOf(events.subList(0, half))));
            } else if (events.size() == 1) {
                Batch note = refusedEvent(batch, a);
                if (note != null) queue.addLast(note);
            }
        }
        return outcome;
    }

    /**
     * What one batch came to: a 2xx or a refusal (400, 413) with the server's answer; status 0:
     * given up waiting; {@link #RESEND}: the server failed while batches it applied were not known
     * committed, which go again first.
     */
    private record Attempt(int status, String answer, boolean binary) {
        Attempt(int status, String answer) {
            this(status, answer, false);
        }
    }

    private static final int RESEND = -1;

    /** The binary form's writer, kept between batches (one buffer instead of one per batch); null while in use. */
    private final AtomicReference<RunEventCodec.Writer> spareWriter = new AtomicReference<>();
    /** A writer's buffer larger than this (a batch of long texts) is not kept. */
    private static final int KEPT_WRITER_BYTES = 1 << 20;

    private Attempt send(Batch batch, BooleanSupplier giveUp) throws InterruptedException {
        RunEventCodec.Writer writer = null;
        if (batch.body() == null && binary) {
            writer = spareWriter.getAndSet(null);
            // a task run's events take about 40 bytes each: room for most batches at once
            if (writer == null) writer = new RunEventCodec.Writer(40 * batch.events().size());
        }
        Attempt attempt = send(batch, giveUp, writer);
        // kept only once the server has answered: a request given up on (interrupted, timed out) may
        // still be reading the buffer somewhere in the HTTP client, and must not see the next batch
        if (writer != null && attempt.status() >= 200 && writer.buffer().length <= KEPT_WRITER_BYTES) {
            spareWriter.set(writer);
        }
        return attempt;
    }

    /** Sends {@code batch} in the binary form through {@code writer}, or (null) as spooled or in JSON. */
    private Attempt send(Batch batch, BooleanSupplier giveUp, RunEventCodec.Writer writer) throws InterruptedException {
        byte[] body = batch.body();
        int bodyLength = body == null ? 0 : body.length;
        boolean binaryForm = writer != null;
        if (binaryForm) {
            writer.clear();
            for (RunEvent e : batch.events()) writer.add(e);
            body = writer.buffer();
            bodyLength = writer.size();
        } else if (body == null) {
            try {
                body = JSON.writerFor(typeHint).writeValueAsBytes(batch.events());
                bodyLength = body.length;
            } catch (JsonProcessingException e) {
                // as refused: split down to the event at fault, which is counted and kept
                return new Attempt(400, "could not be written as JSON: " + e.getOriginalMessage());
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.route("/events"))
                // longer than the server waits for its database to commit a batch (its store's retry period)
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", binaryForm ? RunEventCodec.MEDIA_TYPE : "application/json")
                .header(BATCH_HEADER, batch.id()) // one id per batch, kept by every attempt: the server applies it once
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, bodyLength));
        // answered once applied: the next batch goes while this one is written; a sync batch, and one an
        // earlier process spooled (under its own client id), are answered once committed
        boolean pipelined = !batch.events().isEmpty() && ours(batch);
        if (pipelined) request.header(ANSWER_HEADER, "applied");
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
                    if (!binary && response.headers().firstValue(EVENT_FORMS_HEADER).orElse("")
                            .contains(RunEventCodec.MEDIA_TYPE)) {
                        binary = true;
                    }
                    if (ours(batch)) applied(batch, response.body());
                    return new Attempt(status, response.body());
                }
                if (status / 100 == 4 && !mayPass(status)) {
                    answering();
                    return new Attempt(status, response.body(), binaryForm);
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
            if (giveUp.getAsBoolean()) return new Attempt(0, null);
            synchronized (unconfirmed) {
                if (!unconfirmed.isEmpty()) return new Attempt(RESEND, null);
            }
            pause(hurry && backoff.compareTo(HURRIED_BACKOFF) > 0 ? HURRIED_BACKOFF : backoff);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    /**
     * The server refused {@code single} (one event) for good: it is written to the quarantine,
     * said loudly, and counted; answers a log line for its flow run's own log saying so (null
     * when the event names no flow run).
     */
    private Batch refusedEvent(Batch single, Attempt a) {
        RunEvent event = single.events().get(0);
        refused.incrementAndGet();
        UUID flowRunId = flowRunId(event);
        String reason = a.status() + " " + brief(a.answer());
        java.nio.file.Path file = null;
        if (quarantine != null) {
            try {
                file = quarantine.quarantine(settings.url().toString(), clientId, single, reason);
            } catch (IOException | RuntimeException e) {
                ApiRunStore.LOG.error("Could not write the refused run event to the quarantine {}: {}",
                        quarantine.quarantineDirectory(), e.toString());
            }
        }
        synchronized (refusals) {
            Refusal before = refusals.get(flowRunId);
            refusals.put(flowRunId, new Refusal(flowRunId, before == null ? 1 : before.events() + 1, reason,
                    file != null ? file : before == null ? null : before.keptIn()));
        }
        String kept = file != null ? "it is kept in " + file : "it is NOT kept anywhere: " + brief(event.toString());
        ApiRunStore.LOG.warn("The Baton API server at {} refused a {} event of flow run {} ({}): it is NOT recorded;"
                + " the rest of the flow run's events are; {}", settings.url(), kind(event), flowRunId, reason, kept);
        if (flowRunId == null || (event instanceof RunEvent.Log l && NOTE_LOGGER.equals(l.line().logger()))) {
            return null; // a note refused in turn is not noted again
        }
        String message = "A " + kind(event) + " event of this flow run was refused by the Baton API server (" + reason
                + ") and is NOT recorded; " + kept;
        return new Batch(null, List.of(new RunEvent.Log(RunEvents.cleaned(new LogLine(flowRunId, taskRunId(event),
                java.time.Instant.now(), "ERROR", NOTE_LOGGER, message)))));
    }

    private static UUID flowRunId(RunEvent e) {
        return switch (e) {
            case RunEvent.FlowRunCreated c -> c.id();
            case RunEvent.TaskRunCreated c -> c.flowRunId();
            case RunEvent.FlowRunState s -> s.flowRunId();
            case RunEvent.TaskRunState s -> s.flowRunId();
            case RunEvent.Log l -> l.line() == null ? null : l.line().flowRunId();
            case RunEvent.FlowRunFinished f -> f.id();
            case RunEvent.Heartbeat h -> null;
        };
    }

    private static UUID taskRunId(RunEvent e) {
        return switch (e) {
            case RunEvent.TaskRunCreated c -> c.id();
            case RunEvent.TaskRunState s -> s.taskRunId();
            case RunEvent.Log l -> l.line() == null ? null : l.line().taskRunId();
            default -> null;
        };
    }

    private static String kind(RunEvent e) {
        String name = e.getClass().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether {@code batch} was named by this sender (not an earlier process's, from the spool). */
    private boolean ours(Batch batch) {
        return batch.id() != null && batch.id().startsWith(clientId + ":");
    }

    /** The server applied {@code batch}: it is kept until an answer says it is committed. */
    private void applied(Batch batch, String answer) {
        long through = -1;
        try {
            JsonNode n = JSON.readTree(answer == null ? "{}" : answer).path("durableThrough"); // null: none yet
            if (n.isIntegralNumber()) through = n.longValue();
        } catch (JsonProcessingException e) {
            // not the server's answer (a proxy's page, say): it covers nothing, the batch is kept
        }
        synchronized (unconfirmed) {
            if (through > durableThrough) durableThrough = through;
            long d = durableThrough;
            while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().sequence() <= d) unconfirmed.pollFirst();
            if (batch.sequence() > d) unconfirmed.addLast(batch);
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
