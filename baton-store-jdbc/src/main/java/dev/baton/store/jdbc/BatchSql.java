package dev.baton.store.jdbc;

import dev.baton.State;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;

/**
 * The writer's statements on its connection: one JDBC batch per statement per transaction.
 * Strings longer than their column are cut (a state message at {@value #MAX_MESSAGE_CHARS}
 * characters) rather than failing the batch.
 */
final class BatchSql implements AutoCloseable {
    static final int MAX_MESSAGE_CHARS = 100_000;

    private static final String INSERT_FLOW_RUN = "INSERT INTO flow_run (id, name, flow_name, parameters,"
            + " parent_flow_run_id, parent_task_run_id, state_type, state_name, created_ns, start_ns, end_ns)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK_RUN = "INSERT INTO task_run (id, flow_run_id, ordinal, name, task_name,"
            + " task_version, tags, state_type, state_name, start_ns, end_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_UPSTREAM = "INSERT INTO task_run_upstream (flow_run_id, task_run_id, ordinal,"
            + " upstream_task_run_id) VALUES (?, ?, ?, ?)";
    private static final String INSERT_FLOW_RUN_STATE = "INSERT INTO flow_run_state (flow_run_id, seq, type, name,"
            + " timestamp_ns, message, scheduled_ns) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK_RUN_STATE = "INSERT INTO task_run_state (flow_run_id, task_run_id, seq,"
            + " type, name, timestamp_ns, message, scheduled_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    // the first RUNNING state stays the start: COALESCE keeps a start recorded by an earlier batch
    private static final String UPDATE_FLOW_RUN = "UPDATE flow_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ? WHERE id = ?";
    private static final String UPDATE_TASK_RUN = "UPDATE task_run SET state_type = ?, state_name = ?,"
            + " start_ns = COALESCE(start_ns, ?), end_ns = ? WHERE id = ?";

    private final Database db;
    private final Connection connection;
    private final PreparedStatement insertFlowRun, insertTaskRun, insertUpstream, insertFlowRunState,
            insertTaskRunState, updateFlowRun, updateTaskRun;
    private int flowRuns, taskRuns, upstream, flowRunStates, taskRunStates, flowRunUpdates, taskRunUpdates;

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
        }
    }

    private static void execute(PreparedStatement s, int rows) throws SQLException {
        if (rows > 0) s.executeBatch();
    }

    private void clearBatches() {
        for (PreparedStatement s : new PreparedStatement[] {insertFlowRun, insertTaskRun, insertUpstream,
                insertFlowRunState, insertTaskRunState, updateFlowRun, updateTaskRun}) {
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
            s.setInt(2, r.seq());
            bindState(s, 3, r.state());
            s.addBatch();
            flowRunStates++;
        }
        for (Batch.StateRow r : g.taskStates) {
            PreparedStatement s = insertTaskRunState;
            db.setUuid(s, 1, g.flowRunId);
            db.setUuid(s, 2, r.runId());
            s.setInt(3, r.seq());
            bindState(s, 4, r.state());
            s.addBatch();
            taskRunStates++;
        }
        if (g.updated != null) {
            bindUpdate(updateFlowRun, g.updated);
            flowRunUpdates++;
        }
        for (Batch.TaskRow t : g.taskUpdates) {
            bindUpdate(updateTaskRun, t);
            taskRunUpdates++;
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
        s.addBatch();
        flowRuns++;
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

    private static void bindState(PreparedStatement s, int i, State state) throws SQLException {
        s.setString(i, state.type().name());
        s.setString(i + 1, clip(state.name(), 64));
        s.setLong(i + 2, state.epochNanos());
        s.setString(i + 3, clip(state.message().orElse(null), MAX_MESSAGE_CHARS));
        Instant due = state.scheduledTime().orElse(null);
        Database.setLong(s, i + 4, due == null ? 0 : due.getEpochSecond() * 1_000_000_000L + due.getNano(), due != null);
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
