package dev.baton.server;

import dev.baton.spi.RunEvent;
import dev.baton.store.jdbc.JdbcRunStore;

import java.time.Duration;
import java.util.List;

/**
 * The store's write-behind queue as the server's {@link EventSink}. Concurrent requests wait for
 * the same writes: the store's writer commits whatever has been queued in one transaction, so
 * waiting for durability costs each request one commit shared with all the others (group commit).
 * A store that is closing (the JVM is shutting down and the store's own hook got there first)
 * drops what it is given; the request is then answered 503, never acknowledged, so the client
 * sends it again later.
 */
final class StoreSink implements EventSink {
    private final JdbcRunStore store;
    private final Duration longestWait;

    /** @param longestWait how long a request waits for its events to be written before it is answered 503 */
    StoreSink(JdbcRunStore store, Duration longestWait) {
        this.store = store;
        this.longestWait = longestWait;
    }

    @Override
    public void record(List<RunEvent> events) {
        long lost = store.lostEvents();
        store.record(events);
        if (store.lostEvents() > lost) {
            throw new ApiError(503, "The server is shutting down and did not record this request: send it again"
                    + " once the server is back");
        }
    }

    @Override
    public long mark() {
        return store.lostEvents();
    }

    @Override
    public long queued() {
        return store.queuedEvents();
    }

    @Override
    public boolean written(long queued, long mark) {
        return store.handledEvents() >= queued && store.lostEvents() == mark;
    }

    @Override
    public void awaitWritten(long mark) {
        boolean written = store.flush(longestWait);
        if (store.lostEvents() > mark) {
            throw new ApiError(503, "The run database could not write this request (the server log says why):"
                    + " send it again later");
        }
        if (!written) {
            throw new ApiError(503, "The run database did not confirm this request within "
                    + longestWait.toSeconds() + " s: send it again later (what was written is not written twice)");
        }
    }
}
