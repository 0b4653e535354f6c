package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.spi.LogLine;
import dev.baton.spi.RecordedText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.UUID;

/**
 * The writer's statements on its connection: one JDBC batch per statement per transaction.
 * Every text is cleaned as {@link RecordedText} says (NUL and unpaired surrogates replaced, text
 * longer than its column clipped with a marker) rather than failing the batch: PostgreSQL
 * refuses NUL, and one refused row would take the whole transaction with it. Inserts are idempotent (see {@link #insertIfAbsent}):
 * a row written twice is written once, so events reported again are not a loss.
 */
final class BatchSql implements AutoCloseable {
    private static final String FLOW_RUN_COLUMNS = "id, name, flow_name, parameters, parent_flow_run_id,"
            + " parent_task_run_id, state_type, state_name, created_ns, start_ns, end_ns, tags, process, heartbeat_ns";
    private static final String TASK_RUN_COLUMNS = "id, flow_run_id, ordinal, name, task_name, task_version, tags,"
            + " state_type, state_name, start_ns, end_ns, subflow_run_id, call_position, history, state_count";
    /** What a task run created again with more states replaces (see {@link #upsertTaskRun}). */
    private static final String[] TASK_RUN_STATE_COLUMNS = {"state_type", "state_name", "start_ns", "end_ns",
            "history", "state_count"};
    private static final String UPSTREAM_COLUMNS = "flow_run_id, task_run_id, ordinal, upstream_task_run_id";
    private static final String FLOW_RUN_STATE_COLUMNS = "flow_run_id, seq, type, name, timestamp_ns, message,"
            + " scheduled_ns, result_ref";
    private static final String LOG_COLUMNS = "flow_run_id, seq, task_run_id, timestamp_ns, level, logger, message";
    // the first RUNNING state stays the start: COALESCE keeps a start recorded by an earlier batch
    // created_ns: set when the row was written before the run's first state (see BatchBuilder)
    private static final String UPDATE_FLOW_RUN = "UPDATE flow_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ?, created_ns = COALESCE(?, created_ns) WHERE id = ?";
    private static final String UPDATE_HEARTBEAT = "UPDATE flow_run SET heartbeat_ns = ? WHERE id = ?"
            + " AND (heartbeat_ns IS NULL OR heartbeat_ns < ?)";
    private static final String FLOW_RUN_STATES = "SELECT seq, type, timestamp_ns FROM flow_run_state"
            + " WHERE flow_run_id = ?";
    private static final String TASK_RUN_HISTORY = "SELECT history FROM task_run WHERE id = ?";
    // a subflow's stand-in task run points at the flow run it stands for
    private static final String UPDATE_STAND_IN = "UPDATE task_run SET subflow_run_id = ? WHERE id = ?";
    // a task run's next states: appended only where the row holds exactly the states before them,
    // so states written already (a batch sent again) are not appended twice
    private static final String APPEND_TASK_RUN = "UPDATE task_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ?, history = COALESCE(history, '') || ?, state_count = ?"
            + " WHERE id = ? AND state_count = ?";
    private static final String REWRITE_TASK_RUN = "UPDATE task_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ?, history = ?, state_count = ? WHERE id = ?";

    private final Database db;
    private final Connection connection;
    private final PreparedStatement insertFlowRun, insertTaskRun, insertUpstream, insertFlowRunState,
            updateFlowRun, appendTaskRun, updateStandIn, insertLog, updateHeartbeat;
    private int flowRuns, taskRuns, upstream, flowRunStates, flowRunUpdates, standIns, logs, heartbeats;
    /** This write's appends to task runs created earlier, in the order of {@link #appendTaskRun}'s batch. */
    private final java.util.ArrayList<Batch.TaskRow> appends = new java.util.ArrayList<>();
    /** This write's task runs whose new states go after what their rows hold, whatever that is. */
    private final java.util.ArrayList<Batch.TaskRow> merges = new java.util.ArrayList<>();
    /** The task runs this write creates. */
    private final java.util.HashSet<UUID> taskRunIds = new java.util.HashSet<>();
    /** For this write: the states in the database of reported flow runs created elsewhere, by run id. */
    private final HashMap<UUID, Recorded> recorded = new HashMap<>();

