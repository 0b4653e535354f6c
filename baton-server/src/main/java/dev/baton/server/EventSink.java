package dev.baton.server;

import dev.baton.internal.history.RunEvent;

import java.util.List;

/**
 * Where the server records what it accepted: the store's write-behind queue. Recording returns
 * once the events are queued (not yet written); per caller, events are written in the order given.
 */
interface EventSink {

    /** Queues {@code events} for writing, in order. */
    void record(List<RunEvent> events);
}
