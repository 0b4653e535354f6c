package dev.baton.spi;

import dev.baton.FlowRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps flow run records in memory, up to a number of runs; the oldest finished ones are
 * dropped first, so a long-lived JVM does not grow without bound.
 */
public final class InMemoryRunStore implements RunStore {
    private final int capacity;
    private final LinkedHashMap<UUID, FlowRun<?>> runs = new LinkedHashMap<>();
    private final InMemoryDeployments deployments = new InMemoryDeployments(this);

    /** A store keeping at most {@code capacity} flow runs. */
    public InMemoryRunStore(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
    }

    /** A store that keeps every flow run. */
    public static InMemoryRunStore unbounded() {
        return new InMemoryRunStore(Integer.MAX_VALUE);
    }

    @Override
    public synchronized void flowRunStarted(FlowRun<?> run) {
        runs.put(run.id(), run);
        if (runs.size() > capacity) evictOneFinished();
    }

    private void evictOneFinished() {
        for (Map.Entry<UUID, FlowRun<?>> e : runs.entrySet()) {
            if (e.getValue().state() != null && e.getValue().state().isFinal()) {
                runs.remove(e.getKey());
                return;
            }
        }
    }

    @Override
    public void flowRunFinished(FlowRun<?> run) {
        // the record is live: nothing to copy
    }

    @Override
    public synchronized List<FlowRun<?>> flowRuns() {
        List<FlowRun<?>> out = new ArrayList<>(runs.values());
        java.util.Collections.reverse(out);
        return out;
    }

    @Override
    public synchronized Optional<FlowRun<?>> flowRun(UUID id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** Forgets every run. */
    public synchronized void clear() {
        runs.clear();
    }

    /** Deployments kept in memory beside the runs, for runners of this process. */
    @Override
    public Optional<Deployments> deployments() {
        return Optional.of(deployments);
    }
}
