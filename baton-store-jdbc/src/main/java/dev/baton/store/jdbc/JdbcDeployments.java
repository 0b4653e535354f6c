package dev.baton.store.jdbc;

import dev.baton.StateType;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Deployments and their scheduled runs in the run store's database (table {@code deployment};
 * the runs are flow runs, see {@link ScheduledRunRows}), shared by every process using it. Reached
 * through {@link JdbcRunStore#deployments()} and {@link JdbcRunHistory#deployments()}.
 *
 * <p>Each call is one transaction, tried again on a fresh connection after an error the database
 * calls passing (a deadlock, a busy SQLite file, a lost connection). Concurrent callers, in any
 * number of processes, never create a scheduled run twice (its key is unique) nor claim one twice
 * (a conditional update of rows read {@code FOR UPDATE SKIP LOCKED}, or under SQLite's write lock);
 * a deployment's concurrency limit holds because claimers of a limited deployment lock its row.
 * Every value from a caller reaches the database as a bound parameter.
 */
final class JdbcDeployments implements Deployments {
    private static final String COLUMNS = "id, name, flow_name, entrypoint, description, parameters, parameter_schema,"
            + " schedules, tags, work_pool, concurrency_limit, paused, created_ns, updated_ns";
    private static final int ATTEMPTS = 5;
    /** A put that lost a race to create the same deployment reads it again this many times. */
    private static final int PUT_TRIES = 3;
    private static final int MAX_ENTRYPOINT = 1000, MAX_WORK_POOL = 200;

    private final Database db;
    private final IdleConnections connections;
    private final Runnable beforeReading;
    private final ScheduledRunRows runs;

    /**
     * @param connections   the connections to work on (the owner closes them)
     * @param beforeReading writes what a store has queued, so that a read sees it (or does nothing)
     */
    JdbcDeployments(Database db, IdleConnections connections, Runnable beforeReading) {
        this.db = db;
        this.connections = connections;
        this.beforeReading = beforeReading;
        this.runs = new ScheduledRunRows(db);
    }

    // ----- deployments -----

    @Override
    public DeploymentRecord put(DeploymentRecord deployment) {
        Objects.requireNonNull(deployment, "deployment");
        checkLength("entrypoint", deployment.entrypoint(), MAX_ENTRYPOINT, deployment.name());
        checkLength("work pool", deployment.workPool(), MAX_WORK_POOL, deployment.name());
        checkSchema(deployment);
        String schedules = DeploymentJson.schedules(deployment.schedules());
        return transaction("put deployment '" + deployment.name() + "'", c -> {
            for (int attempt = 0; attempt < PUT_TRIES; attempt++) {
                runs.beginWrite(c);
                Stored old = read(c, "name = ?", deployment.name(), runs.forUpdate());
                if (old == null) {
                    checkIdIsFree(c, deployment);
                    if (!inserted(c, deployment, schedules)) {
                        c.rollback(); // created meanwhile by another process: update that one
                        continue;
                    }
                    c.commit();
                    return deployment;
                }
                DeploymentRecord d = deployment, stored = new DeploymentRecord(old.record.id(), d.name(), d.flowName(),
                        d.entrypoint(), d.description(), d.parameters(), d.parameterSchema(), d.schedules(), d.tags(),
                        d.workPool(), d.concurrencyLimit(), d.paused(), old.record.created(), d.updated());
                update(c, stored, schedules);
                // runs its old schedules made are not runs of its new ones; a paused deployment has none
                if (!old.schedules.equals(schedules) || stored.paused()) runs.deleteUnclaimed(c, stored.id(), true);
                c.commit();
                return stored;
            }
            throw new IllegalStateException("Deployment '" + deployment.name() + "' kept being created and deleted by"
                    + " others while it was put; try again");
        });
    }

    @Override
    public List<DeploymentRecord> list() {
        beforeReading.run();
        return transaction("read the deployments", c -> {
            List<DeploymentRecord> all = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM deployment");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) all.add(record(r).record);
            }
            // by name in code-point order, the same on every database whatever its collation
            all.sort(Comparator.comparing(DeploymentRecord::name));
            return List.copyOf(all);
        });
    }

    @Override
    public Optional<DeploymentRecord> get(String name) {
        Objects.requireNonNull(name, "name");
        beforeReading.run();
        return transaction("read deployment '" + name + "'",
                c -> Optional.ofNullable(read(c, "name = ?", name, "")).map(Stored::record));
    }

    @Override
    public Optional<DeploymentRecord> get(UUID id) {
        Objects.requireNonNull(id, "id");
        beforeReading.run();
        return transaction("read deployment " + id,
                c -> Optional.ofNullable(read(c, "id = ?", id, "")).map(Stored::record));
    }

    @Override
    public Optional<DeploymentRecord> setPaused(String name, boolean paused, Instant now) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(now, "now");
        return transaction((paused ? "pause" : "resume") + " deployment '" + name + "'", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE deployment SET paused = ?, updated_ns = ?"
                    + " WHERE name = ?")) {
                s.setBoolean(1, paused);
                s.setLong(2, HistoryQueries.nanos(now));
                s.setString(3, name);
                if (s.executeUpdate() == 0) return Optional.empty();
            }
            Stored stored = read(c, "name = ?", name, "");
            if (paused) runs.deleteUnclaimed(c, stored.record.id(), true);
            c.commit();
            return Optional.of(stored.record);
        });
    }

    @Override
    public boolean delete(String name) {
        Objects.requireNonNull(name, "name");
        return transaction("delete deployment '" + name + "'", c -> {
            runs.beginWrite(c);
            Stored stored = read(c, "name = ?", name, runs.forUpdate());
            if (stored == null) return false;
            runs.deleteUnclaimed(c, stored.record.id(), false);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM deployment WHERE id = ?")) {
                db.setUuid(s, 1, stored.record.id());
                s.executeUpdate();
            }
            c.commit();
            return true;
        });
    }

    // ----- scheduled runs -----

    /**
     * {@inheritDoc}
     *
     * <p>Here a run of a deployment that is not (or no longer) there is not created, nor a
     * scheduled one (with a key) of a paused deployment: a scheduler that read the deployment just
     * before it was deleted or paused elsewhere adds nothing to it.
     *
     * @throws IllegalArgumentException if a run's history does not end in a SCHEDULED state, or its key is too long
     */
    @Override
    public int addScheduledRuns(List<ScheduledRun> scheduled) {
        Objects.requireNonNull(scheduled, "runs");
        if (scheduled.isEmpty()) return 0;
        for (ScheduledRun r : scheduled) check(r);
        // in key order: two callers adding the same runs take the keys in the same order, never deadlocking
        List<ScheduledRun> ordered = new ArrayList<>(scheduled);
        ordered.sort(Comparator.comparing(ScheduledRun::idempotencyKey,
                Comparator.nullsLast(Comparator.naturalOrder())));
        List<UUID> deploymentIds = ScheduledRunRows.distinct(ordered.stream().map(ScheduledRun::deploymentId).toList());
        return transaction("add scheduled runs of " + deployments(deploymentIds), c -> {
            runs.beginWrite(c);
            // kept from being paused or deleted until this commits
            Map<UUID, Facts> facts = factsById(c, deploymentIds, runs.forShare());
            List<ScheduledRun> wanted = new ArrayList<>(ordered.size());
            Map<UUID, String> tags = new HashMap<>();
            for (ScheduledRun r : ordered) {
                Facts f = facts.get(r.deploymentId());
                if (f == null || (f.paused() && r.idempotencyKey() != null)) continue;
                wanted.add(r);
                tags.put(r.deploymentId(), f.tags());
            }
            int added = runs.insert(c, wanted, tags); // a key taken already: left out by its unique index
            c.commit();
            return added;
        });
    }

    @Override
    public List<ScheduledRun> scheduledRuns(UUID deploymentId, int limit) {
        Objects.requireNonNull(deploymentId, "deploymentId");
        if (limit < 0) throw new IllegalArgumentException("limit must be 0 or more, not " + limit);
        if (limit == 0) return List.of();
        beforeReading.run();
        return transaction("read the scheduled runs of deployment " + deploymentId,
                c -> List.copyOf(runs.unclaimed(c, deploymentId, limit)));
    }

    @Override
    public Optional<ScheduledRun> scheduledRun(UUID flowRunId) {
        Objects.requireNonNull(flowRunId, "flowRunId");
        beforeReading.run();
        return transaction("read scheduled run " + flowRunId, c -> runs.unclaimedRun(c, flowRunId));
    }

    @Override
    public List<ScheduledRun> claimDue(Collection<UUID> deploymentIds, Instant now, int max, String process) {
        Objects.requireNonNull(deploymentIds, "deploymentIds");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(process, "process");
        if (max < 0) throw new IllegalArgumentException("max must be 0 or more, not " + max);
        List<UUID> ids = ScheduledRunRows.distinct(deploymentIds);
        if (ids.isEmpty() || max == 0) return List.of();
        beforeReading.run(); // the runs this process finished count no more against the limits
        long nowNs = HistoryQueries.nanos(now);
        return transaction("claim the due runs of " + deployments(ids), c -> {
            runs.beginWrite(c);
            // the limited deployments' rows locked, in id order: their counts hold until this commits
            Map<UUID, Integer> limits = limits(c, ids);
            List<ScheduledRun> claimed = runs.claim(c, ids, limits, nowNs, max, process);
            c.commit();
            return List.copyOf(claimed);
        });
    }

    /**
     * Makes {@code process} the one running claimed flow run {@code id}: a worker claims a run for a
     * JVM it then starts, and that JVM is the one whose heartbeats and cancellations it is.
     */
    void takeOver(UUID id, String process) {
        transaction("take over flow run " + id + " in", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE flow_run SET process = ? WHERE id = ?"
                    + " AND (process IS NULL OR process <> ?)")) {
                s.setString(1, process);
                db.setUuid(s, 2, id);
                s.setString(3, process);
                s.executeUpdate();
            }
            c.commit();
            return null;
        });
    }

    @Override
    public int markLate(Instant dueBefore, Instant now) {
        Objects.requireNonNull(dueBefore, "dueBefore");
        Objects.requireNonNull(now, "now");
        return transaction("mark late scheduled runs", c -> {
            runs.beginWrite(c);
            int marked = runs.markLate(c, HistoryQueries.nanos(dueBefore), HistoryQueries.nanos(now));
            c.commit();
            return marked;
        });
    }

    // ----- rows -----

    /** A deployment as read, with its schedules as stored (to tell whether a put changes them). */
    private record Stored(DeploymentRecord record, String schedules) {}

    /** The deployment {@code where} (one {@code ?}, bound to {@code value}) selects, or null. */
    private Stored read(Connection c, String where, Object value, String lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM deployment WHERE " + where + lock)) {
            if (value instanceof UUID id) db.setUuid(s, 1, id);
            else s.setString(1, (String) value);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? record(r) : null;
            }
        }
    }

    /** Columns as {@link #COLUMNS} lists them. */
    private Stored record(ResultSet r) throws SQLException {
        String schedules = r.getString(8);
        int limit = r.getInt(11);
        Integer concurrencyLimit = r.wasNull() ? null : limit;
        String name = r.getString(2);
        DeploymentRecord d;
        try {
            d = new DeploymentRecord(db.getUuid(r, 1), name, r.getString(3), r.getString(4), r.getString(5),
                    r.getString(6), r.getString(7), DeploymentJson.schedules(schedules),
                    Json.readStrings(r.getString(9)), r.getString(10), concurrencyLimit, r.getBoolean(12),
                    HistoryQueries.instant(r.getLong(13)), HistoryQueries.instant(r.getLong(14)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Deployment '" + name + "' in " + db.describe() + " cannot be read ("
                    + e.getMessage() + "): put it again, or delete it", e);
        }
        return new Stored(d, schedules);
    }

    /** Inserts {@code d}; false if a deployment of that name was created meanwhile. */
    private boolean inserted(Connection c, DeploymentRecord d, String schedules) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(BatchSql.insertIfAbsent(db.dialect(), "deployment", COLUMNS,
                "name"))) {
            db.setUuid(s, 1, d.id());
            s.setString(2, d.name());
            bindValues(s, 3, d, schedules);
            s.setLong(13, HistoryQueries.nanos(d.created()));
            s.setLong(14, HistoryQueries.nanos(d.updated()));
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) throw e;
            return false; // H2's MERGE meeting a row another transaction inserted and has not committed
        }
    }

    private void update(Connection c, DeploymentRecord d, String schedules) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE deployment SET flow_name = ?, entrypoint = ?,"
                + " description = ?, parameters = ?, parameter_schema = ?, schedules = ?, tags = ?, work_pool = ?,"
                + " concurrency_limit = ?, paused = ?, updated_ns = ? WHERE id = ?")) {
            bindValues(s, 1, d, schedules);
            s.setLong(11, HistoryQueries.nanos(d.updated()));
            db.setUuid(s, 12, d.id());
            s.executeUpdate();
        }
    }

    /**
     * Binds, from parameter {@code i}: flow name, entrypoint, description, parameters, parameter schema,
     * schedules, tags, work pool, concurrency limit, paused.
     */
    private static void bindValues(PreparedStatement s, int i, DeploymentRecord d, String schedules)
            throws SQLException {
        s.setString(i, d.flowName());
        s.setString(i + 1, d.entrypoint());
        s.setString(i + 2, d.description());
        s.setString(i + 3, d.parameters());
        s.setString(i + 4, d.parameterSchema());
        s.setString(i + 5, schedules);
        s.setString(i + 6, Json.strings(new TreeSet<>(d.tags())));
        s.setString(i + 7, d.workPool());
        if (d.concurrencyLimit() == null) s.setNull(i + 8, Types.INTEGER);
        else s.setInt(i + 8, d.concurrencyLimit());
        s.setBoolean(i + 9, d.paused());
    }

    /** A new deployment's id must not be another deployment's. */
    private void checkIdIsFree(Connection c, DeploymentRecord d) throws SQLException {
        Stored other = read(c, "id = ?", d.id(), "");
        if (other != null) {
            c.rollback();
            throw new IllegalArgumentException("Deployment '" + d.name() + "' cannot have id " + d.id() + ": that is"
                    + " the id of deployment '" + other.record.name() + "'. Give it a new id (Ids.next()), or delete '"
                    + other.record.name() + "' first");
        }
    }

    /** Whether each of {@code ids} that exists is paused, its row locked with {@code lock}. */
    /** What adding a deployment's runs needs to know of it: whether it is paused, and its tags (a JSON array). */
    private record Facts(boolean paused, String tags) {}

    private Map<UUID, Facts> factsById(Connection c, List<UUID> ids, String lock) throws SQLException {
        Map<UUID, Facts> facts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, paused, tags FROM deployment WHERE id IN ("
                + ScheduledRunRows.marks(ids.size()) + ") ORDER BY id" + lock)) {
            for (int i = 0; i < ids.size(); i++) db.setUuid(s, i + 1, ids.get(i));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) facts.put(db.getUuid(r, 1), new Facts(r.getBoolean(2), r.getString(3)));
            }
        }
        return facts;
    }

    /** The concurrency limits of those of {@code ids} that have one, their rows locked (in id order). */
    private Map<UUID, Integer> limits(Connection c, List<UUID> ids) throws SQLException {
        Map<UUID, Integer> limits = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, concurrency_limit FROM deployment WHERE id IN ("
                + ScheduledRunRows.marks(ids.size()) + ") AND concurrency_limit IS NOT NULL ORDER BY id"
                + runs.forUpdate())) {
            for (int i = 0; i < ids.size(); i++) db.setUuid(s, i + 1, ids.get(i));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) limits.put(db.getUuid(r, 1), r.getInt(2));
            }
        }
        return limits;
    }

    // ----- checks and plumbing -----

    private static void check(ScheduledRun r) {
        Objects.requireNonNull(r, "a scheduled run");
        if (r.history().isEmpty() || r.state().type() != StateType.SCHEDULED) {
            throw new IllegalArgumentException("Scheduled run '" + r.name() + "' (" + r.id() + ") of flow '"
                    + r.flowName() + "' must have a history ending in a SCHEDULED state, such as Scheduled; it has "
                    + r.history());
        }
        if (r.idempotencyKey() != null && r.idempotencyKey().length() > ScheduledRunRows.MAX_KEY) {
            throw new IllegalArgumentException("The key of scheduled run '" + r.name() + "' is " + r.idempotencyKey()
                    .length() + " characters long; at most " + ScheduledRunRows.MAX_KEY + " are kept");
        }
    }

    /** A deployment's parameter schema, if it has one, is a JSON object: what every reader takes it as. */
    private static void checkSchema(DeploymentRecord d) {
        try {
            DeploymentJson.parameterSchema(d.parameterSchema());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The parameter schema of deployment '" + d.name() + "' is not a JSON"
                    + " object: " + e.getMessage(), e);
        }
    }

    private static void checkLength(String what, String value, int max, String deployment) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException("The " + what + " of deployment '" + deployment + "' is "
                    + value.length() + " characters long; at most " + max + " are kept");
        }
    }

    private static String deployments(List<UUID> ids) {
        return ids.size() == 1 ? "deployment " + ids.getFirst() : ids.size() + " deployments";
    }

    /**
     * Runs {@code work} as one transaction, again on a fresh connection after a passing failure;
     * {@code action} says what it does, for the message when it cannot.
     */
    private <T> T transaction(String action, IdleConnections.Work<T> work) {
        try {
            return connections.withRetries(ATTEMPTS, 10, work);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not " + action + " in " + db.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JdbcDeployments[" + db.describe() + "]";
    }
}
