package dev.baton.store.jdbc;

import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.IdPrefix;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The reading side of {@link JdbcRunHistory}: flows by name with paging, flow runs by filter with
 * paging, one flow run in full, one task run, log lines. Every value from a caller is a bound
 * parameter; the SQL is made only of fixed fragments (how many {@code ?} a filter needs is the
 * one thing that varies).
 */
final class HistoryQueries {
    /**
     * A flow run as listed, with its current state (its last history row), how many task runs it
     * has, and {@code extra} (one more column of the flow run) as column 15.
     */
    private static String summary(String extra) {
        return "SELECT f.id, f.name, f.flow_name, f.parent_flow_run_id, f.created_ns,"
                + " f.start_ns, f.end_ns, s.type, s.name, s.timestamp_ns, s.message, s.scheduled_ns, s.result_ref,"
                + " (SELECT COUNT(*) FROM task_run t WHERE t.flow_run_id = f.id), f." + extra
                + " FROM flow_run f LEFT JOIN flow_run_state s ON s.flow_run_id = f.id"
                + " AND s.seq = (SELECT MAX(m.seq) FROM flow_run_state m WHERE m.flow_run_id = f.id)";
    }

    private static final String SUMMARY = summary("parameters");
    private static final String STATE_COLUMNS = "type, name, timestamp_ns, message, scheduled_ns, result_ref";
    private static final String TASK_RUN_COLUMNS = "SELECT id, flow_run_id, name, task_name, task_version, tags,"
            + " subflow_run_id, start_ns, end_ns, ordinal, history FROM task_run";
    private static final String LOG_COLUMNS = "SELECT flow_run_id, task_run_id, timestamp_ns, level, logger, message"
            + " FROM log";
    /** The character that escapes {@code %}, {@code _} and itself in LIKE patterns. */
    private static final char LIKE_ESCAPE = '!';

    private final Database db;

    HistoryQueries(Database db) {
        this.db = db;
    }

    // ----- flows -----

    /** At most this many flow names in one {@code IN (...)} list (old SQLite builds allow 999 parameters). */
    private static final int NAMES_PER_QUERY = 500;

