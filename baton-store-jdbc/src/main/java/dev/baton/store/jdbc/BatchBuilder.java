package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.FlowRun;
import dev.baton.PersistedResult;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventKind;
import dev.baton.spi.RunEventQueue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a buffer of queued events into the rows of one {@link Batch}, on the writer's thread.
 * A run created and moved on within one batch becomes a single row insert carrying its latest
 * state (no update); states are numbered by their place in the run's history.
 */
final class BatchBuilder {
    /** The next task run ordinal of each flow run not yet final. */
    private final HashMap<UUID, int[]> nextOrdinal = new HashMap<>();
    /** Tags as JSON, by the identity of the task's tag set (one per task definition). */
    private final IdentityHashMap<Set<String>, String> tagsJson = new IdentityHashMap<>();
    /** Flow runs written before their first state, with the writer's clock as their creation time. */
    private final HashSet<UUID> createdGuessed = new HashSet<>();
    /** Reported events (client mode, through the API server). */
    private final EventRows events = new EventRows(this);

    Batch build(RunEventQueue.Buffer buffer) {
        Batch batch = new Batch();
        int size = buffer.size();
        batch.events = size;
        IdentityHashMap<Object, Batch.RunRow> rows = new IdentityHashMap<>();
        for (int i = 0; i < size; i++) {
            Object run = buffer.subject(i);
            switch (buffer.kind(i)) {
                case RunEventKind.FLOW_RUN_CREATED -> flowRunStarted(batch, rows, (FlowRun<?>) run);
                case RunEventKind.TASK_RUN_CREATED -> taskRunCreated(batch, rows, (TaskRun) run);
                case RunEventKind.FLOW_RUN_STATE -> flowRunState(batch, rows, (FlowRun<?>) run, buffer.state(i));
                case RunEventKind.TASK_RUN_STATE -> taskRunState(batch, rows, (TaskRun) run, buffer.state(i));
                case RunEventKind.LOG -> log(batch, (LogLine) run);
                case RunEventKind.REPORTED -> events.add(batch, (RunEvent) run);
                case RunEventKind.HEARTBEAT -> {
                    Batch.Heartbeat h = (Batch.Heartbeat) run;
                    for (UUID id : h.flowRunIds()) {
                        Batch.Group g = batch.group(id);
                        g.heartbeatNs = Math.max(g.heartbeatNs, h.atNs());
                    }
                }
                default -> throw new IllegalStateException("unknown event kind " + buffer.kind(i));
            }
        }
        events.batchDone();
        return batch;
    }

    private void flowRunStarted(Batch batch, IdentityHashMap<Object, Batch.RunRow> rows, FlowRun<?> run) {
        UUID id = run.id();
        Batch.Group g = batch.group(id);
        Batch.FlowRow row = new Batch.FlowRow(id, true);
        row.name = run.name();
        row.flowName = run.flowName();
        row.parameters = Json.parameters(run.parameters());
        row.parentFlowRunId = run.parentFlowRunId().orElse(null);
        row.parentTaskRunId = run.parentTaskRunId().orElse(null);
        row.tags = tags(run.tags());
        row.process = ThisProcess.name();
        row.heartbeatNs = Clock.system().epochNanos(); // alive now: a crash before the first heartbeat is found too
        List<State> history = run.history();
        // the engine appends Pending right after announcing the run: normally there by now
        row.createdNs = history.isEmpty() ? Clock.system().epochNanos() : history.get(0).epochNanos();
        row.createdFromClock = history.isEmpty();
        if (row.createdFromClock) createdGuessed.add(id);
        g.inserted = row;
        g.label = label(run);
        rows.put(run, row);
        nextOrdinal.putIfAbsent(id, new int[1]);
    }

