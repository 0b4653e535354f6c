package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.StateType;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Baton run history, version 4: a task run's states move into its row ({@code task_run.history},
 * as {@link StateHistory} writes them, and {@code state_count}), and table {@code task_run_state}
 * goes. A task run is then one row to write instead of one plus one per state. In Java, not SQL:
 * the databases have no common way to fold rows into one text.
 */
final class V4__task_run_history extends BaseJavaMigration {
    /** The tables this migration drops. */
    static final List<String> DROPPED = List.of("task_run_state");
    private static final int ROWS_PER_BATCH = 1_000;
    /** A migration moving at least this many states says so, and says how far it got every this many. */
    private static final long PROGRESS_EVERY = 1_000_000;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE task_run ADD COLUMN history VARCHAR");
            s.execute("ALTER TABLE task_run ADD COLUMN state_count INTEGER DEFAULT 0 NOT NULL");
        }
        long total;
        try (Statement count = c.createStatement();
             ResultSet r = count.executeQuery("SELECT COUNT(*) FROM task_run_state")) {
            r.next();
            total = r.getLong(1);
        }
        if (total >= PROGRESS_EVERY) {
            BatchWriter.LOG.info("Run store: moving {} task-run states into their task runs' rows (schema version 4)",
                    total);
        }
        try (Statement read = c.createStatement()) {
            read.setFetchSize(10_000); // PostgreSQL: a cursor, not every row in memory at once
            try (ResultSet r = read.executeQuery("SELECT task_run_id, type, name, timestamp_ns, message, scheduled_ns,"
                     + " result_ref FROM task_run_state ORDER BY flow_run_id, task_run_id, seq");
                 PreparedStatement write = c.prepareStatement("UPDATE task_run SET history = ?, state_count = ?"
                         + " WHERE id = ?")) {
                copy(r, write, total);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE task_run_state");
        }
    }

    private static void copy(ResultSet r, PreparedStatement write, long total) throws SQLException {
        Object run = null;
        StringBuilder history = new StringBuilder();
        int states = 0, pending = 0;
        long read = 0;
        while (r.next()) {
            Object id = r.getObject(1);
            if (run != null && !same(run, id)) {
                pending += bind(write, run, history, states);
                if (pending >= ROWS_PER_BATCH) {
                    write.executeBatch();
                    pending = 0;
                }
                history.setLength(0);
                states = 0;
            }
            run = id;
            long scheduled = r.getLong(6);
            Instant due = r.wasNull() ? null : Instant.ofEpochSecond(0, scheduled);
            State state = State.of(StateType.valueOf(r.getString(2)), r.getString(3), r.getLong(4), r.getString(5), due);
            StateHistory.append(history, state, r.getString(7));
            states++;
            if (++read % PROGRESS_EVERY == 0) {
                BatchWriter.LOG.info("Run store: {} of {} task-run states moved", read, total);
            }
        }
        if (run != null) pending += bind(write, run, history, states);
        if (pending > 0) write.executeBatch();
    }

    private static boolean same(Object a, Object b) {
        return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : a.equals(b);
    }

    private static int bind(PreparedStatement write, Object run, StringBuilder history, int states) throws SQLException {
        write.setString(1, history.toString());
        write.setInt(2, states);
        write.setObject(3, run);
        write.addBatch();
        return 1;
    }
}
