package dev.baton.store.jdbc;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.util.Properties;
import java.util.UUID;

/**
 * Which database a JDBC URL names, how to connect to it, and the few things that differ between
 * the supported ones: how a UUID is bound and which errors are worth retrying. The SQL itself is
 * the same everywhere.
 */
final class Database {

    /** The supported databases. */
    enum Dialect {
        SQLITE, H2, POSTGRESQL
    }

    /**
     * The embedded database is SQLite, chosen over H2 (file mode) by measurement: a 1,000,000-task
     * flow with its full history (1M task runs, 3M states) written through this store's batched
     * writer, -Xmx1g, took 11-17 s with SQLite against 18-25 s with H2 2.5, peaked at 420-480 MiB
     * of heap against 1,000-1,035 MiB (H2 keeps its pages on the heap: at the limit), and left a
     * 550 MB file against 1.4 GB (benchmarks: PersistedBenchmark; {@code --url jdbc:h2:file:...}
     * for H2). SQLite also lets several processes write one file at once (WAL, busy timeout),
     * which an H2 file refuses without a server.
     */
    static String embeddedUrl(Path home) {
        return "jdbc:sqlite:" + embeddedFile(home).toAbsolutePath();
    }

    /** The embedded database's file under a Baton home. */
    static Path embeddedFile(Path home) {
        return home.resolve("baton.db");
    }

    private final String url;
    private final String schema;
    private final Dialect dialect;

    Database(String url, String schema) {
        this.url = url;
        this.schema = schema;
        this.dialect = dialectOf(url);
    }

    static Dialect dialectOf(String url) {
        if (url.startsWith("jdbc:sqlite:")) return Dialect.SQLITE;
        if (url.startsWith("jdbc:h2:")) return Dialect.H2;
        if (url.startsWith("jdbc:postgresql:")) return Dialect.POSTGRESQL;
        throw new IllegalArgumentException("Unsupported database URL '" + redacted(url) + "': Baton records runs in"
                + " PostgreSQL (jdbc:postgresql://HOST:PORT/DATABASE?user=...), SQLite (jdbc:sqlite:FILE) or H2"
                + " (jdbc:h2:file:FILE)");
    }

    String url() {
        return url;
    }

    /** The schema the tables live in, or null for the connection's default. */
    String schema() {
        return schema;
    }

    Dialect dialect() {
        return dialect;
    }

    /** The URL without a password, for messages. */
    String describe() {
        return redacted(url) + (schema == null ? "" : " (schema " + schema + ")");
    }

    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^/:@]+):[^/@]*@", "//$1:***@");
    }

    /** A new connection in manual-commit mode, with the settings the store relies on. */
    Connection connect() throws SQLException {
        Properties p = new Properties();
        switch (dialect) {
            case SQLITE -> {
                // WAL: readers never block the writer, and other processes may read and write the
                // file meanwhile; NORMAL sync: a commit survives the process dying (kill -9), the
                // journal is synced at checkpoints
                p.setProperty("journal_mode", "WAL");
                p.setProperty("synchronous", "NORMAL");
                p.setProperty("busy_timeout", "30000");
            }
            case POSTGRESQL -> {
                // one multi-row INSERT per batch instead of one round trip per row
                if (!url.contains("reWriteBatchedInserts")) p.setProperty("reWriteBatchedInserts", "true");
                if (!url.contains("ApplicationName")) p.setProperty("ApplicationName", "baton");
            }
            case H2 -> { }
        }
        Connection c = DriverManager.getConnection(url, p);
        try {
            if (schema != null) c.setSchema(schema);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    // ----- values -----

    void setUuid(PreparedStatement s, int i, UUID id) throws SQLException {
        if (id == null) {
            s.setNull(i, dialect == Dialect.SQLITE ? Types.BLOB : Types.OTHER);
        } else if (dialect == Dialect.SQLITE) {
            // 16 bytes rather than 36 characters; compared bytewise they sort by time (version 7)
            s.setBytes(i, ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                    .putLong(id.getLeastSignificantBits()).array());
        } else {
            s.setObject(i, id);
        }
    }

    UUID getUuid(ResultSet r, int i) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            byte[] b = r.getBytes(i);
            if (b == null) return null;
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new UUID(buf.getLong(), buf.getLong());
        }
        return r.getObject(i, UUID.class);
    }

    static void setLong(PreparedStatement s, int i, long value, boolean present) throws SQLException {
        if (present) s.setLong(i, value);
        else s.setNull(i, Types.BIGINT);
    }

    static Long getLong(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    // ----- errors -----

    /**
     * True for errors that may go away when the same transaction is tried again: a lost or refused
     * connection, a deadlock or serialization failure, a lock or busy timeout, a full disk or
     * exhausted resources on the server.
     */
    boolean isTransient(SQLException error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) return true;
            if (t instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57P") || state.equals("HYT00"))) {
                    return true;
                }
                // SQLite: BUSY, LOCKED (another connection holds the file), IOERR, FULL; H2: lock timeout,
                // database in use, deadlock
                int code = e.getErrorCode();
                if (dialect == Dialect.SQLITE && ((code & 0xFF) == 5 || (code & 0xFF) == 6 || (code & 0xFF) == 10
                        || (code & 0xFF) == 13)) {
                    return true;
                }
                if (dialect == Dialect.H2 && (code == 50200 || code == 90020 || code == 40001)) return true;
            }
            if (t instanceof java.io.IOException) return true;
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException e && e.getNextException() != null && e.getNextException() != t) {
            return e.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
