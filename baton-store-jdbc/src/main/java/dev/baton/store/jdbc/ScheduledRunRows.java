package dev.baton.store.jdbc;

import dev.baton.StateType;
import dev.baton.spi.RecordedText;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.StateRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of scheduled runs, which are {@code flow_run} rows: a deployment's run in state
 * SCHEDULED whose process is NULL (no one has claimed it), with its due time in
 * {@code expected_start_ns} and its states in {@code flow_run_state}. Claiming one sets its
 * process and heartbeat, so a claimed run that goes SCHEDULED again (AwaitingRetry between flow
 * attempts) is never taken for an unclaimed one. Each method works inside the caller's
 * transaction ({@link JdbcDeployments} makes one per call) and commits nothing.
 *
 * <p>What keeps concurrent callers apart: on PostgreSQL and H2, the rows a caller is about to
 * change are read {@code FOR UPDATE}, those another caller holds skipped ({@code SKIP LOCKED});
 * on SQLite the caller's transaction began with a write ({@link #beginWrite}), which serialises
 * writers. Every update also repeats the condition it was chosen by.
 */
final class ScheduledRunRows {
    /** Not claimed: SCHEDULED, of a deployment, without a process. */
    static final String UNCLAIMED = "state_type = 'SCHEDULED' AND process IS NULL AND deployment_id IS NOT NULL";
    /** A deployment's runs that count against its concurrency limit: claimed and not finished. */
    private static final String ACTIVE = "process IS NOT NULL"
            + " AND state_type IN ('SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'CANCELLING')";
    private static final String RUN_COLUMNS = "id, name, deployment_id, flow_name, parameters, expected_start_ns,"
            + " idempotency_key";
    private static final String INSERT_COLUMNS = "id, name, flow_name, parameters, state_type, state_name,"
            + " created_ns, tags, deployment_id, expected_start_ns, idempotency_key";
    private static final String INSERT_STATE = "INSERT INTO flow_run_state (flow_run_id, seq, type, name,"
            + " timestamp_ns, message, scheduled_ns, result_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /** At most this many values in one {@code IN (...)} list (old SQLite builds allow 999 parameters). */
    private static final int IN_LIST = 500;
    /** The longest idempotency key (its column's width). */
    static final int MAX_KEY = 400;

    private final Database db;

    ScheduledRunRows(Database db) {
        this.db = db;
    }

    /**
     * On SQLite, makes the transaction a write transaction from its first statement: one that
     * read first and wrote later would fail at once with SQLITE_BUSY if another connection wrote
     * meanwhile, where a write waits (busy timeout) for the lock. Elsewhere nothing.
     */
    void beginWrite(Connection c) throws SQLException {
        if (db.dialect() != Database.Dialect.SQLITE) return;
        try (PreparedStatement s = c.prepareStatement("UPDATE deployment SET paused = paused WHERE 1 = 0")) {
            s.executeUpdate();
        }
    }

    /**
     * Locks rows read for changing them, skipping those another transaction holds (not on SQLite:
     * see {@link #beginWrite}).
     */
    String skipLocked() {
        return db.dialect() == Database.Dialect.SQLITE ? "" : " FOR UPDATE SKIP LOCKED";
    }

    /** Locks rows read for changing them, waiting for those another transaction holds. */
    String forUpdate() {
        return db.dialect() == Database.Dialect.SQLITE ? "" : " FOR UPDATE";
    }

    /** Keeps rows read from changing until the transaction ends (H2 has no shared row locks: exclusive there). */
    String forShare() {
        return switch (db.dialect()) {
            case POSTGRESQL -> " FOR SHARE";
            case H2 -> " FOR UPDATE";
            case SQLITE -> "";
        };
    }

    // ----- creating -----

