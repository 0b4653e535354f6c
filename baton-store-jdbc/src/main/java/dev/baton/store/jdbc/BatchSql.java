package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.internal.history.LogLine;

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
 * Strings longer than their column are cut (a state message at {@value #MAX_MESSAGE_CHARS}
 * characters) rather than failing the batch.
 */
final class BatchSql implements AutoCloseable {
    static final int MAX_MESSAGE_CHARS = 100_000;

    private static final String INSERT_FLOW_RUN = "INSERT INTO flow_run (id, name, flow_name, parameters,"
            + " parent_flow_run_id, parent_task_run_id, state_type, state_name, created_ns, start_ns, end_ns, tags,"
            + " process, heartbeat_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK_RUN = "INSERT INTO task_run (id, flow_run_id, ordinal, name, task_name,"
            + " task_version, tags, state_type, state_name, start_ns, end_ns, subflow_run_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_UPSTREAM = "INSERT INTO task_run_upstream (flow_run_id, task_run_id, ordinal,"
            + " upstream_task_run_id) VALUES (?, ?, ?, ?)";
    private static final String INSERT_FLOW_RUN_STATE = "INSERT INTO flow_run_state (flow_run_id, seq, type, name,"
            + " timestamp_ns, message, scheduled_ns, result_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK_RUN_STATE = "INSERT INTO task_run_state (flow_run_id, task_run_id, seq,"
            + " type, name, timestamp_ns, message, scheduled_ns, result_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // the first RUNNING state stays the start: COALESCE keeps a start recorded by an earlier batch
    // created_ns: set when the row was written before the run's first state (see BatchBuilder)
    private static final String UPDATE_FLOW_RUN = "UPDATE flow_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ?, created_ns = COALESCE(?, created_ns) WHERE id = ?";
    private static final String INSERT_LOG = "INSERT INTO log (flow_run_id, seq, task_run_id, timestamp_ns, level,"
            + " logger, message) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_HEARTBEAT = "UPDATE flow_run SET heartbeat_ns = ? WHERE id = ?"
            + " AND (heartbeat_ns IS NULL OR heartbeat_ns < ?)";
    private static final String LAST_FLOW_RUN_STATE = "SELECT MAX(seq) FROM flow_run_state WHERE flow_run_id = ?";
    private static final String LAST_TASK_RUN_STATE = "SELECT MAX(seq) FROM task_run_state WHERE flow_run_id = ?"
            + " AND task_run_id = ?";
    // a subflow's stand-in task run points at the flow run it stands for
    private static final String UPDATE_STAND_IN = "UPDATE task_run SET subflow_run_id = ? WHERE id = ?";
    private static final String UPDATE_TASK_RUN = "UPDATE task_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ? WHERE id = ?";

    private final Database db;
    private final Connection connection;
    private final PreparedStatement insertFlowRun, insertTaskRun, insertUpstream, insertFlowRunState,
            insertTaskRunState, updateFlowRun, updateTaskRun, updateStandIn, insertLog,
            updateHeartbeat;
    private int flowRuns, taskRuns, upstream, flowRunStates, taskRunStates, flowRunUpdates, taskRunUpdates,
            standIns, logs, heartbeats;
    /** For this write: where the states of reported runs created elsewhere go on from, by run id. */
    private final HashMap<UUID, Integer> firstSeq = new HashMap<>();

    BatchSql(Database db, Connection connection) throws SQLException {
        this.db = db;
        this.connection = connection;
        insertFlowRun = connection.prepareStatement(INSERT_FLOW_RUN);
        insertTaskRun = connection.prepareStatement(INSERT_TASK_RUN);
        insertUpstream = connection.prepareStatement(INSERT_UPSTREAM);
        insertFlowRunState = connection.prepareStatement(INSERT_FLOW_RUN_STATE);
        insertTaskRunState = connection.prepareStatement(INSERT_TASK_RUN_STATE);
        updateFlowRun = connection.prepareStatement(UPDATE_FLOW_RUN);
        updateTaskRun = connection.prepareStatement(UPDATE_TASK_RUN);
        updateStandIn = connection.prepareStatement(UPDATE_STAND_IN);
        insertLog = connection.prepareStatement(INSERT_LOG);
        updateHeartbeat = connection.prepareStatement(UPDATE_HEARTBEAT);
    }

    Connection connection() {
        return connection;
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
            execute(insertTaskRunState, taskRunStates);
            execute(updateFlowRun, flowRunUpdates);
            execute(updateTaskRun, taskRunUpdates);
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
            flowRuns = taskRuns = upstream = flowRunStates = taskRunStates = flowRunUpdates = taskRunUpdates = 0;
            standIns = logs = heartbeats = 0;
            firstSeq.clear();
        }
    }

    private static void execute(PreparedStatement s, int rows) throws SQLException {
        if (rows > 0) s.executeBatch();
    }

    private void clearBatches() {
        for (PreparedStatement s : new PreparedStatement[] {insertFlowRun, insertTaskRun, insertUpstream,
                insertFlowRunState, insertTaskRunState, updateFlowRun, updateTaskRun, updateStandIn, insertLog, updateHeartbeat}) {
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
            PreparedStatement s = insertFlowRunState;
            db.setUuid(s, 1, g.flowRunId);
            s.setInt(2, r.relative() ? firstSeq(g.flowRunId, null) + r.seq() : r.seq());
            bindState(s, 3, r);
            s.addBatch();
            flowRunStates++;
        }
        for (Batch.StateRow r : g.taskStates) {
            PreparedStatement s = insertTaskRunState;
            db.setUuid(s, 1, g.flowRunId);
            db.setUuid(s, 2, r.runId());
            s.setInt(3, r.relative() ? firstSeq(g.flowRunId, r.runId()) + r.seq() : r.seq());
            bindState(s, 4, r);
            s.addBatch();
            taskRunStates++;
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
            bindUpdate(updateTaskRun, t);
            taskRunUpdates++;
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
            s.setString(5, clip(line.level(), 8));
            s.setString(6, clip(line.logger() == null ? "" : line.logger(), 200));
            s.setString(7, clip(line.message() == null ? "" : line.message(), MAX_MESSAGE_CHARS));
            s.addBatch();
            logs++;
        }
    }

    private void addFlowRun(Batch.FlowRow r) throws SQLException {
        PreparedStatement s = insertFlowRun;
        db.setUuid(s, 1, r.id);
        s.setString(2, clip(r.name, 200));
        s.setString(3, clip(r.flowName, 500));
        s.setString(4, r.parameters);
        db.setUuid(s, 5, r.parentFlowRunId);
        db.setUuid(s, 6, r.parentTaskRunId);
        s.setString(7, r.stateType);
        s.setString(8, r.stateName);
        s.setLong(9, r.createdNs);
        Database.setLong(s, 10, r.startNs, r.hasStart);
        Database.setLong(s, 11, r.endNs, r.hasEnd);
        s.setString(12, r.tags);
        s.setString(13, clip(r.process, 200));
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
        PreparedStatement s = insertTaskRun;
        db.setUuid(s, 1, r.id);
        db.setUuid(s, 2, r.flowRunId);
        s.setInt(3, r.ordinal);
        s.setString(4, clip(r.name, 600));
        s.setString(5, clip(r.taskName, 500));
        s.setString(6, clip(r.taskVersion, 200));
        s.setString(7, r.tags);
        s.setString(8, r.stateType);
        s.setString(9, r.stateName);
        Database.setLong(s, 10, r.startNs, r.hasStart);
        Database.setLong(s, 11, r.endNs, r.hasEnd);
        db.setUuid(s, 12, r.subflowRunId);
        s.addBatch();
        taskRuns++;
    }

    private void bindUpdate(PreparedStatement s, Batch.RunRow r) throws SQLException {
        s.setString(1, r.stateType);
        s.setString(2, r.stateName);
        Database.setLong(s, 3, r.startNs, r.hasStart);
        Database.setLong(s, 4, r.endNs, r.hasEnd);
        db.setUuid(s, 5, r.id);
        s.addBatch();
    }

    /**
     * The history index after the last one in the database of a flow run (task run null) or task
     * run: where the reported states of a run this store did not create go on from.
     */
    private int firstSeq(UUID flowRunId, UUID taskRunId) throws SQLException {
        UUID key = taskRunId != null ? taskRunId : flowRunId;
        Integer known = firstSeq.get(key);
        if (known != null) return known;
        try (PreparedStatement s = connection.prepareStatement(taskRunId == null ? LAST_FLOW_RUN_STATE
                : LAST_TASK_RUN_STATE)) {
            db.setUuid(s, 1, flowRunId);
            if (taskRunId != null) db.setUuid(s, 2, taskRunId);
            try (ResultSet r = s.executeQuery()) {
                int first = r.next() ? r.getInt(1) + (r.wasNull() ? 0 : 1) : 0;
                firstSeq.put(key, first);
                return first;
            }
        }
    }

    private static void bindState(PreparedStatement s, int i, Batch.StateRow row) throws SQLException {
        State state = row.state();
        s.setString(i, state.type().name());
        s.setString(i + 1, clip(state.name(), 64));
        s.setLong(i + 2, state.epochNanos());
        s.setString(i + 3, clip(state.message().orElse(null), MAX_MESSAGE_CHARS));
        Instant due = state.scheduledTime().orElse(null);
        Database.setLong(s, i + 4, due == null ? 0 : due.getEpochSecond() * 1_000_000_000L + due.getNano(), due != null);
        // a path too long for its column is left out rather than cut: a cut path points nowhere
        String ref = row.resultRef();
        s.setString(i + 5, ref != null && ref.length() <= 1000 ? ref : null);
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
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