    /**
     * What the database holds of a flow run's history: where new states go on from, and which states
     * (type and time) are there, so that a state reported again is not recorded twice.
     */
    private static final class Recorded {
        int first;
        final java.util.HashSet<String> states = new java.util.HashSet<>();
        /** States of this write found there already: the later ones move up to keep the numbering dense. */
        int skipped;
    }

    BatchSql(Database db, Connection connection) throws SQLException {
        this.db = db;
        this.connection = connection;
        Database.Dialect d = db.dialect();
        insertFlowRun = connection.prepareStatement(insertIfAbsent(d, "flow_run", FLOW_RUN_COLUMNS, "id"));
        insertTaskRun = connection.prepareStatement(upsertTaskRun(d));
        insertUpstream = connection.prepareStatement(insertIfAbsent(d, "task_run_upstream", UPSTREAM_COLUMNS,
                "flow_run_id, task_run_id, ordinal"));
        insertFlowRunState = connection.prepareStatement(insertIfAbsent(d, "flow_run_state", FLOW_RUN_STATE_COLUMNS,
                "flow_run_id, seq"));
        updateFlowRun = connection.prepareStatement(UPDATE_FLOW_RUN);
        appendTaskRun = connection.prepareStatement(APPEND_TASK_RUN);
        updateStandIn = connection.prepareStatement(UPDATE_STAND_IN);
        insertLog = connection.prepareStatement(insertIfAbsent(d, "log", LOG_COLUMNS, "flow_run_id, seq"));
        updateHeartbeat = connection.prepareStatement(UPDATE_HEARTBEAT);
    }

    Connection connection() {
        return connection;
    }

    /**
     * An insert of one row that does nothing when a row with the same key is there already: a
     * creation or state reported twice (a batch a client sent again after a server restart)
     * is recorded once, and the rest of its transaction is written. Another constraint (another
     * unique index) still refuses the row. Each database spells it its own way: SQLite and
     * PostgreSQL {@code ON CONFLICT (key) DO NOTHING}, H2 a {@code MERGE} that only inserts.
     */
    static String insertIfAbsent(Database.Dialect dialect, String table, String columns, String key) {
        String[] names = columns.split(",\\s*");
        String parameters = String.join(", ", java.util.Collections.nCopies(names.length, "?"));
        if (dialect != Database.Dialect.H2) {
            return "INSERT INTO " + table + " (" + columns + ") VALUES (" + parameters + ") ON CONFLICT (" + key
                    + ") DO NOTHING";
        }
        StringBuilder on = new StringBuilder();
        for (String k : key.split(",\\s*")) {
            if (!on.isEmpty()) on.append(" AND ");
            on.append("t.").append(k).append(" = s.").append(k);
        }
        StringBuilder values = new StringBuilder();
        for (String n : names) {
            if (!values.isEmpty()) values.append(", ");
            values.append("s.").append(n);
        }
        return "MERGE INTO " + table + " t USING (VALUES (" + parameters + ")) s(" + columns + ") ON " + on
                + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES (" + values + ")";
    }

    /**
     * The insert of a task run's row that, when the row is there already (created again: a batch
     * sent again), takes the new row's states if it has more of them: the run's history from its
     * first state is in both, and the one with more states has seen more of the run.
     */
    static String upsertTaskRun(Database.Dialect dialect) {
        String[] names = TASK_RUN_COLUMNS.split(",\\s*");
        String parameters = String.join(", ", java.util.Collections.nCopies(names.length, "?"));
        StringBuilder set = new StringBuilder();
        String source = dialect == Database.Dialect.H2 ? "s." : "excluded.";
        for (String c : TASK_RUN_STATE_COLUMNS) {
            if (!set.isEmpty()) set.append(", ");
            set.append(c).append(" = ").append(source).append(c);
        }
        if (dialect != Database.Dialect.H2) {
            return "INSERT INTO task_run (" + TASK_RUN_COLUMNS + ") VALUES (" + parameters + ") ON CONFLICT (id)"
                    + " DO UPDATE SET " + set + " WHERE task_run.state_count < excluded.state_count";
        }
        StringBuilder values = new StringBuilder();
        for (String n : names) {
            if (!values.isEmpty()) values.append(", ");
            values.append("s.").append(n);
        }
        return "MERGE INTO task_run t USING (VALUES (" + parameters + ")) s(" + TASK_RUN_COLUMNS + ") ON t.id = s.id"
                + " WHEN NOT MATCHED THEN INSERT (" + TASK_RUN_COLUMNS + ") VALUES (" + values + ")"
                + " WHEN MATCHED AND t.state_count < s.state_count THEN UPDATE SET " + set;
    }