    /**
     * Inserts the flow run rows of {@code runs} whose id and key are not taken (the others are left
     * out: the unique indexes decide, so concurrent callers never create one twice), each with its
     * deployment's tags ({@code tags}: JSON arrays by deployment, as Prefect's runs carry them), then
     * their states in one batch; answers how many were inserted. One statement of each kind for them all.
     */
    int insert(Connection c, List<ScheduledRun> runs, Map<UUID, String> tags) throws SQLException {
        List<ScheduledRun> inserted = new ArrayList<>(runs.size());
        try (PreparedStatement s = c.prepareStatement(insertIfAbsent())) {
            for (ScheduledRun run : runs) {
                StateRecord first = run.history().getFirst(), last = run.state();
                db.setUuid(s, 1, run.id());
                s.setString(2, RecordedText.FLOW_RUN_NAME.clean(run.name()));
                s.setString(3, RecordedText.FLOW_NAME.clean(run.flowName()));
                s.setString(4, run.parameters()); // read back to call the flow: never clipped
                s.setString(5, last.type().name());
                s.setString(6, RecordedText.STATE_NAME.clean(last.name()));
                s.setLong(7, HistoryQueries.nanos(first.timestamp()));
                String runTags = tags.get(run.deploymentId());
                s.setString(8, runTags == null ? "[]" : runTags);
                db.setUuid(s, 9, run.deploymentId());
                s.setLong(10, HistoryQueries.nanos(run.due()));
                if (run.idempotencyKey() == null) s.setNull(11, Types.VARCHAR);
                else s.setString(11, run.idempotencyKey());
                // one at a time: only a single statement's count says whether this row went in
                if (s.executeUpdate() != 0) inserted.add(run);
            }
        }
        if (inserted.isEmpty()) return 0;
        try (PreparedStatement s = c.prepareStatement(INSERT_STATE)) {
            for (ScheduledRun run : inserted) {
                List<StateRecord> history = run.history();
                for (int seq = 0; seq < history.size(); seq++) {
                    bindState(s, run.id(), seq, history.get(seq));
                    s.addBatch();
                }
            }
            s.executeBatch();
        }
        return inserted.size();
    }

    /**
     * An insert that does nothing when the run's id or key is taken: SQLite and PostgreSQL
     * {@code ON CONFLICT DO NOTHING} (any unique index), H2 a {@code MERGE} that only inserts (a NULL
     * key matches nothing, so ad-hoc runs always go in).
     */
    private String insertIfAbsent() {
        String marks = String.join(", ", Collections.nCopies(11, "?"));
        if (db.dialect() != Database.Dialect.H2) {
            return "INSERT INTO flow_run (" + INSERT_COLUMNS + ") VALUES (" + marks + ") ON CONFLICT DO NOTHING";
        }
        String values = "s." + INSERT_COLUMNS.replace(", ", ", s.");
        return "MERGE INTO flow_run t USING (VALUES (" + marks + ")) s(" + INSERT_COLUMNS + ") ON t.id = s.id"
                + " OR t.idempotency_key = s.idempotency_key WHEN NOT MATCHED THEN INSERT (" + INSERT_COLUMNS
                + ") VALUES (" + values + ")";
    }

