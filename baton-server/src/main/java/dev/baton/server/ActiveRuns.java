package dev.baton.server;

import dev.baton.spi.StateRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server's view of the current state of every run still active, in memory, one lock per
 * run: each proposed state is checked against the current one and recorded while that run's
 * lock is held, so two concurrent proposals for one run are decided one after the other and a
 * run never gets two terminal states. The store's queue keeps the order in which they were
 * decided.
 *
 * <p>A run leaves the map when it reaches a terminal state (which it never leaves); a small
 * cache of recently finished runs answers later proposals for them without a database read.
 * Runs not in memory (created before this server started) are loaded from the history on first
 * use.
 */
final class ActiveRuns {

    /** How many finished runs are remembered, to refuse late states without reading the database. */
    static final int FINISHED_CACHE = 65_536;

    /** One run as the server sees it. Fields other than the finals are guarded by the run's monitor. */
    static final class Run {
        final UUID id;
        /** The flow run itself for a flow run; the flow run it belongs to for a task run. */
        final UUID flowRunId;
        final boolean flow;
        final String name;
        final Set<String> tags;
        StateRecord state;
        /** How many times the run has entered RUNNING. */
        int runCount;
        /** The next ordinal to give a task run created in this flow run without one. */
        int nextOrdinal;
        /** Task runs of this flow run still in memory, to forget them with it. */
        final Set<UUID> taskRuns;
        /** Set once the run left the map: a caller holding it must look the run up again. */
        boolean gone;

        Run(UUID id, UUID flowRunId, boolean flow, String name, Set<String> tags, StateRecord state) {
            this(id, flowRunId, flow, name, tags, state, flow ? ConcurrentHashMap.newKeySet() : Set.of());
        }

        private Run(UUID id, UUID flowRunId, boolean flow, String name, Set<String> tags, StateRecord state,
                    Set<UUID> taskRuns) {
            this.id = id;
            this.flowRunId = flowRunId;
            this.flow = flow;
            this.name = name;
            this.tags = tags == null ? Set.of() : Set.copyOf(tags);
            this.state = state;
            this.taskRuns = taskRuns;
        }

        String describe() {
            return (flow ? "flow run " : "task run ") + (name == null ? "" : "'" + name + "' ") + id;
        }
    }

    /** Finds a run not in memory in the recorded history; empty when it was never recorded. */
    interface Loader {
        Optional<Run> load(UUID id, boolean flow);
    }

