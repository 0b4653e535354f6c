package dev.baton.spi;

import dev.baton.FlowRun;
import dev.baton.StateType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Deployments kept in this process, for a run store that keeps none (the in-memory store): what a
 * process serving its own flows needs, gone when it exits. Claimed runs are looked up in
 * {@code store} to count the running ones against a deployment's concurrency limit.
 */
public final class InMemoryDeployments implements Deployments {
    private final RunStore store;
    private final TreeMap<String, DeploymentRecord> byName = new TreeMap<>();
    private final LinkedHashMap<UUID, ScheduledRun> scheduled = new LinkedHashMap<>();
    private final Set<String> keys = new HashSet<>();
    /** Claimed runs by deployment, until their flow run is found final. */
    private final Map<UUID, Set<UUID>> claimed = new HashMap<>();

    public InMemoryDeployments(RunStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public synchronized DeploymentRecord put(DeploymentRecord d) {
        try {
            DeploymentJson.parameterSchema(d.parameterSchema());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The parameter schema of deployment '" + d.name() + "' is not a JSON"
                    + " object: " + e.getMessage(), e);
        }
        DeploymentRecord old = byName.get(d.name());
        DeploymentRecord stored = old == null ? d : new DeploymentRecord(old.id(), d.name(), d.flowName(),
                d.entrypoint(), d.description(), d.parameters(), d.parameterSchema(), d.schedules(), d.tags(),
                d.workPool(), d.concurrencyLimit(), d.paused(), old.created(), d.updated());
        if (old != null && (!old.schedules().equals(d.schedules()) || d.paused())) dropScheduled(old.id());
        byName.put(d.name(), stored);
        return stored;
    }

    @Override
    public synchronized List<DeploymentRecord> list() {
        return List.copyOf(byName.values());
    }

    @Override
    public synchronized Optional<DeploymentRecord> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public synchronized Optional<DeploymentRecord> get(UUID id) {
        return byName.values().stream().filter(d -> d.id().equals(id)).findFirst();
    }

    @Override
    public synchronized Optional<DeploymentRecord> setPaused(String name, boolean paused, Instant now) {
        DeploymentRecord d = byName.get(name);
        if (d == null) return Optional.empty();
        DeploymentRecord changed = d.withPaused(paused, now);
        byName.put(name, changed);
        if (paused) dropScheduled(d.id());
        return Optional.of(changed);
    }

    @Override
    public synchronized boolean delete(String name) {
        DeploymentRecord d = byName.remove(name);
        if (d == null) return false;
        scheduled.values().removeIf(r -> r.deploymentId().equals(d.id()));
        return true;
    }

    /** Forgets the runs that schedules created and no one claimed (ad-hoc runs stay). */
    private void dropScheduled(UUID deploymentId) {
        scheduled.values().removeIf(r -> {
            boolean drop = r.deploymentId().equals(deploymentId) && r.idempotencyKey() != null;
            if (drop) keys.remove(r.idempotencyKey());
            return drop;
        });
    }

    @Override
    public synchronized int addScheduledRuns(List<ScheduledRun> runs) {
        int added = 0;
        for (ScheduledRun r : runs) {
            DeploymentRecord d = get(r.deploymentId()).orElse(null);
            // a deployment deleted or paused since its runs were worked out gets none
            if (d == null || (d.paused() && r.idempotencyKey() != null)) continue;
            if (r.idempotencyKey() != null && !keys.add(r.idempotencyKey())) continue;
            scheduled.put(r.id(), r);
            added++;
        }
        return added;
    }

    @Override
    public synchronized List<ScheduledRun> scheduledRuns(UUID deploymentId, int limit) {
        return scheduled.values().stream().filter(r -> r.deploymentId().equals(deploymentId))
                .sorted(Comparator.comparing(ScheduledRun::due)).limit(limit).toList();
    }

    @Override
    public synchronized Optional<ScheduledRun> scheduledRun(UUID flowRunId) {
        return Optional.ofNullable(scheduled.get(flowRunId));
    }

    @Override
    public synchronized List<ScheduledRun> claimDue(Collection<UUID> deploymentIds, Instant now, int max,
                                                    String process) {
        List<ScheduledRun> due = new ArrayList<>();
        for (ScheduledRun r : scheduled.values()) {
            if (deploymentIds.contains(r.deploymentId()) && !r.due().isAfter(now)) due.add(r);
        }
        due.sort(Comparator.comparing(ScheduledRun::due));
        List<ScheduledRun> out = new ArrayList<>();
        Map<UUID, Integer> free = new HashMap<>();
        for (ScheduledRun r : due) {
            if (out.size() >= max) break;
            int room = free.computeIfAbsent(r.deploymentId(), this::room);
            if (room <= 0) continue;
            free.put(r.deploymentId(), room - 1);
            scheduled.remove(r.id()); // its key stays taken: a scheduler does not make it again
            List<StateRecord> history = new ArrayList<>(r.history());
            history.add(new StateRecord(StateType.PENDING, "Pending", now, null, null, null));
            ScheduledRun c = new ScheduledRun(r.id(), r.name(), r.deploymentId(), r.flowName(), r.parameters(),
                    r.due(), r.idempotencyKey(), history);
            claimed.computeIfAbsent(r.deploymentId(), k -> new HashSet<>()).add(r.id());
            out.add(c);
        }
        return out;
    }

    /** How many more runs of the deployment may start now. */
    private int room(UUID deploymentId) {
        DeploymentRecord d = byName.values().stream().filter(x -> x.id().equals(deploymentId)).findFirst().orElse(null);
        if (d == null || d.concurrencyLimit() == null) return Integer.MAX_VALUE;
        Set<UUID> ids = claimed.getOrDefault(deploymentId, Set.of());
        ids.removeIf(id -> store.flowRun(id).map(FlowRun::state).map(s -> s != null && s.isFinal()).orElse(false));
        return d.concurrencyLimit() - ids.size();
    }

    @Override
    public synchronized int markLate(Instant dueBefore, Instant now) {
        int n = 0;
        for (Map.Entry<UUID, ScheduledRun> e : scheduled.entrySet()) {
            ScheduledRun r = e.getValue();
            if (!r.due().isBefore(dueBefore) || "Late".equals(r.state().name())) continue;
            List<StateRecord> history = new ArrayList<>(r.history());
            history.add(new StateRecord(StateType.SCHEDULED, "Late", now, null, r.due(), null));
            e.setValue(new ScheduledRun(r.id(), r.name(), r.deploymentId(), r.flowName(), r.parameters(), r.due(),
                    r.idempotencyKey(), history));
            n++;
        }
        return n;
    }
}
