package dev.baton.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Administers the schema of a Baton database ({@code ./baton server database upgrade|reset}):
 * which migration version it is at, bringing it up to date, and starting it over empty.
 *
 * <p>A reset drops exactly the tables Baton's migration scripts create (and Flyway's history
 * table of Baton), nothing else, so a database or schema shared with other applications keeps
 * their tables.
 */
public final class JdbcSchema {
    private static final String SCRIPTS = Migrations.LOCATION.substring("classpath:".length());
    private static final Pattern SCRIPT = Pattern.compile("V\\d+__\\w+\\.sql");
    private static final Pattern CREATE_TABLE =
            Pattern.compile("(?i)CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?(\\w+)\"?");

    private final Database db;

    private JdbcSchema(Database db) {
        this.db = db;
    }

    /**
     * The schema of the database at {@code jdbcUrl}, its tables in {@code schema} (null: the
     * connection's default). Nothing is connected yet.
     *
     * @throws IllegalArgumentException if the URL names an unsupported database or the schema is not a plain name
     */
    public static JdbcSchema of(String jdbcUrl, String schema) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        JdbcRunStore.Builder.checkSchema(schema);
        return new JdbcSchema(new Database(jdbcUrl, schema));
    }

    /** The highest migration version this Baton has. */
    public static int latestVersion() {
        return Migrations.LATEST_VERSION;
    }

    /** The database, as a URL without its password. */
    public String description() {
        return db.describe();
    }

    /**
     * The highest migration version applied to the database: 0 when it has no Baton schema yet.
     *
     * @throws IllegalStateException if the database cannot be reached
     */
    public int version() {
        try (Connection c = db.connect()) {
            String history = tableName(c, Migrations.HISTORY_TABLE);
            if (history == null) return 0;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT \"version\", \"success\" FROM \"" + history + "\" WHERE \"version\" IS NOT NULL")) {
                int highest = 0;
                while (r.next()) if (r.getBoolean(2)) highest = Math.max(highest, Integer.parseInt(r.getString(1)));
                return highest;
            }
        } catch (SQLException | NumberFormatException e) {
            throw failed("read the schema version of", e);
        }
    }

    /**
     * Applies the migrations the database does not have yet; returns how many.
     *
     * @throws IllegalStateException if the database cannot be reached or a migration fails
     */
    public int upgrade() {
        try {
            return Migrations.applyWithFlyway(db);
        } catch (RuntimeException e) {
            throw failed("upgrade the schema of", e);
        }
    }

    /**
     * Drops every table Baton's migrations create, with all recorded runs, logs and concurrency
     * limits in them, empties Baton's migration history, then creates the tables again, empty, at
     * the latest version. Returns the tables that were dropped.
     *
     * @throws IllegalStateException if the database cannot be reached or a statement fails
     */
    public List<String> reset() {
        List<String> dropped = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (String table : new LinkedHashSet<>(tablesOfScripts())) {
                String name = tableName(c, table);
                if (name == null) continue;
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE \"" + name + "\"");
                }
                dropped.add(table);
            }
            // Flyway's history emptied rather than dropped: without one, Flyway refuses a schema that
            // holds other applications' tables
            String history = tableName(c, Migrations.HISTORY_TABLE);
            if (history != null) {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM \"" + history + "\"");
                }
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw failed("drop the tables of", e);
        }
        upgrade();
        return dropped;
    }

    /** The tables Baton's schema has at its latest version: those the scripts create, less those a later migration drops. */
    static List<String> tables() throws IOException {
        List<String> tables = new ArrayList<>(new LinkedHashSet<>(tablesOfScripts()));
        tables.removeAll(V4__task_run_history.DROPPED);
        return tables;
    }

    /** The tables Baton's migration scripts create, in script order. */
    static List<String> tablesOfScripts() throws IOException {
        List<String> tables = new ArrayList<>();
        ClassLoader loader = JdbcSchema.class.getClassLoader();
        for (String script : scriptNames(loader)) {
            try (InputStream in = loader.getResourceAsStream(SCRIPTS + "/" + script)) {
                if (in == null) throw new IOException("migration script " + script + " is missing");
                Matcher m = CREATE_TABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) tables.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return tables;
    }

    /** The names of the migration scripts, sorted by version, from a directory or a jar. */
    private static List<String> scriptNames(ClassLoader loader) throws IOException {
        URL dir = loader.getResource(SCRIPTS);
        if (dir == null) throw new IOException("the migration scripts (" + SCRIPTS + ") are not on the class path");
        List<String> names = new ArrayList<>();
        if (dir.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) dir.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String entry = e.nextElement().getName();
                    if (entry.startsWith(SCRIPTS + "/")) names.add(entry.substring(SCRIPTS.length() + 1));
                }
            }
        } else {
            try (var files = Files.list(Path.of(dir.toURI()))) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return names.stream().filter(n -> SCRIPT.matcher(n).matches())
                .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))))
                .toList();
    }

    /**
     * The name of {@code table} as the database spells it (H2 upper-cases unquoted names) in the
     * store's schema, or null if there is no such table.
     */
    private String tableName(Connection c, String table) throws SQLException {
        // the configured schema, even when it does not exist yet (PostgreSQL's current schema is then null)
        String schema = db.schema() != null ? db.schema() : c.getSchema();
        try (ResultSet r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (r.next()) {
                String name = r.getString("TABLE_NAME");
                String in = r.getString("TABLE_SCHEM");
                boolean sameSchema = schema == null || in == null || in.equalsIgnoreCase(schema);
                if (sameSchema && name.equalsIgnoreCase(table)) return name;
            }
        }
        return null;
    }

    private IllegalStateException failed(String action, Exception e) {
        return new IllegalStateException("Could not " + action + " the database at " + db.describe() + ": "
                + JdbcRunStore.Builder.rootMessage(e) + JdbcRunStore.Builder.hint(db), e);
    }

    @Override
    public String toString() {
        return "JdbcSchema[" + db.describe() + "]";
    }
}