    private void taskRunCreated(Batch batch, IdentityHashMap<Object, Batch.RunRow> rows, TaskRun run) {
        UUID flowRunId = run.flowRunId();
        Batch.Group g = batch.group(flowRunId);
        Batch.TaskRow row = new Batch.TaskRow(run.id(), flowRunId, true);
        row.ordinal = nextOrdinal.computeIfAbsent(flowRunId, k -> new int[1])[0]++;
        row.name = run.name();
        row.taskName = run.taskName();
        row.taskVersion = run.taskVersion().orElse(null);
        row.tags = tags(run.tags());
        row.callPosition = run.callPosition();
        List<TaskRun> upstream = run.upstream();
        for (int i = 0; i < upstream.size(); i++) g.edges.add(new Batch.Edge(row.id, i, upstream.get(i).id()));
        g.taskInserts.add(row);
        rows.put(run, row);
    }

    private void flowRunState(Batch batch, IdentityHashMap<Object, Batch.RunRow> rows, FlowRun<?> run, State state) {
        Batch.RunRow row = rows.get(run);
        Batch.Group g;
        if (row == null) {
            UUID id = run.id();
            g = batch.group(id);
            Batch.FlowRow updated = new Batch.FlowRow(id, false);
            g.updated = updated;
            g.label = label(run);
            rows.put(run, updated);
            row = updated;
        } else {
            g = batch.group(row.id);
        }
        int seq = seq(run.history(), state, row.lastSeq);
        if (seq == 0 && !createdGuessed.isEmpty() && createdGuessed.remove(row.id)) {
            // the writer was quicker than the engine's first state: the run was created when that state was
            Batch.FlowRow f = (Batch.FlowRow) row;
            f.createdNs = state.epochNanos();
            f.createdFromClock = !f.insert; // an update must set it
        }
        row.apply(state, seq);
        g.flowStates.add(new Batch.StateRow(row.id, seq, state, resultRef(state), false));
        if (state.isFinal()) {
            nextOrdinal.remove(row.id);
            createdGuessed.remove(row.id);
        }
    }

    private void taskRunState(Batch batch, IdentityHashMap<Object, Batch.RunRow> rows, TaskRun run, State state) {
        Batch.TaskRow row = (Batch.TaskRow) rows.get(run);
        if (row == null) {
            row = new Batch.TaskRow(run.id(), run.flowRunId(), false);
            batch.group(row.flowRunId).taskUpdates.add(row);
            rows.put(run, row);
        }
        row.add(new Batch.StateRow(row.id, seq(run.history(), state, row.lastSeq), state, resultRef(state), false));
    }

    /**
     * A log line's place in its flow run's log: its time in nanoseconds. The engine gives each
     * line of a flow run its own time (see the API server for lines posted by others), so the
     * place identifies the line: one written twice (a batch a client sent again to a restarted
     * server) is recorded once, whichever store instance, batch or order it came in.
     */
    void log(Batch batch, LogLine line) {
        batch.group(line.flowRunId()).logs.add(new Batch.LogRow(HistoryQueries.nanos(line.timestamp()), line));
    }

    /**
     * The place of {@code state} in {@code history}, found by identity (histories are append-only,
     * so the place never changes); searching from just after the last state seen of the run.
     */
    static int seq(List<State> history, State state, int after) {
        int n = history.size();
        for (int i = after + 1; i < n; i++) if (history.get(i) == state) return i;
        for (int i = Math.min(after, n - 1); i >= 0; i--) if (history.get(i) == state) return i;
        return Math.max(after + 1, n); // not in the history (a caller other than the engine): append
    }

    /** Where a COMPLETED state's persisted result lies, or null (an empty Optional allocates nothing). */
    private static String resultRef(State state) {
        return state.persistedResult().map(PersistedResult::location).orElse(null);
    }

    private String tags(Set<String> tags) {
        if (tags.isEmpty()) return "[]";
        String json = tagsJson.get(tags);
        if (json == null) {
            if (tagsJson.size() > 10_000) tagsJson.clear(); // tasks made on the fly: keep the cache bounded
            json = Json.strings(dev.baton.spi.RunEvents.cleanedTags(tags));
            tagsJson.put(tags, json);
        }
        return json;
    }

    private static String label(FlowRun<?> run) {
        return "'" + run.name() + "' of flow '" + run.flowName() + "'";
    }
}
