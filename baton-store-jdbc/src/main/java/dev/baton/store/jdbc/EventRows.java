package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns {@link RunEvent}s (what another process reported, through the API server) into the rows
 * of a {@link Batch}, on the writer's thread, as {@link BatchBuilder} does for the engine's calls.
 *
 * <p>The engine's runs carry their histories, which number their states; reported states do
 * not. A run created through this store is numbered by a counter kept here; a run created
 * before (by another store instance: a restarted server) gets its states numbered after the
 * ones already in the database, looked up when the batch is written ({@link Batch.StateRow#relative}).
 */
final class EventRows {
    /** Counters are dropped beyond this many runs (numbering falls back to the database's). */
    private static final int MAX_COUNTERS = 1_000_000;

    private final BatchBuilder builder;
    /** The next history index of each run (flow or task run) created through this store and not yet final. */
    private final HashMap<UUID, int[]> nextSeq = new HashMap<>();
    /** Runs that reached a final state in the batch being built: their counters go when it is done. */
    private final List<UUID> finished = new ArrayList<>();
    /** This batch's rows, by run id. */
    private final HashMap<UUID, Batch.RunRow> rows = new HashMap<>();
    /** This batch's state counts of runs not created through this store, by run id. */
    private final HashMap<UUID, int[]> relative = new HashMap<>();

    EventRows(BatchBuilder builder) {
        this.builder = builder;
    }

    void add(Batch batch, RunEvent event) {
        switch (event) {
            case RunEvent.FlowRunCreated e -> flowRunCreated(batch, e);
            case RunEvent.TaskRunCreated e -> taskRunCreated(batch, e);
            case RunEvent.FlowRunState e -> flowRunState(batch, e.flowRunId(), e.state());
            case RunEvent.TaskRunState e -> taskRunState(batch, e.flowRunId(), e.taskRunId(), e.state());
            case RunEvent.Log e -> builder.log(batch, e.line());
            case RunEvent.Heartbeat e -> {
                long at = e.at() == null ? System.currentTimeMillis() * 1_000_000L : HistoryQueries.nanos(e.at());
                for (UUID id : e.flowRunIds()) {
                    Batch.Group g = batch.group(id);
                    g.heartbeatNs = Math.max(g.heartbeatNs, at);
                }
            }
            case RunEvent.FlowRunFinished e -> finished.add(e.id());
        }
    }

    /** Refuses an event that lacks what the store needs, naming it by its place in the list. */
    static void check(RunEvent event, int index) {
        String problem = switch (event) {
            case null -> "is null";
            case RunEvent.FlowRunCreated e -> e.id() == null ? "has no id" : e.name() == null ? "has no name"
                    : e.flowName() == null ? "has no flowName" : null;
            case RunEvent.TaskRunCreated e -> e.id() == null ? "has no id" : e.flowRunId() == null ? "has no flowRunId"
                    : e.name() == null ? "has no name" : e.taskName() == null ? "has no taskName"
                    : e.ordinal() < 0 ? "has a negative ordinal" : hasNull(e.upstream())
                    ? "has a null upstream id" : null;
            case RunEvent.FlowRunState e -> e.flowRunId() == null ? "has no flowRunId" : stateProblem(e.state());
            case RunEvent.TaskRunState e -> e.flowRunId() == null ? "has no flowRunId"
                    : e.taskRunId() == null ? "has no taskRunId" : stateProblem(e.state());
            case RunEvent.Log e -> e.line() == null ? "has no line" : e.line().flowRunId() == null
                    ? "has a line without flowRunId" : e.line().timestamp() == null ? "has a line without timestamp"
                    : e.line().level() == null ? "has a line without level" : null;
            case RunEvent.Heartbeat e -> e.flowRunIds() == null || hasNull(e.flowRunIds())
                    ? "has no (or a null) flowRunIds" : null;
            case RunEvent.FlowRunFinished e -> e.id() == null ? "has no id" : null;
        };
        if (problem != null) {
            throw new IllegalArgumentException("Run event " + index + " " + problem + ": " + event
                    + "; nothing of this list was recorded");
        }
    }

    /** Whether {@code ids} holds a null (immutable lists refuse {@code contains(null)}). */
    private static boolean hasNull(List<UUID> ids) {
        if (ids == null) return false;
        for (UUID id : ids) if (id == null) return true;
        return false;
    }

    private static String stateProblem(StateRecord state) {
        if (state == null) return "has no state";
        if (state.type() == null) return "has a state without type";
        if (state.timestamp() == null) return "has a state without timestamp";
        return null;
    }

    /** The batch is built: forgets this batch's rows, and the counters of runs that finished. */
    void batchDone() {
        rows.clear();
        relative.clear();
        for (UUID id : finished) nextSeq.remove(id);
        finished.clear();
        if (nextSeq.size() > MAX_COUNTERS) nextSeq.clear(); // runs that never finished (crashed processes)
    }

    private void flowRunCreated(Batch batch, RunEvent.FlowRunCreated e) {
        Batch.Group g = batch.group(e.id());
        Batch.FlowRow row = new Batch.FlowRow(e.id(), true);
        row.name = e.name();
        row.flowName = e.flowName();
        row.parameters = e.parameters() == null ? "[]" : e.parameters();
        row.parentFlowRunId = e.parentFlowRunId();
        row.parentTaskRunId = e.parentTaskRunId();
        row.tags = tags(e.tags());
        row.process = e.process();
        row.createdNs = e.created() == null ? System.currentTimeMillis() * 1_000_000L : HistoryQueries.nanos(e.created());
        g.inserted = row;
        g.label = "'" + e.name() + "' of flow '" + e.flowName() + "'";
        rows.put(e.id(), row);
        nextSeq.put(e.id(), new int[1]);
    }

    private void taskRunCreated(Batch batch, RunEvent.TaskRunCreated e) {
        Batch.Group g = batch.group(e.flowRunId());
        if (rows.get(e.id()) instanceof Batch.TaskRow known && known.insert) {
            // created twice in one batch (a client sent its events again): one row, and the states
            // sent again are numbered from the start again, so the row keeps them once
            nextSeq.put(e.id(), new int[1]);
            return;
        }
        Batch.TaskRow row = new Batch.TaskRow(e.id(), e.flowRunId(), true);
        row.ordinal = e.ordinal();
        row.name = e.name();
        row.taskName = e.taskName();
        row.taskVersion = e.taskVersion();
        row.tags = tags(e.tags());
        row.subflowRunId = e.subflowRunId();
        if (e.callPosition() != null) row.callPosition = e.callPosition();
        List<UUID> upstream = e.upstream() == null ? List.of() : e.upstream();
        for (int i = 0; i < upstream.size(); i++) g.edges.add(new Batch.Edge(e.id(), i, upstream.get(i)));
        g.taskInserts.add(row);
        rows.put(e.id(), row);
        nextSeq.put(e.id(), new int[1]);
    }

    private void flowRunState(Batch batch, UUID flowRunId, StateRecord record) {
        Batch.Group g = batch.group(flowRunId);
        Batch.FlowRow row = rows.get(flowRunId) instanceof Batch.FlowRow known ? known : null;
        if (row == null) {
            row = new Batch.FlowRow(flowRunId, false);
            g.updated = row;
            rows.put(flowRunId, row);
        }
        Batch.StateRow state = stateRow(row, record);
        row.apply(state.state(), state.seq());
        if (state.state().isFinal()) finished.add(row.id);
        g.flowStates.add(state);
    }

    private void taskRunState(Batch batch, UUID flowRunId, UUID taskRunId, StateRecord record) {
        Batch.Group g = batch.group(flowRunId);
        Batch.TaskRow row = rows.get(taskRunId) instanceof Batch.TaskRow known ? known : null;
        if (row == null) {
            row = new Batch.TaskRow(taskRunId, flowRunId, false);
            g.taskUpdates.add(row);
            rows.put(taskRunId, row);
        }
        Batch.StateRow state = stateRow(row, record);
        if (row.add(state) && state.state().isFinal()) finished.add(row.id);
    }

    private Batch.StateRow stateRow(Batch.RunRow row, StateRecord record) {
        State state = state(record);
        int[] counter = nextSeq.get(row.id);
        boolean isRelative = counter == null;
        if (isRelative) counter = relative.computeIfAbsent(row.id, k -> new int[1]);
        return new Batch.StateRow(row.id, counter[0]++, state, record.resultRef(), isRelative);
    }

    /** The state a record stands for: no result value, its due time as the data of a SCHEDULED one. */
    static State state(StateRecord r) {
        if (r.type() == null) throw new IllegalArgumentException("a reported state has no type");
        long at = r.timestamp() == null ? System.currentTimeMillis() * 1_000_000L : HistoryQueries.nanos(r.timestamp());
        return State.of(r.type(), r.name(), at, r.message(), r.scheduledTime());
    }

    private String tags(Set<String> tags) {
        return tags == null || tags.isEmpty() ? "[]" : Json.strings(dev.baton.spi.RunEvents.cleanedTags(tags));
    }
}