    /** Flows by name in code-point order (the same on every database), one page of them. */
    Page<FlowSummary> flows(Connection c, int offset, int limit) throws SQLException {
        long total;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(DISTINCT flow_name) FROM flow_run");
             ResultSet r = s.executeQuery()) {
            r.next();
            total = r.getLong(1);
        }
        if (total <= offset) return new Page<>(List.of(), offset, total);
        return new Page<>(flowSummaries(c, " GROUP BY flow_name ORDER BY flow_name" + byCodePoint()
                + " LIMIT ? OFFSET ?", List.of(limit, offset)), offset, total);
    }

    Optional<FlowSummary> flow(Connection c, String name) throws SQLException {
        return flowSummaries(c, " WHERE flow_name = ? GROUP BY flow_name", List.of(name)).stream().findFirst();
    }

    /** PostgreSQL sorts text by the database's locale unless told otherwise; the others by code point. */
    private String byCodePoint() {
        return db.dialect() == Database.Dialect.POSTGRESQL ? " COLLATE \"C\"" : "";
    }

    /**
     * The flows {@code tail} (WHERE / GROUP BY / ORDER BY / LIMIT over flow_run, its values {@code args})
     * selects, in its order, each with its newest run's id and state.
     */
    private List<FlowSummary> flowSummaries(Connection c, String tail, List<Object> args) throws SQLException {
        record Counts(String name, long runs, long first, long last) {}
        List<Counts> counts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT flow_name, COUNT(*), MIN(created_ns), MAX(created_ns)"
                + " FROM flow_run" + tail)) {
            int i = 1;
            for (Object a : args) {
                if (a instanceof Integer n) s.setInt(i++, n);
                else s.setString(i++, (String) a);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) counts.add(new Counts(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
            }
        }
        Map<String, FlowRunSummary> newest = new HashMap<>();
        for (int from = 0; from < counts.size(); from += NAMES_PER_QUERY) {
            List<Counts> chunk = counts.subList(from, Math.min(counts.size(), from + NAMES_PER_QUERY));
            String in = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            // the newest run of each: latest creation, ties broken as the flow run list breaks them
            try (PreparedStatement s = c.prepareStatement(SUMMARY + " WHERE f.flow_name IN (" + in + ")"
                    + " AND f.created_ns = (SELECT MAX(g.created_ns) FROM flow_run g WHERE g.flow_name = f.flow_name)"
                    + " ORDER BY f.id DESC")) {
                for (int i = 0; i < chunk.size(); i++) s.setString(i + 1, chunk.get(i).name());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        FlowRunSummary run = summary(r);
                        newest.putIfAbsent(run.flowName(), run);
                    }
                }
            }
        }
        List<FlowSummary> flows = new ArrayList<>(counts.size());
        for (Counts f : counts) {
            FlowRunSummary last = newest.get(f.name());
            flows.add(new FlowSummary(f.name(), f.runs(), instant(f.first()), instant(f.last()),
                    last == null ? null : last.id(), last == null ? null : last.state()));
        }
        return flows;
    }

    // ----- flow runs -----

    Page<FlowRunSummary> flowRuns(Connection c, FlowRunFilter filter) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        long total;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM flow_run f" + where)) {
            bind(s, args, 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                total = r.getLong(1);
            }
        }
        List<FlowRunSummary> items = new ArrayList<>();
        if (total > filter.offset()) {
            try (PreparedStatement s = c.prepareStatement(SUMMARY + where
                    + " ORDER BY f.created_ns DESC, f.id DESC LIMIT ? OFFSET ?")) {
                int i = bind(s, args, 1);
                s.setInt(i, filter.limit());
                s.setInt(i + 1, filter.offset());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) items.add(summary(r));
                }
            }
        }
        return new Page<>(items, filter.offset(), total);
    }

    /**
     * The flow runs {@code reference} may mean, newest first: those named exactly it, and those
     * whose id starts with it when it is an id prefix (looked up as a range of the id index).
     */
    List<FlowRunSummary> flowRunsByReference(Connection c, String reference, int limit) throws SQLException {
        Optional<IdPrefix> prefix = IdPrefix.of(reference);
        List<FlowRunSummary> runs = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SUMMARY + " WHERE f.name = ?"
                + (prefix.isPresent() ? " OR f.id BETWEEN ? AND ?" : "")
                + " ORDER BY f.created_ns DESC, f.id DESC LIMIT ?")) {
            s.setString(1, reference);
            int i = 2;
            if (prefix.isPresent()) {
                db.setUuid(s, i++, prefix.get().low());
                db.setUuid(s, i++, prefix.get().high());
            }
            s.setInt(i, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    FlowRunSummary run = summary(r);
                    // a database that orders ids otherwise than bytewise may find more in the range: checked here
                    if (run.name().equals(reference) || prefix.isPresent() && prefix.get().matches(run.id())) {
                        runs.add(run);
                    }
                }
            }
        }
        return runs;
    }

    /** The WHERE clause of {@code filter} (or ""), its values appended to {@code args} in order. */
    private String where(FlowRunFilter filter, List<Object> args) {
        List<String> terms = new ArrayList<>();
        if (!filter.states().isEmpty()) {
            StringBuilder in = new StringBuilder("f.state_type IN (");
            int n = 0;
            for (StateType t : StateType.values()) { // a stable order
                if (!filter.states().contains(t)) continue;
                in.append(n++ == 0 ? "?" : ", ?");
                args.add(t.name());
            }
            terms.add(in.append(')').toString());
        }
        if (filter.name() != null && !filter.name().isEmpty()) {
            String pattern = "%" + likeEscaped(filter.name().toLowerCase(Locale.ROOT)) + "%";
            terms.add("(LOWER(f.name) LIKE ? ESCAPE '" + LIKE_ESCAPE + "' OR LOWER(f.flow_name) LIKE ? ESCAPE '"
                    + LIKE_ESCAPE + "')");
            args.add(pattern);
            args.add(pattern);
        }
        if (filter.createdAfter() != null) {
            terms.add("f.created_ns >= ?");
            args.add(nanos(filter.createdAfter()));
        }
        if (filter.createdBefore() != null) {
            terms.add("f.created_ns < ?");
            args.add(nanos(filter.createdBefore()));
        }
        for (String tag : filter.tags()) {
            // tags are a JSON array of strings: the tag's own JSON string, quotes included, is in it
            terms.add(db.dialect() == Database.Dialect.SQLITE ? "instr(f.tags, ?) > 0" : "POSITION(? IN f.tags) > 0");
            args.add(Json.quote(tag));
        }
        return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
    }

    private static String likeEscaped(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' || ch == '_' || ch == LIKE_ESCAPE) b.append(LIKE_ESCAPE);
            b.append(ch);
        }
        return b.toString();
    }

    private static int bind(PreparedStatement s, List<Object> args, int first) throws SQLException {
        int i = first;
        for (Object a : args) {
            if (a instanceof Long l) s.setLong(i++, l);
            else s.setString(i++, (String) a);
        }
        return i;
    }

    /** Columns as {@link #SUMMARY} selects them. */
    private FlowRunSummary summary(ResultSet r) throws SQLException {
        StateRecord state = r.getString(8) == null ? null : state(r, 8);
        return new FlowRunSummary(db.getUuid(r, 1), r.getString(2), r.getString(3), db.getUuid(r, 4), state,
                instant(r.getLong(5)), instant(Database.getLong(r, 6)), instant(Database.getLong(r, 7)),
                r.getLong(14));
    }

    Optional<FlowRunDetail> flowRun(Connection c, UUID id) throws SQLException {
        FlowRunSummary summary;
        String parameters;
        try (PreparedStatement s = c.prepareStatement(SUMMARY + " WHERE f.id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                summary = summary(r);
                parameters = r.getString(15);
            }
        }
        List<StateRecord> history = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + STATE_COLUMNS
                + " FROM flow_run_state WHERE flow_run_id = ? ORDER BY seq")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) history.add(state(r, 1));
            }
        }
        List<FlowRunSummary> subflows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(summary("parent_task_run_id")
                + " WHERE f.parent_flow_run_id = ? ORDER BY f.created_ns, f.id")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) subflows.add(summary(r));
            }
        }
        List<TaskRunDetail> taskRuns = taskRunPage(c, id, 0, FlowRunDetail.MAX_TASK_RUNS);
        return Optional.of(new FlowRunDetail(summary, parameters, history, taskRuns, subflows));
    }

    /**
     * One page of the task runs of a flow run in creation order, each with its history and
     * upstream; empty if there is no such flow run.
     */
    Optional<Page<TaskRunDetail>> taskRuns(Connection c, UUID flowRunId, int offset, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM flow_run WHERE id = ?")) {
            db.setUuid(s, 1, flowRunId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
            }
        }
        long total;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM task_run WHERE flow_run_id = ?")) {
            db.setUuid(s, 1, flowRunId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                total = r.getLong(1);
            }
        }
        List<TaskRunDetail> items = total > offset ? taskRunPage(c, flowRunId, offset, limit) : List.of();
        return Optional.of(new Page<>(items, offset, total));
    }

    /**
     * At most {@code limit} task runs of a flow run from position {@code offset} in creation order,
     * each with its history, upstream ids and the subflow run it stands for. Only the page's rows
     * are read: its task runs by (flow_run_id, ordinal), then the states, upstream edges and subflow
     * runs of the task runs whose ordinal lies in the page's range.
     */
    private List<TaskRunDetail> taskRunPage(Connection c, UUID flowRunId, int offset, int limit)
            throws SQLException {
        List<TaskRunDetail> bare = new ArrayList<>();
        int first = 0;
        int last = -1;
        try (PreparedStatement s = c.prepareStatement(TASK_RUN_COLUMNS
                + " WHERE flow_run_id = ? ORDER BY ordinal, id LIMIT ? OFFSET ?")) {
            db.setUuid(s, 1, flowRunId);
            s.setInt(2, limit);
            s.setInt(3, offset);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (bare.isEmpty()) first = r.getInt(10);
                    last = r.getInt(10);
                    bare.add(taskRun(r, StateHistory.records(r.getString(11)), List.of(), null));
                }
            }
        }
        if (bare.isEmpty()) return List.of();
        String inPage = " JOIN task_run t ON t.id = x.task_run_id"
                + " WHERE x.flow_run_id = ? AND t.flow_run_id = ? AND t.ordinal BETWEEN ? AND ?";
        Map<UUID, List<UUID>> upstream = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT x.task_run_id, x.upstream_task_run_id"
                + " FROM task_run_upstream x" + inPage + " ORDER BY x.task_run_id, x.ordinal")) {
            bindPageRange(s, flowRunId, first, last);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) upstream.computeIfAbsent(db.getUuid(r, 1), k -> new ArrayList<>(2)).add(db.getUuid(r, 2));
            }
        }
        Map<UUID, UUID> subflowByStandIn = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT x.parent_task_run_id, x.id FROM flow_run x"
                + " JOIN task_run t ON t.id = x.parent_task_run_id WHERE x.parent_flow_run_id = ?"
                + " AND t.flow_run_id = ? AND t.ordinal BETWEEN ? AND ?")) {
            bindPageRange(s, flowRunId, first, last);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) subflowByStandIn.put(db.getUuid(r, 1), db.getUuid(r, 2));
            }
        }
        List<TaskRunDetail> runs = new ArrayList<>(bare.size());
        for (TaskRunDetail t : bare) {
            runs.add(new TaskRunDetail(t.id(), t.flowRunId(), t.name(), t.taskName(), t.taskVersion(), t.tags(),
                    upstream.getOrDefault(t.id(), List.of()),
                    t.subflowRunId() != null ? t.subflowRunId() : subflowByStandIn.get(t.id()), t.start(), t.end(),
                    t.history()));
        }
        return runs;
    }

    private void bindPageRange(PreparedStatement s, UUID flowRunId, int first, int last) throws SQLException {
        db.setUuid(s, 1, flowRunId);
        db.setUuid(s, 2, flowRunId);
        s.setInt(3, first);
        s.setInt(4, last);
    }

    Optional<TaskRunDetail> taskRun(Connection c, UUID id) throws SQLException {
        UUID flowRunId;
        List<StateRecord> history;
        try (PreparedStatement s = c.prepareStatement("SELECT flow_run_id, history FROM task_run WHERE id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                flowRunId = db.getUuid(r, 1);
                history = StateHistory.records(r.getString(2));
            }
        }
        List<UUID> upstream = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT upstream_task_run_id FROM task_run_upstream"
                + " WHERE flow_run_id = ? AND task_run_id = ? ORDER BY ordinal")) {
            db.setUuid(s, 1, flowRunId);
            db.setUuid(s, 2, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) upstream.add(db.getUuid(r, 1));
            }
        }
        try (PreparedStatement s = c.prepareStatement(TASK_RUN_COLUMNS + " WHERE id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return Optional.of(taskRun(r, history, upstream, null));
            }
        }
    }

    /** Columns as {@link #TASK_RUN_COLUMNS} selects them. */
    private TaskRunDetail taskRun(ResultSet r, List<StateRecord> history, List<UUID> upstream, UUID subflow)
            throws SQLException {
        UUID recordedSubflow = db.getUuid(r, 7);
        return new TaskRunDetail(db.getUuid(r, 1), db.getUuid(r, 2), r.getString(3), r.getString(4), r.getString(5),
                Json.readStrings(r.getString(6)), upstream, recordedSubflow != null ? recordedSubflow : subflow,
                instant(Database.getLong(r, 8)), instant(Database.getLong(r, 9)), history);
    }

    // ----- logs -----

    Page<LogLine> logs(Connection c, LogFilter filter) throws SQLException {
        String where;
        if (filter.flowRunId() != null) where = filter.taskRunId() != null
                ? " WHERE flow_run_id = ? AND task_run_id = ?" : " WHERE flow_run_id = ?";
        else where = " WHERE task_run_id = ?";
        long total;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM log" + where)) {
            bindLogFilter(s, filter);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                total = r.getLong(1);
            }
        }
        List<LogLine> lines = new ArrayList<>();
        if (total > filter.offset()) {
            try (PreparedStatement s = c.prepareStatement(LOG_COLUMNS + where
                    + " ORDER BY flow_run_id, seq LIMIT ? OFFSET ?")) {
                int i = bindLogFilter(s, filter);
                s.setInt(i, filter.limit());
                s.setInt(i + 1, filter.offset());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        lines.add(new LogLine(db.getUuid(r, 1), db.getUuid(r, 2), instant(r.getLong(3)), r.getString(4),
                                r.getString(5), r.getString(6)));
                    }
                }
            }
        }
        return new Page<>(lines, filter.offset(), total);
    }

    private int bindLogFilter(PreparedStatement s, LogFilter filter) throws SQLException {
        int i = 1;
        if (filter.flowRunId() != null) db.setUuid(s, i++, filter.flowRunId());
        if (filter.taskRunId() != null) db.setUuid(s, i++, filter.taskRunId());
        return i;
    }

    // ----- values -----

    /** The state in columns type, name, timestamp_ns, message, scheduled_ns, result_ref from {@code i}. */
    static StateRecord state(ResultSet r, int i) throws SQLException {
        return new StateRecord(StateType.valueOf(r.getString(i)), r.getString(i + 1), instant(r.getLong(i + 2)),
                r.getString(i + 3), instant(Database.getLong(r, i + 4)), r.getString(i + 5));
    }

    static Instant instant(Long nanos) {
        return nanos == null ? null : Instant.ofEpochSecond(0, nanos);
    }

    /** Nanoseconds since the epoch, saturated at the ends of {@code long} (about 1677 and 2262). */
    static long nanos(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