    private final ConcurrentHashMap<UUID, Run> runs = new ConcurrentHashMap<>();
    private final Map<UUID, Run> finished = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Run> eldest) {
            return size() > FINISHED_CACHE;
        }
    };
    private final Loader loader;

    ActiveRuns(Loader loader) {
        this.loader = loader;
    }

    /**
     * Adds a run just created; false (nothing changed) if a run with its id is already known
     * here, a creation sent twice.
     */
    boolean created(Run run) {
        if (finished(run.id) != null) return false;
        if (runs.putIfAbsent(run.id, run) != null) return false;
        if (!run.flow) {
            Run flow = runs.get(run.flowRunId);
            if (flow != null) flow.taskRuns.add(run.id);
        }
        return true;
    }

    /** The flow run of a task run in memory, or null. */
    UUID flowRunOf(UUID taskRunId) {
        Run run = runs.get(taskRunId);
        return run == null || run.flow ? null : run.flowRunId;
    }

    /** True if the run is in memory and not finished: its state is the server's to keep. */
    boolean isActive(UUID id) {
        Run run = runs.get(id);
        return run != null && !run.gone;
    }

    /** True if a run with this id is in memory or among the recently finished ones. */
    boolean known(UUID id) {
        return runs.containsKey(id) || finished(id) != null;
    }

    /**
     * Calls {@code action} with the run, holding its lock; empty if the run is unknown (not in
     * memory, not in the history). Looking a run up may read the database.
     */
    <T> Optional<T> withRun(UUID id, boolean flow, Function<Run, T> action) {
        while (true) {
            Run run = runs.get(id);
            if (run == null) run = finished(id);
            if (run == null) {
                Optional<Run> loaded = loader.load(id, flow);
                if (loaded.isEmpty()) return Optional.empty();
                Run fresh = loaded.get();
                if (fresh.state != null && fresh.state.isFinal()) {
                    remember(fresh);
                    run = fresh;
                } else {
                    Run raced = runs.putIfAbsent(id, fresh);
                    run = raced == null ? fresh : raced;
                }
            }
            if (run.flow != flow) return Optional.empty();
            synchronized (run) {
                if (run.gone) continue;
                T result = action.apply(run);
                boolean terminal = run.state != null && run.state.isFinal();
                if (terminal && runs.get(id) == run) {
                    forget(run);
                } else if (!terminal && runs.get(id) != run) {
                    // a finished run forced back into an active state
                    synchronized (finished) {
                        finished.remove(id);
                    }
                    runs.put(id, run);
                }
                return Optional.ofNullable(result);
            }
        }
    }

    /** Calls {@code action} with the run, holding its lock, only if it is in memory (never reads the database). */
    void ifActive(UUID id, java.util.function.Consumer<Run> action) {
        Run run = runs.get(id);
        if (run == null) return;
        synchronized (run) {
            if (!run.gone) action.accept(run);
        }
    }

    /**
     * Forgets a flow run that has finished and every task run of it still in memory (those that
     * never reached a terminal state: their flow run is over, nothing will move them on).
     */
    void flowRunFinished(UUID flowRunId) {
        Run flow = runs.get(flowRunId);
        if (flow == null) flow = finished(flowRunId);
        if (flow == null) return;
        for (UUID taskRunId : flow.taskRuns) {
            Run task = runs.get(taskRunId);
            if (task != null) {
                synchronized (task) {
                    if (runs.remove(taskRunId, task)) task.gone = true;
                }
            }
        }
        flow.taskRuns.clear();
        synchronized (flow) {
            if (runs.remove(flowRunId, flow)) flow.gone = true;
        }
    }

    /**
     * Calls {@code action} holding the lock of the flow run if it is in memory (so no state of it
     * is decided meanwhile), else without a lock; never reads the database.
     */
    <T> T holdingFlowRun(UUID flowRunId, Supplier<T> action) {
        while (true) {
            Run flow = runs.get(flowRunId);
            if (flow == null || !flow.flow) return action.get();
            synchronized (flow) {
                if (!flow.gone) return action.get();
            }
        }
    }

    /**
     * A flow run was found crashed and marked so in the database: it takes {@code state} here too,
     * and those of {@code taskRunIds} still in memory take {@code taskState}, unless already in a
     * terminal state; they all leave memory (later states reported for them are refused by the
     * terminal guard). Call it holding the flow run's lock ({@link #holdingFlowRun}).
     */
    void crashed(UUID flowRunId, StateRecord state, List<UUID> taskRunIds, StateRecord taskState) {
        Run flow = runs.get(flowRunId);
        if (flow != null && flow.flow) {
            synchronized (flow) {
                if (!flow.gone && (flow.state == null || !flow.state.isFinal())) {
                    flow.state = state;
                    forget(flow);
                }
            }
        }
        for (UUID id : taskRunIds) {
            Run task = runs.get(id);
            if (task == null || task.flow) continue;
            synchronized (task) {
                if (!task.gone && (task.state == null || !task.state.isFinal())) {
                    task.state = taskState;
                    forget(task);
                }
            }
        }
        flowRunFinished(flowRunId); // nothing will move its other task runs in memory on
    }

    /**
     * A flow run's state was changed in the database by someone else (a scheduled run cancelled
     * there): if it is in memory and not finished, it takes {@code state} here too, and leaves
     * memory if that is terminal. Call it holding the flow run's lock ({@link #holdingFlowRun}).
     */
    void changedInDatabase(UUID flowRunId, StateRecord state) {
        Run flow = runs.get(flowRunId);
        if (flow == null || !flow.flow) return;
        synchronized (flow) {
            if (flow.gone || flow.state != null && flow.state.isFinal()) return;
            flow.state = state;
            if (state.isFinal()) forget(flow);
        }
    }

    /** How many runs are in memory now (active ones, not the finished cache). */
    int size() {
        return runs.size();
    }

    /** Called with the run's lock held, once it is terminal: it never changes again. */
    private void forget(Run run) {
        runs.remove(run.id, run);
        run.gone = true;
        remember(new Run(run.id, run.flowRunId, run.flow, run.name, run.tags, run.state, run.taskRuns));
        if (!run.flow) {
            Run flow = runs.get(run.flowRunId);
            if (flow == null) flow = finished(run.flowRunId);
            if (flow != null) flow.taskRuns.remove(run.id);
        }
    }

    private Run finished(UUID id) {
        synchronized (finished) {
            return finished.get(id);
        }
    }

    private void remember(Run run) {
        synchronized (finished) {
            finished.put(run.id, run);
        }
    }
}