    /** Writes {@code groups} in one transaction: committed when this returns, rolled back if it throws. */
    void write(Collection<Batch.Group> groups) throws SQLException {
        try {
            for (Batch.Group g : groups) add(g);
            // inserts before updates: an update may be for a row inserted by the same transaction
            execute(insertFlowRun, flowRuns);
            execute(insertTaskRun, taskRuns);
            execute(insertUpstream, upstream);
            execute(insertFlowRunState, flowRunStates);
            appendToTaskRuns();
            execute(updateFlowRun, flowRunUpdates);
            execute(updateStandIn, standIns);
            execute(insertLog, logs);
            execute(updateHeartbeat, heartbeats);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            clearBatches();
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            flowRuns = taskRuns = upstream = flowRunStates = flowRunUpdates = standIns = logs = heartbeats = 0;
            appends.clear();
            merges.clear();
            taskRunIds.clear();
            recorded.clear();
        }
    }

    private static void execute(PreparedStatement s, int rows) throws SQLException {
        if (rows > 0) s.executeBatch();
    }

    private void clearBatches() {
        for (PreparedStatement s : new PreparedStatement[] {insertFlowRun, insertTaskRun, insertUpstream,
                insertFlowRunState, updateFlowRun, appendTaskRun, updateStandIn, insertLog, updateHeartbeat}) {
            try {
                s.clearBatch();
            } catch (SQLException ignored) {
                // the connection is being dropped anyway
            }
        }
    }

    private void add(Batch.Group g) throws SQLException {
        if (g.inserted != null) addFlowRun(g.inserted);
        for (Batch.TaskRow t : g.taskInserts) addTaskRun(t);
        for (Batch.Edge e : g.edges) {
            PreparedStatement s = insertUpstream;
            db.setUuid(s, 1, g.flowRunId);
            db.setUuid(s, 2, e.taskRunId());
            s.setInt(3, e.ordinal());
            db.setUuid(s, 4, e.upstreamId());
            s.addBatch();
            upstream++;
        }
        for (Batch.StateRow r : g.flowStates) {
            int seq = r.relative() ? relativeSeq(g.flowRunId, r) : r.seq();
            if (seq < 0) continue;
            PreparedStatement s = insertFlowRunState;
            db.setUuid(s, 1, g.flowRunId);
            s.setInt(2, seq);
            bindState(s, 3, r);
            s.addBatch();
            flowRunStates++;
        }
        if (g.updated != null) {
            Batch.FlowRow r = g.updated;
            PreparedStatement s = updateFlowRun;
            s.setString(1, r.stateType);
            s.setString(2, r.stateName);
            Database.setLong(s, 3, r.startNs, r.hasStart);
            Database.setLong(s, 4, r.endNs, r.hasEnd);
            Database.setLong(s, 5, r.createdNs, r.createdFromClock);
            db.setUuid(s, 6, r.id);
            s.addBatch();
            flowRunUpdates++;
        }
        for (Batch.TaskRow t : g.taskUpdates) {
            if (t.states.isEmpty()) continue;
            if (t.relative()) {
                merges.add(t);
                continue;
            }
            PreparedStatement s = appendTaskRun;
            bindCurrentState(s, t);
            s.setString(5, history(t.states));
            s.setInt(6, t.lastSeq + 1);
            db.setUuid(s, 7, t.id);
            s.setInt(8, t.states.getFirst().seq());
            s.addBatch();
            appends.add(t);
        }
        if (g.heartbeatNs != 0) {
            db.setUuid(updateHeartbeat, 2, g.flowRunId);
            updateHeartbeat.setLong(1, g.heartbeatNs);
            updateHeartbeat.setLong(3, g.heartbeatNs);
            updateHeartbeat.addBatch();
            heartbeats++;
        }
        for (Batch.LogRow l : g.logs) {
            PreparedStatement s = insertLog;
            LogLine line = l.line();
            db.setUuid(s, 1, g.flowRunId);
            s.setLong(2, l.seq());
            db.setUuid(s, 3, line.taskRunId());
            s.setLong(4, HistoryQueries.nanos(line.timestamp()));
            s.setString(5, RecordedText.LOG_LEVEL.clean(line.level()));
            s.setString(6, RecordedText.LOGGER.clean(line.logger() == null ? "" : line.logger()));
            s.setString(7, RecordedText.LOG_MESSAGE.clean(line.message() == null ? "" : line.message()));
            s.addBatch();
            logs++;
        }
    }

