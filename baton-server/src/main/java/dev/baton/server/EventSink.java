package dev.baton.server;

import dev.baton.spi.RunEvent;

import java.util.List;
import java.util.function.Supplier;

/**
 * Where the server records what it accepted: the store's write-behind queue. Recording returns
 * once the events are queued (not yet written); per caller, events are written in the order given.
 * A request is answered only once what it queued is written ({@link #awaitWritten}): an answer
 * means durable, so a server killed at any instant has lost nothing it acknowledged.
 */
interface EventSink {

    /** Queues {@code events} for writing, in order. */
    void record(List<RunEvent> events);

    /** A mark to give {@link #awaitWritten}, taken before a request queues anything: events given up on so far. */
    long mark();

    /** The number of the last event queued so far. */
    long queued();

    /** Whether every event up to number {@code queued} is written, nothing given up on since {@code mark}. */
    boolean written(long queued, long mark);

    /**
     * Returns once every event queued so far is written (committed to the database).
     *
     * @throws ApiError 503 if the store gave up on events since {@code mark} (the database has
     *                  been unavailable for its whole retry period) or is closing: the client sends
     *                  the request again later, and what was written already is not written twice
     */
    void awaitWritten(long mark);

    /**
     * Runs {@code write} (which records through this sink) and returns its answer once everything
     * queued by then is written: an answer means durable.
     *
     * @throws ApiError 503 as {@link #awaitWritten}
     */
    default <T> T durably(Supplier<T> write) {
        long mark = mark();
        T answer = write.get();
        awaitWritten(mark);
        return answer;
    }
}
