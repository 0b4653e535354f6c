package dev.baton.store.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The schema, by Flyway migrations under {@code dev/baton/store/jdbc/sql-migrations} and the Java
 * ones in {@link #JAVA_MIGRATIONS}: versioned, applied on first use, the same on every supported database. Flyway's own table is
 * {@value #HISTORY_TABLE}, so the store can share a database or schema with other applications.
 *
 * <p>A database whose history already shows {@link #LATEST_VERSION} applied is left alone without
 * starting Flyway, which would add a quarter of a second to every flow process's start.
 */
final class Migrations {
    /**
     * Where the SQL migrations are: a directory whose name is not a Java package, so that on the
     * module path the module system does not hide them from Flyway.
     */
    static final String LOCATION = "classpath:dev/baton/store/jdbc/sql-migrations";
    static final String HISTORY_TABLE = "baton_schema_history";
    /** The highest migration version there is (a test checks it against the scripts). */
    static final int LATEST_VERSION = 5;
    /** Migrations SQL cannot say the same way on every database. */
    static final List<JavaMigration> JAVA_MIGRATIONS = List.of(new V4__task_run_history());

    private Migrations() {}

    /** Brings the schema up to date; returns how many migrations were applied (0 if it already was). */
    static int apply(Database db) {
        return isCurrent(db) ? 0 : applyWithFlyway(db);
    }

    /** Lets Flyway validate the history and apply what is missing; returns how many migrations it applied. */
    static int applyWithFlyway(Database db) {
        FluentConfiguration config = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(new Connections(db))
                .locations(LOCATION)
                .javaMigrations(JAVA_MIGRATIONS.toArray(JavaMigration[]::new))
                .table(HISTORY_TABLE)
                // a schema other applications already use (PostgreSQL's public one): start our history
                // there below version 1, so every migration still runs
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // a database already migrated by a newer Baton: leave its newer versions alone
                .ignoreMigrationPatterns("*:future");
        if (db.schema() != null) config.schemas(db.schema()).createSchemas(true);
        MigrateResult result = config.load().migrate();
        return result.migrationsExecuted;
    }

    /** True if every migration up to {@link #LATEST_VERSION} is recorded as applied, and none failed. */
    static boolean isCurrent(Database db) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT \"version\", \"success\" FROM \"" + HISTORY_TABLE + "\""
                     + " WHERE \"version\" IS NOT NULL")) {
            int highest = 0;
            while (r.next()) {
                if (!r.getBoolean(2)) return false;
                highest = Math.max(highest, Integer.parseInt(r.getString(1)));
            }
            return highest == LATEST_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false; // no history yet, or one Flyway should look at
        }
    }

    /** Flyway's connections, made like the store's own (same settings, same schema). */
    private record Connections(Database db) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            Connection c = db.connect();
            c.setAutoCommit(true); // Flyway decides about transactions itself
            return c;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override public PrintWriter getLogWriter() { return null; }

        @Override public void setLogWriter(PrintWriter out) { }

        @Override public void setLoginTimeout(int seconds) { }

        @Override public int getLoginTimeout() { return 0; }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override public boolean isWrapperFor(Class<?> type) { return false; }
    }
}
