package dev.baton.server;

import dev.baton.internal.history.RunEvent;
import dev.baton.store.jdbc.JdbcRunStore;

import java.util.List;

/**
 * The store's write-behind queue as the server's {@link EventSink}. A store that is closing (the
 * JVM is shutting down and the store's own hook got there first) drops what it is given; the
 * request is then answered 503, never acknowledged, so the client sends it again later.
 */
final class StoreSink implements EventSink {
    private final JdbcRunStore store;

    StoreSink(JdbcRunStore store) {
        this.store = store;
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
}
