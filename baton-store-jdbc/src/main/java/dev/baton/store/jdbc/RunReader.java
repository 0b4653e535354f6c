package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskRun;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Reads runs back from the database as read-only {@link FlowRun}s and {@link TaskRun}s. */
final class RunReader {
    private static final String FLOW_RUN_COLUMNS =
            "SELECT id, name, flow_name, parameters, parent_flow_run_id, parent_task_run_id, tags FROM flow_run";
    private static final String STATE_COLUMNS = "seq, type, name, timestamp_ns, message, scheduled_ns";

    private final Database db;

    RunReader(Database db) {
        this.db = db;
    }

    /** Every flow run, newest first. */
    List<FlowRun<?>> flowRuns() {
        try (Connection c = db.connect()) {
            Map<UUID, List<State>> histories = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT flow_run_id, " + STATE_COLUMNS
                    + " FROM flow_run_state ORDER BY flow_run_id, seq");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) histories.computeIfAbsent(db.getUuid(r, 1), k -> new ArrayList<>()).add(state(r, 2));
            }
            List<FlowRun<?>> runs = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(FLOW_RUN_COLUMNS + " ORDER BY created_ns DESC, id DESC");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) runs.add(flowRun(r, histories));
            }
            return Collections.unmodifiableList(runs);
        } catch (SQLException e) {
            throw failed("the flow runs", e);
        }
    }

    /** The flow run with this id, if recorded. */
    Optional<FlowRun<?>> flowRun(UUID id) {
        try (Connection c = db.connect()) {
            Map<UUID, List<State>> histories = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT flow_run_id, " + STATE_COLUMNS
                    + " FROM flow_run_state WHERE flow_run_id = ? ORDER BY seq")) {
                db.setUuid(s, 1, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) histories.computeIfAbsent(id, k -> new ArrayList<>()).add(state(r, 2));
                }
            }
            try (PreparedStatement s = c.prepareStatement(FLOW_RUN_COLUMNS + " WHERE id = ?")) {
                db.setUuid(s, 1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(flowRun(r, histories)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw failed("flow run " + id, e);
        }
    }

    private StoredFlowRun flowRun(ResultSet r, Map<UUID, List<State>> histories) throws SQLException {
        UUID id = db.getUuid(r, 1);
        return new StoredFlowRun(id, r.getString(2), r.getString(3), Json.readParameters(r.getString(4)),
                db.getUuid(r, 5), db.getUuid(r, 6), Json.readStrings(r.getString(7)),
                List.copyOf(histories.getOrDefault(id, List.of())), this::taskRuns);
    }

    /** The task runs of a flow run in the order they were created, with histories and upstream runs. */
    List<TaskRun> taskRuns(UUID flowRunId) {
        try (Connection c = db.connect()) {
            LinkedHashMap<UUID, StoredTaskRun> runs = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, name, task_name, task_version, tags, call_position,"
                    + " history FROM task_run WHERE flow_run_id = ? ORDER BY ordinal")) {
                db.setUuid(s, 1, flowRunId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        UUID id = db.getUuid(r, 1);
                        runs.put(id, taskRun(id, flowRunId, r, StateHistory.states(r.getString(7))));
                    }
                }
            }
            Map<UUID, List<UUID>> edges = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT task_run_id, upstream_task_run_id"
                    + " FROM task_run_upstream WHERE flow_run_id = ? ORDER BY task_run_id, ordinal")) {
                db.setUuid(s, 1, flowRunId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) edges.computeIfAbsent(db.getUuid(r, 1), k -> new ArrayList<>(2)).add(db.getUuid(r, 2));
                }
            }
            for (Map.Entry<UUID, List<UUID>> e : edges.entrySet()) {
                StoredTaskRun run = runs.get(e.getKey());
                if (run == null) continue;
                List<TaskRun> upstream = new ArrayList<>(e.getValue().size());
                for (UUID u : e.getValue()) {
                    StoredTaskRun up = runs.get(u);
                    upstream.add(up != null ? up : elsewhere(c, u));
                }
                run.upstream(upstream);
            }
            return List.copyOf(runs.values());
        } catch (SQLException e) {
            throw failed("the task runs of flow run " + flowRunId, e);
        }
    }

    /** An upstream task run of another flow run: read alone, its own upstream runs not followed. */
    private TaskRun elsewhere(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, task_name, task_version, tags, call_position,"
                + " history, flow_run_id FROM task_run WHERE id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return new StoredTaskRun(id, null, "<not recorded>", "<not recorded>", null, Set.of(), List.of(), -1);
                }
                return taskRun(id, db.getUuid(r, 8), r, StateHistory.states(r.getString(7)));
            }
        }
    }

    /** The task run in columns id, name, task_name, task_version, tags, call_position. */
    private static StoredTaskRun taskRun(UUID id, UUID flowRunId, ResultSet r, List<State> history) throws SQLException {
        Set<String> tags = Json.readStrings(r.getString(5));
        int position = r.getInt(6);
        if (r.wasNull()) position = -1; // recorded before call positions were
        return new StoredTaskRun(id, flowRunId, r.getString(2), r.getString(3), r.getString(4),
                tags.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(tags)),
                history == null ? List.of() : List.copyOf(history), position);
    }

    /** The state in columns seq, type, name, timestamp_ns, message, scheduled_ns from {@code i}. */
    private static State state(ResultSet r, int i) throws SQLException {
        StateType type = StateType.valueOf(r.getString(i + 1));
        Long scheduled = Database.getLong(r, i + 5);
        Instant due = scheduled == null ? null : Instant.ofEpochSecond(0, scheduled);
        return State.of(type, r.getString(i + 2), r.getLong(i + 3), r.getString(i + 4), due);
    }

    private RuntimeException failed(String what, SQLException e) {
        return new IllegalStateException("Could not read " + what + " from the run store at " + db.describe() + ": "
                + e.getMessage(), e);
    }
}
