package dev.baton.client;

import dev.baton.StateType;
import dev.baton.spi.StateRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Client mode's half of cancelling a flow run from outside its process ({@code baton flow-run
 * cancel} with {@code BATON_API_URL} set, or {@code POST /api/flow_runs/{id}/cancel}): while flow
 * runs of this process are running, it asks the server for their states every heartbeat interval
 * ({@code POST /api/flow_runs/states}, answered from the server's memory) and tells the listener
 * each one that is CANCELLING; the engine then cancels it. A server that does not answer is asked
 * again at the next interval: the sender reports the outage, this says nothing more.
 */
final class CancellationWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatch.class);

    private final ApiClient client;
    private final long intervalNanos;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private volatile Consumer<UUID> listener;
    private volatile boolean closed;
    private final Thread thread;

    CancellationWatch(ApiSettings settings, Duration interval) {
        this.client = ApiClient.connect(settings);
        this.intervalNanos = interval.toNanos();
        this.thread = Thread.ofPlatform().name("baton-api-cancellation-watch").daemon().start(this::watch);
    }

    void started(UUID flowRunId) {
        running.add(flowRunId);
    }

    void finished(UUID flowRunId) {
        running.remove(flowRunId);
    }

    void listener(Consumer<UUID> listener) {
        this.listener = listener;
    }

    private void watch() {
        while (!closed) {
            LockSupport.parkNanos(this, intervalNanos);
            Consumer<UUID> tell = listener;
            if (closed || tell == null || running.isEmpty()) continue;
            List<UUID> ids = List.copyOf(running);
            Map<UUID, StateRecord> states;
            try {
                states = client.flowRunStates(ids.size() > 1_000 ? ids.subList(0, 1_000) : ids);
            } catch (RuntimeException e) {
                LOG.debug("Could not read the states of this process's flow runs from the server: {}", e.toString());
                continue;
            }
            states.forEach((id, state) -> {
                if (state != null && state.type() == StateType.CANCELLING && running.contains(id)) {
                    try {
                        tell.accept(id);
                    } catch (RuntimeException e) {
                        LOG.warn("Cancelling flow run {} failed: {}", id, e.toString(), e);
                    }
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        client.close();
    }
}
