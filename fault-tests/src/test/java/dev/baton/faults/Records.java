package dev.baton.faults;

import dev.baton.store.jdbc.fixtures.TestPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What a run database holds, counted on the tables the store writes: each number
 * a fault test compares with what its flow processes were told was recorded. The database holds
 * only the test's own runs.
 *
 * @param flowRuns        flow runs
 * @param completedRuns   flow runs whose current state is COMPLETED
 * @param flowStates      flow-run states
 * @param taskRuns        task runs
 * @param taskStates      task-run states
 * @param taskLines       log lines written by the tasks ({@code task N of M logs this line})
 * @param duplicated      states and log lines recorded more than once (the same run and type, the same line)
 * @param outOfOrder      states whose place in their run's history is not PENDING, RUNNING, COMPLETED
 * @param incomplete      task runs of a completed flow run without exactly those three states
 */
record Records(long flowRuns, long completedRuns, long flowStates, long taskRuns, long taskStates, long taskLines,
               long duplicated, long outOfOrder, long incomplete) {

    static Records count(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            // a task run's states are lines of its row's history, each starting with its type
            long taskStates = 0, duplicatedTaskStates = 0, taskOutOfOrder = 0, incomplete = 0;
            try (ResultSet r = s.executeQuery("SELECT t.history, f.state_type FROM task_run t"
                    + " LEFT JOIN flow_run f ON f.id = t.flow_run_id")) {
                while (r.next()) {
                    java.util.List<String> types = types(r.getString(1));
                    taskStates += types.size();
                    duplicatedTaskStates += types.size() - new java.util.HashSet<>(types).size();
                    for (int i = 0; i < types.size(); i++) {
                        if (i > 2 || !types.get(i).equals(List.of("PENDING", "RUNNING", "COMPLETED").get(i))) taskOutOfOrder++;
                    }
                    if ("COMPLETED".equals(r.getString(2)) && types.size() != 3) incomplete++;
                }
            }
            long duplicated = one(s, "SELECT count(*) FROM (SELECT flow_run_id, type FROM flow_run_state"
                    + " GROUP BY flow_run_id, type HAVING count(*) > 1) d")
                    + duplicatedTaskStates
                    + one(s, "SELECT count(*) FROM (SELECT flow_run_id, message FROM log WHERE message LIKE"
                    + " 'task % logs this line' GROUP BY flow_run_id, message HAVING count(*) > 1) d");
            long outOfOrder = taskOutOfOrder
                    + one(s, "SELECT count(*) FROM flow_run_state WHERE (seq = 0 AND type <> 'PENDING')"
                    + " OR (seq = 1 AND type <> 'RUNNING') OR (seq = 2 AND type <> 'COMPLETED') OR seq > 2");
            return new Records(one(s, "SELECT count(*) FROM flow_run"),
                    one(s, "SELECT count(*) FROM flow_run WHERE state_type = 'COMPLETED'"),
                    one(s, "SELECT count(*) FROM flow_run_state"),
                    one(s, "SELECT count(*) FROM task_run"),
                    taskStates,
                    one(s, "SELECT count(*) FROM log WHERE message LIKE 'task % logs this line'"),
                    duplicated, outOfOrder, incomplete);
        }
    }

    /** The state types of a task run's history, in order (the store keeps one state per line, its type first). */
    static List<String> types(String history) {
        if (history == null || history.isEmpty()) return List.of();
        return java.util.Arrays.stream(history.split("\n")).map(line -> line.substring(0, line.indexOf('\t'))).toList();
    }

    /** The one number {@code sql} selects from the database at {@code jdbcUrl}. */
    static long one(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            return one(s, sql);
        }
    }

    /**
     * Makes {@code schema} on the tests' PostgreSQL ({@link TestPostgres}) and answers the URL a
     * process records there with ({@code BATON_DATABASE_URL}) and the test counts there with.
     */
    static String postgresSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestPostgres.baseUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return TestPostgres.url(schema) + "&currentSchema=" + schema;
    }

    /** States of every kind, and log lines: the events a client sent for these records. */
    long events() {
        return flowRuns + flowStates + taskRuns + taskStates + taskLines;
    }

    private static long one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
