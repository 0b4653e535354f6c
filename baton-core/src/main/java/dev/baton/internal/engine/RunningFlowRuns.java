package dev.baton.internal.engine;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This JVM's flow runs that have started and not finished, by id: what a cancellation asked for
 * from outside the process ({@code baton flow-run cancel}, the API server), which the run store
 * learns with its heartbeats, reaches. The store calls {@link #cancel}; the engine never asks
 * the store.
 */
public final class RunningFlowRuns {
    private static final ConcurrentHashMap<UUID, FlowRunEngine> RUNS = new ConcurrentHashMap<>();

    private RunningFlowRuns() {}

    static void started(FlowRunEngine engine) {
        RUNS.put(engine.record().id(), engine);
    }

    static void finished(FlowRunEngine engine) {
        RUNS.remove(engine.record().id(), engine);
    }

    /**
     * Cancels flow run {@code id} if it runs in this JVM and is not cancelling already: it goes
     * CANCELLING, its running task runs are interrupted, and it ends CANCELLED. False otherwise.
     */
    public static boolean cancel(UUID id) {
        FlowRunEngine engine = RUNS.get(id);
        return engine != null && !engine.isCancelling() && engine.cancel();
    }
}