    private void addFlowRun(Batch.FlowRow r) throws SQLException {
        PreparedStatement s = insertFlowRun;
        db.setUuid(s, 1, r.id);
        s.setString(2, RecordedText.FLOW_RUN_NAME.clean(r.name));
        s.setString(3, RecordedText.FLOW_NAME.clean(r.flowName));
        s.setString(4, RecordedText.PARAMETERS.clean(r.parameters));
        db.setUuid(s, 5, r.parentFlowRunId);
        db.setUuid(s, 6, r.parentTaskRunId);
        s.setString(7, r.stateType);
        s.setString(8, r.stateName);
        s.setLong(9, r.createdNs);
        Database.setLong(s, 10, r.startNs, r.hasStart);
        Database.setLong(s, 11, r.endNs, r.hasEnd);
        s.setString(12, r.tags);
        s.setString(13, RecordedText.PROCESS.clean(r.process));
        Database.setLong(s, 14, r.heartbeatNs, r.heartbeatNs != 0);
        s.addBatch();
        flowRuns++;
        if (r.parentTaskRunId != null) {
            db.setUuid(updateStandIn, 1, r.id);
            db.setUuid(updateStandIn, 2, r.parentTaskRunId);
            updateStandIn.addBatch();
            standIns++;
        }
    }

    private void addTaskRun(Batch.TaskRow r) throws SQLException {
        if (!taskRunIds.add(r.id)) return; // created twice in this write: the first row has its states
        PreparedStatement s = insertTaskRun;
        db.setUuid(s, 1, r.id);
        db.setUuid(s, 2, r.flowRunId);
        s.setInt(3, r.ordinal);
        s.setString(4, RecordedText.TASK_RUN_NAME.clean(r.name));
        s.setString(5, RecordedText.TASK_NAME.clean(r.taskName));
        s.setString(6, RecordedText.TASK_VERSION.clean(r.taskVersion));
        s.setString(7, r.tags);
        s.setString(8, r.stateType);
        s.setString(9, r.stateName);
        Database.setLong(s, 10, r.startNs, r.hasStart);
        Database.setLong(s, 11, r.endNs, r.hasEnd);
        db.setUuid(s, 12, r.subflowRunId);
        if (r.callPosition >= 0) s.setInt(13, r.callPosition);
        else s.setNull(13, java.sql.Types.INTEGER);
        s.setString(14, r.states.isEmpty() ? null : history(r.states));
        s.setInt(15, r.states.isEmpty() ? 0 : r.lastSeq + 1);
        s.addBatch();
        taskRuns++;
    }

    /** Binds a run's current state as parameters 1 to 4: type, name, start, end. */
    private static void bindCurrentState(PreparedStatement s, Batch.RunRow r) throws SQLException {
        s.setString(1, r.stateType);
        s.setString(2, RecordedText.STATE_NAME.clean(r.stateName));
        Database.setLong(s, 3, r.startNs, r.hasStart);
        Database.setLong(s, 4, r.endNs, r.hasEnd);
    }

    private static String history(java.util.List<Batch.StateRow> states) {
        StringBuilder b = new StringBuilder(32 * states.size());
        for (Batch.StateRow r : states) StateHistory.append(b, r.state(), r.resultRef());
        return b.toString();
    }

