package dev.baton.store.jdbc;

import dev.baton.Clock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The changes {@link JdbcRunHistory} makes to recorded flow runs from outside their process:
 * cancelling one (it goes CANCELLING; its process reads that with its heartbeat and stops it;
 * a deployment's scheduled run no process has claimed goes CANCELLED at once, as in Prefect)
 * and deleting one with everything recorded about it. Each is one transaction.
 */
final class FlowRunAdministration {
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED");
    /** A conditional update that lost a race with the run's process is tried again this many times. */
    private static final int TRIES = 5;

    private final Database db;

    FlowRunAdministration(Database db) {
        this.db = db;
    }

    /** The outcome of a cancellation: false when there is no such flow run. */
    enum Cancelled { NO_SUCH_RUN, REQUESTED, ALREADY_CANCELLING }

    /**
     * Marks flow run {@code id} CANCELLING (its row and its state history), unless it is already;
     * the update holds only if the run is still in the state read, so a state its process writes
     * meanwhile is never overwritten. A scheduled run no one has claimed has no process to end it:
     * it goes CANCELLED, unless a runner claims it first (then CANCELLING, for that runner to end).
     *
     * @throws IllegalStateException if the flow run has finished
     */
    Cancelled cancel(Connection c, UUID id) throws SQLException {
        for (int attempt = 0; attempt < TRIES; attempt++) {
            Row row = row(c, id);
            if (row == null) return Cancelled.NO_SUCH_RUN;
            if ("CANCELLING".equals(row.stateType)) return Cancelled.ALREADY_CANCELLING;
            if (row.stateType != null && FINAL.contains(row.stateType)) {
                c.rollback();
                throw new IllegalStateException("Flow run '" + row.name + "' (" + id + ") has already finished: it is "
                        + row.stateName + ", and only a flow run that has not finished can be cancelled");
            }
            // the next transaction starts with its write: SQLite then never has to upgrade a stale read
            c.rollback();
            long now = Clock.system().epochNanos();
            String type = row.unclaimed ? "CANCELLED" : "CANCELLING", name = row.unclaimed ? "Cancelled" : "Cancelling";
            try (PreparedStatement s = c.prepareStatement("UPDATE flow_run SET state_type = ?, state_name = ?,"
                    + " end_ns = COALESCE(?, end_ns) WHERE id = ? AND "
                    + (row.stateType == null ? "state_type IS NULL" : "state_type = ?")
                    + (row.unclaimed ? " AND process IS NULL" : ""))) {
                s.setString(1, type);
                s.setString(2, name);
                Database.setLong(s, 3, now, row.unclaimed);
                db.setUuid(s, 4, id);
                if (row.stateType != null) s.setString(5, row.stateType);
                if (s.executeUpdate() == 0) {
                    c.rollback(); // its process moved it on meanwhile (or a runner claimed it): read it again
                    continue;
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO flow_run_state (flow_run_id, seq, type, name,"
                    + " timestamp_ns, message) VALUES (?, (SELECT COALESCE(MAX(m.seq), -1) + 1 FROM flow_run_state m"
                    + " WHERE m.flow_run_id = ?), ?, ?, ?, ?)")) {
                db.setUuid(s, 1, id);
                db.setUuid(s, 2, id);
                s.setString(3, type);
                s.setString(4, name);
                s.setLong(5, now);
                s.setString(6, row.unclaimed ? "Cancelled before any runner or worker started it" : null);
                s.executeUpdate();
            }
            c.commit();
            return Cancelled.REQUESTED;
        }
        throw new IllegalStateException("Flow run " + id + " kept changing state while being cancelled; try again");
    }

    /**
     * Deletes flow run {@code id}, its subflow runs, and every row about them; false if there is
     * no such flow run.
     *
     * @throws IllegalStateException if the flow run has not finished
     */
    boolean delete(Connection c, UUID id) throws SQLException {
        Row row = row(c, id);
        if (row == null) return false;
        if (row.stateType == null || !FINAL.contains(row.stateType)) {
            c.rollback();
            throw new IllegalStateException("Flow run '" + row.name + "' (" + id + ") has not finished: it is "
                    + (row.stateName == null ? "not started" : row.stateName) + ". Cancel it first (baton flow-run"
                    + " cancel " + id + "), then delete it");
        }
        List<UUID> runs = withSubflowRuns(c, id);
        for (String table : List.of("log", "task_run_upstream", "task_run", "flow_run_state",
                "concurrency_slot")) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE flow_run_id = ?")) {
                for (UUID run : runs) {
                    db.setUuid(s, 1, run);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM flow_run WHERE id = ?")) {
            for (UUID run : runs) {
                db.setUuid(s, 1, run);
                s.addBatch();
            }
            s.executeBatch();
        }
        c.commit();
        return true;
    }

    /** {@code id} and the ids of its subflow runs, theirs too, at any depth. */
    private List<UUID> withSubflowRuns(Connection c, UUID id) throws SQLException {
        List<UUID> all = new ArrayList<>();
        Deque<UUID> next = new ArrayDeque<>(List.of(id));
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM flow_run WHERE parent_flow_run_id = ?")) {
            while (!next.isEmpty()) {
                UUID run = next.poll();
                all.add(run);
                db.setUuid(s, 1, run);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) next.add(db.getUuid(r, 1));
                }
            }
        }
        return all;
    }

    private Row row(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT name, state_type, state_name, process, deployment_id"
                + " FROM flow_run WHERE id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return null;
                String stateType = r.getString(2);
                boolean unclaimed = "SCHEDULED".equals(stateType) && r.getString(4) == null && db.getUuid(r, 5) != null;
                return new Row(r.getString(1), stateType, r.getString(3), unclaimed);
            }
        }
    }

    /** @param unclaimed a deployment's scheduled run that no runner or worker has claimed */
    private record Row(String name, String stateType, String stateName, boolean unclaimed) {}
}
