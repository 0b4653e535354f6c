package dev.baton.server;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Batches of events applied once: a client in client mode names each batch it posts
 * ({@value #HEADER}: {@code <client uuid>:<sequence>}, the sequence growing by batch, kept when
 * the batch is sent again), and the server remembers the last sequence it applied per client. A
 * batch sent again (its answer was lost: a timeout, a dropped connection) is answered as a
 * duplicate without being applied twice.
 *
 * <p>Bounded: the {@value #MAX_CLIENTS} clients heard from most recently are remembered. The
 * memory does not survive a restart; the store's idempotent writes cover a batch sent again
 * to a restarted server.
 */
final class BatchIds {
    /** The request header naming a batch. */
    static final String HEADER = "Baton-Batch";
    /** The request header asking for the answer once the batch is applied ({@value #APPLIED}), not written. */
    static final String ANSWER_HEADER = "Baton-Answer";
    static final String APPLIED = "applied";
    /** How many clients are remembered, the least recently heard from forgotten first. */
    static final int MAX_CLIENTS = 10_000;

    private static final Pattern FORM = Pattern.compile(
            "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}):(\\d{1,18})");

    /** The last sequence applied for one client; its monitor orders that client's batches. */
    private static final class Client {
        long lastApplied = -1;
        /** Batches applied and not yet known written: sequence, last event queued by then, events lost by then. */
        final ArrayDeque<long[]> unwritten = new ArrayDeque<>();
        /** Every batch of this client up to this sequence is written (-1: none known). */
        long durableThrough = -1;
    }

    private final Map<UUID, Client> clients = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Client> eldest) {
            return size() > MAX_CLIENTS;
        }
    };
    private final EventSink sink;

    BatchIds(EventSink sink) {
        this.sink = sink;
    }

    /**
     * Applies a batch unless it was applied already: {@code header} is the value of
     * {@value #HEADER} (null: a batch without an id, always applied). A batch is remembered as
     * applied only when {@code apply} returns; one refused (an exception) may be sent again. With
     * {@code durable}, the answer waits until what the batch queued is written; without, it comes
     * at once (a client pipelining its batches). Either way it says up to which sequence the
     * client's batches are written ({@code durableThrough}): the client keeps what is not yet
     * covered and sends it again after a failure.
     *
     * @throws ApiError 400 if the header is malformed, saying what it should look like; 503 if
     *                  the database gave up on events since a batch of this client was applied
     *                  and not known written: the client sends again every batch not covered
     */
    Bodies.Accepted applyOnce(String header, boolean durable, Supplier<Bodies.Accepted> apply) {
        if (header == null || header.isBlank()) return durable ? sink.durably(apply) : apply.get();
        Matcher m = FORM.matcher(header.strip());
        if (!m.matches()) {
            String shown = header.length() > 80 ? header.substring(0, 80) + "..." : header;
            throw ApiError.badRequest("Header " + HEADER + " must be '<client uuid>:<sequence>', e.g."
                    + " '0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f:42', not '" + shown + "'; leave it out to send a batch"
                    + " without an id");
        }
        UUID id = UUID.fromString(m.group(1));
        long sequence = Long.parseLong(m.group(2));
        Client client;
        synchronized (clients) {
            client = clients.computeIfAbsent(id, k -> new Client());
        }
        synchronized (client) {
            long lost = sink.mark();
            if (!client.unwritten.isEmpty() && client.unwritten.peekFirst()[2] != lost) {
                // events were given up on since: this client's unwritten batches may be among them
                client.unwritten.clear();
                client.lastApplied = -1;
                throw new ApiError(503, "The run database gave up on events (the server log says why): send again"
                        + " every batch after " + client.durableThrough);
            }
            if (sequence <= client.lastApplied) return written(client, Bodies.Accepted.DUPLICATE);
            Bodies.Accepted answer = apply.get();
            client.lastApplied = sequence;
            client.unwritten.addLast(new long[] {sequence, sink.queued(), lost});
            if (durable) sink.awaitWritten(lost);
            return written(client, answer);
        }
    }

    /** {@code answer} with how far the client's batches are written; the caller holds the client's monitor. */
    private Bodies.Accepted written(Client client, Bodies.Accepted answer) {
        for (long[] b; (b = client.unwritten.peekFirst()) != null && sink.written(b[1], b[2]); ) {
            client.durableThrough = b[0];
            client.unwritten.pollFirst();
        }
        return answer.withDurableThrough(client.durableThrough);
    }

    /** How many clients are remembered, for tests. */
    int size() {
        synchronized (clients) {
            return clients.size();
        }
    }
}