    /** The unclaimed runs of deployment {@code deploymentId}, soonest first, at most {@code limit}. */
    List<ScheduledRun> unclaimed(Connection c, UUID deploymentId, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM flow_run WHERE deployment_id = ?"
                + " AND " + UNCLAIMED + " ORDER BY expected_start_ns, id LIMIT ?")) {
            db.setUuid(s, 1, deploymentId);
            s.setInt(2, limit);
            return withHistories(c, rows(s));
        }
    }

    /** Run {@code id} if it is not claimed. */
    Optional<ScheduledRun> unclaimedRun(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM flow_run WHERE id = ? AND "
                + UNCLAIMED)) {
            db.setUuid(s, 1, id);
            return withHistories(c, rows(s)).stream().findFirst();
        }
    }

    /** A scheduled run's row, before its states are read. */
    private record Row(UUID id, String name, UUID deploymentId, String flowName, String parameters, long dueNs,
                       String key) {
        ScheduledRun with(List<StateRecord> history) {
            return new ScheduledRun(id, name, deploymentId, flowName, parameters, Instant.ofEpochSecond(0, dueNs), key,
                    history);
        }
    }

    private List<Row> rows(PreparedStatement s) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(new Row(db.getUuid(r, 1), r.getString(2), db.getUuid(r, 3), r.getString(4), r.getString(5),
                        r.getLong(6), r.getString(7)));
            }
        }
        return rows;
    }

    private List<ScheduledRun> withHistories(Connection c, List<Row> rows) throws SQLException {
        Map<UUID, List<StateRecord>> histories = histories(c, rows.stream().map(Row::id).toList());
        List<ScheduledRun> runs = new ArrayList<>(rows.size());
        for (Row row : rows) runs.add(row.with(histories.getOrDefault(row.id(), List.of())));
        return runs;
    }

    /** The state histories of flow runs {@code ids}, oldest state first; a run without states is left out. */
    private Map<UUID, List<StateRecord>> histories(Connection c, List<UUID> ids) throws SQLException {
        Map<UUID, List<StateRecord>> histories = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IN_LIST) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
            try (PreparedStatement s = c.prepareStatement("SELECT flow_run_id, type, name, timestamp_ns, message,"
                    + " scheduled_ns, result_ref FROM flow_run_state WHERE flow_run_id IN (" + marks(chunk.size())
                    + ") ORDER BY flow_run_id, seq")) {
                for (int i = 0; i < chunk.size(); i++) db.setUuid(s, i + 1, chunk.get(i));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        histories.computeIfAbsent(db.getUuid(r, 1), k -> new ArrayList<>())
                                .add(HistoryQueries.state(r, 2));
                    }
                }
            }
        }
        return histories;
    }

    // ----- claiming -----

    /**
     * Claims for {@code process} at most {@code max} unclaimed runs of {@code deploymentIds} due at
     * {@code nowNs}, soonest first, within each deployment's concurrency limit ({@code limits}:
     * the limited deployments among them, locked by the caller so that their counts hold until
     * it commits). Answers the runs claimed, Pending last in each history.
     */
    List<ScheduledRun> claim(Connection c, List<UUID> deploymentIds, Map<UUID, Integer> limits, long nowNs, int max,
                             String process) throws SQLException {
        List<Row> due = new ArrayList<>();
        List<UUID> unlimited = deploymentIds.stream().filter(id -> !limits.containsKey(id)).toList();
        for (int from = 0; from < unlimited.size(); from += IN_LIST) {
            List<UUID> chunk = unlimited.subList(from, Math.min(unlimited.size(), from + IN_LIST));
            due.addAll(due(c, chunk, nowNs, max));
        }
        Map<UUID, Integer> active = active(c, List.copyOf(limits.keySet()));
        for (Map.Entry<UUID, Integer> limit : limits.entrySet()) {
            int room = limit.getValue() - active.getOrDefault(limit.getKey(), 0);
            if (room > 0) due.addAll(due(c, List.of(limit.getKey()), nowNs, Math.min(room, max)));
        }
        due.sort(Comparator.comparingLong(Row::dueNs).thenComparing(Row::id));
        if (due.size() > max) due = due.subList(0, max);
        if (due.isEmpty()) return List.of();

        List<Row> claimed = new ArrayList<>(due.size());
        try (PreparedStatement s = c.prepareStatement("UPDATE flow_run SET state_type = 'PENDING',"
                + " state_name = 'Pending', process = ?, heartbeat_ns = ? WHERE id = ? AND " + UNCLAIMED)) {
            for (Row row : due) {
                s.setString(1, RecordedText.PROCESS.clean(process));
                s.setLong(2, nowNs);
                db.setUuid(s, 3, row.id());
                s.addBatch();
            }
            int[] counts = s.executeBatch();
            for (int i = 0; i < counts.length; i++) if (counts[i] != 0) claimed.add(due.get(i));
        }
        Map<UUID, List<StateRecord>> histories = histories(c, claimed.stream().map(Row::id).toList());
        StateRecord pending = new StateRecord(StateType.PENDING, "Pending", Instant.ofEpochSecond(0, nowNs), null,
                null, null);
        List<ScheduledRun> runs = new ArrayList<>(claimed.size());
        try (PreparedStatement s = c.prepareStatement(INSERT_STATE)) {
            for (Row row : claimed) {
                List<StateRecord> history = new ArrayList<>(histories.getOrDefault(row.id(), List.of()));
                bindState(s, row.id(), history.size(), pending);
                s.addBatch();
                history.add(pending);
                runs.add(row.with(history));
            }
            s.executeBatch();
        }
        return runs;
    }

    /** The unclaimed runs of {@code deploymentIds} due at {@code nowNs}, soonest first, at most {@code limit}; locked. */
    private List<Row> due(Connection c, List<UUID> deploymentIds, long nowNs, int limit) throws SQLException {
        if (deploymentIds.isEmpty() || limit <= 0) return List.of();
        try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM flow_run"
                + " WHERE deployment_id IN (" + marks(deploymentIds.size()) + ") AND " + UNCLAIMED
                + " AND expected_start_ns <= ?"
                + " ORDER BY expected_start_ns, id LIMIT ?" + skipLocked())) {
            int i = 1;
            for (UUID id : deploymentIds) db.setUuid(s, i++, id);
            s.setLong(i++, nowNs);
            s.setInt(i, limit);
            return rows(s);
        }
    }

    /** How many runs of each of {@code deploymentIds} count against its concurrency limit (absent: none). */
    private Map<UUID, Integer> active(Connection c, List<UUID> deploymentIds) throws SQLException {
        Map<UUID, Integer> active = new HashMap<>();
        for (int from = 0; from < deploymentIds.size(); from += IN_LIST) {
            List<UUID> chunk = deploymentIds.subList(from, Math.min(deploymentIds.size(), from + IN_LIST));
            try (PreparedStatement s = c.prepareStatement("SELECT deployment_id, COUNT(*) FROM flow_run"
                    + " WHERE deployment_id IN (" + marks(chunk.size()) + ") AND " + ACTIVE
                    + " GROUP BY deployment_id")) {
                for (int i = 0; i < chunk.size(); i++) db.setUuid(s, i + 1, chunk.get(i));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) active.put(db.getUuid(r, 1), r.getInt(2));
                }
            }
        }
        return active;
    }

    // ----- late runs -----

    /**
     * Marks Late every unclaimed run still named Scheduled that was due before {@code dueBeforeNs}:
     * its row's state name, and a SCHEDULED state named Late at {@code nowNs} in its history.
     * Answers how many it marked.
     */
    int markLate(Connection c, long dueBeforeNs, long nowNs) throws SQLException {
        Map<UUID, Long> overdue = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, expected_start_ns FROM flow_run WHERE " + UNCLAIMED
                + " AND state_name = 'Scheduled' AND expected_start_ns < ?" + skipLocked())) {
            s.setLong(1, dueBeforeNs);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) overdue.put(db.getUuid(r, 1), r.getLong(2));
            }
        }
        if (overdue.isEmpty()) return 0;
        List<UUID> marked = new ArrayList<>(overdue.size());
        try (PreparedStatement s = c.prepareStatement("UPDATE flow_run SET state_name = 'Late' WHERE id = ? AND "
                + UNCLAIMED + " AND state_name = 'Scheduled'")) {
            List<UUID> ids = List.copyOf(overdue.keySet());
            for (UUID id : ids) {
                db.setUuid(s, 1, id);
                s.addBatch();
            }
            int[] counts = s.executeBatch();
            for (int i = 0; i < counts.length; i++) if (counts[i] != 0) marked.add(ids.get(i));
        }
        Map<UUID, List<StateRecord>> histories = histories(c, marked);
        try (PreparedStatement s = c.prepareStatement(INSERT_STATE)) {
            for (UUID id : marked) {
                Instant due = Instant.ofEpochSecond(0, overdue.get(id));
                StateRecord late = new StateRecord(StateType.SCHEDULED, "Late", Instant.ofEpochSecond(0, nowNs), null,
                        due, null);
                bindState(s, id, histories.getOrDefault(id, List.of()).size(), late);
                s.addBatch();
            }
            s.executeBatch();
        }
        return marked.size();
    }

    // ----- deleting -----

    /**
     * Deletes the unclaimed runs of deployment {@code deploymentId}, with their states: those its
     * schedules made ({@code scheduledOnly}), or all of them (ad-hoc runs too). Answers how many.
     */
    int deleteUnclaimed(Connection c, UUID deploymentId, boolean scheduledOnly) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        // locked first: a claimer that has not read them yet skips them, one that has makes this wait and re-read
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM flow_run WHERE deployment_id = ? AND " + UNCLAIMED
                + (scheduledOnly ? " AND idempotency_key IS NOT NULL" : "") + forUpdate())) {
            db.setUuid(s, 1, deploymentId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) ids.add(db.getUuid(r, 1));
            }
        }
        if (ids.isEmpty()) return 0;
        for (String sql : List.of("DELETE FROM flow_run_state WHERE flow_run_id = ?",
                "DELETE FROM flow_run WHERE id = ?")) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (UUID id : ids) {
                    db.setUuid(s, 1, id);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return ids.size();
    }

    // ----- values -----

    private void bindState(PreparedStatement s, UUID runId, int seq, StateRecord state) throws SQLException {
        db.setUuid(s, 1, runId);
        s.setInt(2, seq);
        s.setString(3, state.type().name());
        s.setString(4, RecordedText.STATE_NAME.clean(state.name()));
        s.setLong(5, HistoryQueries.nanos(state.timestamp()));
        s.setString(6, RecordedText.STATE_MESSAGE.clean(state.message()));
        Database.setLong(s, 7, state.scheduledTime() == null ? 0 : HistoryQueries.nanos(state.scheduledTime()),
                state.scheduledTime() != null);
        s.setString(8, RecordedText.RESULT_REF.clean(state.resultRef()));
    }

    static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** {@code ids} without repeats, in their order. */
    static List<UUID> distinct(Collection<UUID> ids) {
        return List.copyOf(new java.util.LinkedHashSet<>(ids));
    }
}