    /**
     * Appends this write's states of task runs created earlier: where a row does not hold exactly
     * the states before them (a batch sent again, or states reported of a run another store
     * instance created), they are merged with what it holds instead.
     */
    private void appendToTaskRuns() throws SQLException {
        if (!appends.isEmpty()) {
            int[] counts = appendTaskRun.executeBatch();
            for (int i = 0; i < counts.length; i++) if (counts[i] == 0) merges.add(appends.get(i));
        }
        if (merges.isEmpty()) return;
        try (PreparedStatement read = connection.prepareStatement(TASK_RUN_HISTORY);
             PreparedStatement rewrite = connection.prepareStatement(REWRITE_TASK_RUN)) {
            for (Batch.TaskRow t : merges) {
                db.setUuid(read, 1, t.id);
                String history;
                try (ResultSet r = read.executeQuery()) {
                    if (!r.next()) {
                        BatchWriter.LOG.warn("Run store: {} states reported for task run {} of flow run {}, which is"
                                + " not recorded: they were left out", t.states.size(), t.id, t.flowRunId);
                        continue;
                    }
                    history = r.getString(1);
                }
                java.util.HashSet<String> there = new java.util.HashSet<>();
                for (var s : StateHistory.records(history)) there.add(StateHistory.identity(s.type(), HistoryQueries.nanos(s.timestamp())));
                StringBuilder merged = new StringBuilder(history == null ? "" : history);
                int added = 0;
                Batch.StateRow last = null;
                for (Batch.StateRow row : t.states) {
                    if (!there.add(StateHistory.identity(row.state().type(), row.state().epochNanos()))) continue;
                    StateHistory.append(merged, row.state(), row.resultRef());
                    last = row;
                    added++;
                }
                if (added == 0) continue;
                Batch.TaskRow current = new Batch.TaskRow(t.id, t.flowRunId, false);
                current.apply(last.state(), 0);
                current.hasStart = t.hasStart;
                current.startNs = t.startNs;
                bindCurrentState(rewrite, current);
                rewrite.setString(5, merged.toString());
                rewrite.setInt(6, StateHistory.count(merged.toString()));
                db.setUuid(rewrite, 7, t.id);
                rewrite.addBatch();
            }
            rewrite.executeBatch();
        }
    }

    /**
     * The history index of a reported state of a flow run this store did not create: after the
     * states in the database, or -1 when the same state (type and time) is there already, reported
     * again (a batch resent to a restarted server).
     */
    private int relativeSeq(UUID flowRunId, Batch.StateRow row) throws SQLException {
        Recorded known = recorded.get(flowRunId);
        if (known == null) {
            known = new Recorded();
            try (PreparedStatement s = connection.prepareStatement(FLOW_RUN_STATES)) {
                db.setUuid(s, 1, flowRunId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        known.first = Math.max(known.first, r.getInt(1) + 1);
                        known.states.add(StateHistory.identity(dev.baton.StateType.valueOf(r.getString(2)), r.getLong(3)));
                    }
                }
            }
            recorded.put(flowRunId, known);
        }
        State state = row.state();
        if (known.states.contains(StateHistory.identity(state.type(), state.epochNanos()))) {
            known.skipped++;
            return -1;
        }
        return known.first + row.seq() - known.skipped;
    }

    private static void bindState(PreparedStatement s, int i, Batch.StateRow row) throws SQLException {
        State state = row.state();
        s.setString(i, state.type().name());
        s.setString(i + 1, RecordedText.STATE_NAME.clean(state.name()));
        s.setLong(i + 2, state.epochNanos());
        s.setString(i + 3, RecordedText.STATE_MESSAGE.clean(state.message().orElse(null)));
        Instant due = state.scheduledTime().orElse(null);
        Database.setLong(s, i + 4, due == null ? 0 : due.getEpochSecond() * 1_000_000_000L + due.getNano(), due != null);
        // a path too long for its column is left out rather than cut: a cut path points nowhere
        s.setString(i + 5, RecordedText.RESULT_REF.clean(row.resultRef()));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }
}
