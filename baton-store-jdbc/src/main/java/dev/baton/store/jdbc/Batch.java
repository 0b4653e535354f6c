package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.spi.LogLine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * The rows one transaction writes, grouped by flow run so that a batch the database refuses can
 * be written again one flow run at a time, losing only the runs that are really at fault.
 * Built from queued events by {@link BatchBuilder}; written by {@link BatchSql}.
 */
final class Batch {
    private final LinkedHashMap<UUID, Group> groups = new LinkedHashMap<>();
    private Group last;
    int events;

    Group group(UUID flowRunId) {
        Group g = last;
        if (g != null && g.flowRunId.equals(flowRunId)) return g;
        g = groups.computeIfAbsent(flowRunId, Group::new);
        last = g;
        return g;
    }

    Collection<Group> groups() {
        return groups.values();
    }

    /** Everything of one flow run in a batch. */
    static final class Group {
        final UUID flowRunId;
        /** The flow run's row, when it started in this batch. */
        FlowRow inserted;
        /** The flow run's current state, when it started in an earlier batch and its state moved. */
        FlowRow updated;
        final List<TaskRow> taskInserts = new ArrayList<>();
        final List<TaskRow> taskUpdates = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
        final List<StateRow> flowStates = new ArrayList<>();
        final List<LogRow> logs = new ArrayList<>();
        /** The latest heartbeat reported for the flow run in this batch, 0 if none. */
        long heartbeatNs;
        /** The flow run's name and flow, for messages, when known. */
        String label;

        Group(UUID flowRunId) {
            this.flowRunId = flowRunId;
        }

        /** How many task-run states the group holds. */
        int taskStates() {
            int n = 0;
            for (TaskRow t : taskInserts) n += t.states.size();
            for (TaskRow t : taskUpdates) n += t.states.size();
            return n;
        }

        /** What this group would have recorded, for the log when it cannot be written. */
        String describe() {
            StringBuilder b = new StringBuilder();
            b.append("flow run ").append(label != null ? label + " " : "").append(flowRunId).append(": ");
            if (inserted != null) b.append("the flow run itself, ");
            b.append(taskInserts.size()).append(" new task runs, ").append(edges.size()).append(" dependencies, ")
                    .append(flowStates.size()).append(" flow run states");
            if (!flowStates.isEmpty()) {
                b.append(" (");
                for (int i = 0; i < flowStates.size(); i++) {
                    if (i > 0) b.append(", ");
                    b.append(flowStates.get(i).state());
                }
                b.append(')');
            }
            b.append(", ").append(taskStates()).append(" task run states");
            if (!logs.isEmpty()) b.append(", ").append(logs.size()).append(" log lines");
            return b.toString();
        }
    }

    /** A run's current state and times, as its row keeps them. */
    abstract static class RunRow {
        final UUID id;
        final boolean insert;
        String stateType, stateName;
        long startNs, endNs;
        boolean hasStart, hasEnd;
        /** The history index of the last state seen in this batch, -1 before the first. */
        int lastSeq = -1;

        RunRow(UUID id, boolean insert) {
            this.id = id;
            this.insert = insert;
        }

        void apply(State s, int seq) {
            stateType = s.type().name();
            stateName = s.name();
            if (s.isRunning() && !hasStart) {
                startNs = s.epochNanos();
                hasStart = true;
            }
            hasEnd = s.isFinal();
            endNs = hasEnd ? s.epochNanos() : 0;
            lastSeq = seq;
        }
    }

    static final class FlowRow extends RunRow {
        String name, flowName, parameters, tags, process;
        UUID parentFlowRunId, parentTaskRunId;
        long createdNs;
        /** The heartbeat written with the row, 0 for none. */
        long heartbeatNs;
        /**
         * On an insert, true while {@link #createdNs} is the writer's guess, not the time of the run's
         * first state; on an update, true if {@link #createdNs} corrects such a guess.
         */
        boolean createdFromClock;

        FlowRow(UUID id, boolean insert) {
            super(id, insert);
        }
    }

    static final class TaskRow extends RunRow {
        final UUID flowRunId;
        int ordinal;
        String name, taskName, taskVersion, tags;
        UUID subflowRunId;
        int callPosition = -1; // -1: not known
        /** The run's states in this batch, in order: they go to its row's history. */
        final List<StateRow> states = new ArrayList<>(3);

        TaskRow(UUID id, UUID flowRunId, boolean insert) {
            super(id, insert);
            this.flowRunId = flowRunId;
        }

        /**
         * Adds a state of this run and makes it the row's current one; false (and nothing added)
         * for a numbered state this batch holds already (the same events reported twice).
         */
        boolean add(StateRow state) {
            if (!state.relative() && !states.isEmpty() && state.seq() <= states.getLast().seq()) return false;
            apply(state.state(), state.seq());
            states.add(state);
            return true;
        }

        /** Whether the states are numbered after those already recorded rather than by their place. */
        boolean relative() {
            return !states.isEmpty() && states.getFirst().relative();
        }
    }

    /** Task run {@code taskRunId} waited for {@code upstreamId}, its {@code ordinal}-th upstream run. */
    record Edge(UUID taskRunId, int ordinal, UUID upstreamId) {}

    /** This process's flow runs {@code flowRunIds} are alive at {@code atNs}. */
    record Heartbeat(UUID[] flowRunIds, long atNs) {}

    /** A log line and its place in its flow run's log. */
    record LogRow(long seq, LogLine line) {}

    /**
     * The {@code seq}-th state of run {@code runId}, or with {@code relative} the {@code seq}-th
     * state after those already in the database (a reported run this store did not create). A
     * COMPLETED state's persisted result lies at {@code resultRef}.
     */
    record StateRow(UUID runId, int seq, State state, String resultRef, boolean relative) {}
}
