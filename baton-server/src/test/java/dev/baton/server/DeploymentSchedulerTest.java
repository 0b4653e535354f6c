package dev.baton.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.Schedule;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's scheduler over a real database: on a clock the test moves, it creates the runs of
 * work-pool deployments ahead (not those a process serves, nor a paused one's), once a minute,
 * sending only what came into range since its last pass, and marks Late the runs not claimed 15 s
 * after they were due; and real servers started at once on one database (SQLite, PostgreSQL)
 * create each run once.
 */
class DeploymentSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final TypeReference<List<ScheduledRun>> RUNS = new TypeReference<>() {};

    @TempDir
    Path home;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
    }

    /** A clock the test sets. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** The database's deployments, counting the runs sent to be created (to show what a pass sends). */
    static final class Counting implements Deployments {
        final Deployments d;
        final AtomicInteger sent = new AtomicInteger();

        Counting(Deployments d) {
            this.d = d;
        }

        @Override
        public DeploymentRecord put(DeploymentRecord deployment) {
            return d.put(deployment);
        }

        @Override
        public List<DeploymentRecord> list() {
            return d.list();
        }

        @Override
        public Optional<DeploymentRecord> get(String name) {
            return d.get(name);
        }

        @Override
        public Optional<DeploymentRecord> get(UUID id) {
            return d.get(id);
        }

        @Override
        public Optional<DeploymentRecord> setPaused(String name, boolean paused, Instant now) {
            return d.setPaused(name, paused, now);
        }

        @Override
        public boolean delete(String name) {
            return d.delete(name);
        }

        @Override
        public int addScheduledRuns(List<ScheduledRun> runs) {
            sent.addAndGet(runs.size());
            return d.addScheduledRuns(runs);
        }

        @Override
        public List<ScheduledRun> scheduledRuns(UUID deploymentId, int limit) {
            return d.scheduledRuns(deploymentId, limit);
        }

        @Override
        public Optional<ScheduledRun> scheduledRun(UUID flowRunId) {
            return d.scheduledRun(flowRunId);
        }

        @Override
        public List<ScheduledRun> claimDue(Collection<UUID> deploymentIds, Instant now, int max, String process) {
            return d.claimDue(deploymentIds, now, max, process);
        }

        @Override
        public int markLate(Instant dueBefore, Instant now) {
            return d.markLate(dueBefore, now);
        }
    }

    private Deployments database(String url, String schema) {
        JdbcRunStore store = JdbcRunStore.builder().url(url).schema(schema).build();
        JdbcRunHistory history = JdbcRunHistory.of(store);
        opened.add(store);
        opened.add(history);
        return history.deployments();
    }

    static DeploymentRecord deployment(String name, String pool, boolean paused, Schedule... schedules) {
        return new DeploymentRecord(UUID.randomUUID(), name, "etl", "com.acme.Flows#etl", null, "{\"rows\":3}",
                null, List.of(schedules), Set.of(), pool, null, paused, T0, T0);
    }

    @Test
    void workPoolDeploymentsGetTheirRunsAheadOnceAMinuteAndUnclaimedRunsGoLate() {
        Deployments db = database(JdbcRunStore.embeddedUrl(home), null);
        Counting counting = new Counting(db);
        MovingClock clock = new MovingClock(T0);
        DeploymentScheduler scheduler = new DeploymentScheduler(counting, clock);
        opened.add(scheduler);
        DeploymentRecord pooled = db.put(deployment("pooled", "default", false,
                Schedule.interval(Duration.ofMinutes(10))));
        DeploymentRecord served = db.put(deployment("served", null, false, Schedule.interval(Duration.ofMinutes(10))));
        DeploymentRecord paused = db.put(deployment("paused", "default", true, Schedule.interval(Duration.ofMinutes(10))));

        int ahead = Scheduling.upcoming(pooled, T0).size();
        assertThat(ahead).isEqualTo(Scheduling.MAX_RUNS_AHEAD);
        assertThat(scheduler.pass()).isEqualTo(new DeploymentScheduler.Pass(ahead, 0));
        assertThat(db.scheduledRuns(pooled.id(), 1000)).hasSize(ahead).first()
                .extracting(ScheduledRun::due).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(db.scheduledRuns(served.id(), 1000)).as("its process makes them").isEmpty();
        assertThat(db.scheduledRuns(paused.id(), 1000)).isEmpty();
        assertThat(counting.sent.get()).isEqualTo(ahead);

        // within the minute: no scheduling pass; a minute on: only the run that came into range is sent
        clock.advance(Duration.ofSeconds(30));
        assertThat(scheduler.pass()).isEqualTo(new DeploymentScheduler.Pass(0, 0));
        clock.advance(Duration.ofMinutes(10).minusSeconds(30).plusSeconds(16));
        assertThat(scheduler.pass()).as("the first run is 16 s overdue: Late; one more run ahead")
                .isEqualTo(new DeploymentScheduler.Pass(1, 1));
        assertThat(counting.sent.get()).as("the pass sent only the new run").isEqualTo(ahead + 1);
        List<ScheduledRun> runs = db.scheduledRuns(pooled.id(), 1000);
        assertThat(runs).hasSize(ahead + 1);
        assertThat(runs.get(0).state().name()).isEqualTo("Late");
        assertThat(runs.get(1).state().name()).isEqualTo("Scheduled");

        // a deployment changed (its schedules) is looked at whole again; resumed, a paused one gets its runs
        DeploymentRecord hourly = db.put(new DeploymentRecord(pooled.id(), pooled.name(), pooled.flowName(),
                pooled.entrypoint(), null, pooled.parameters(), null, List.of(Schedule.interval(Duration.ofHours(1))),
                Set.of(), "default", null, false, T0, clock.instant()));
        db.setPaused("paused", false, clock.instant());
        clock.advance(Duration.ofMinutes(1));
        DeploymentScheduler.Pass pass = scheduler.pass();
        assertThat(pass.created()).isEqualTo(2 * Scheduling.MAX_RUNS_AHEAD);
        assertThat(db.scheduledRuns(hourly.id(), 1000)).hasSize(Scheduling.MAX_RUNS_AHEAD)
                .allSatisfy(r -> assertThat(r.due().getEpochSecond() % 3600).isZero());
        assertThat(db.scheduledRuns(paused.id(), 1000)).hasSize(Scheduling.MAX_RUNS_AHEAD);

        // another scheduler (another server) on the database creates nothing twice
        DeploymentScheduler other = new DeploymentScheduler(database(JdbcRunStore.embeddedUrl(home), null), clock);
        opened.add(other);
        assertThat(other.pass().created()).isZero();
    }

    @Test
    void twoServersStartedAtOnceOnOneEmbeddedDatabaseCreateEachRunOnce() throws Exception {
        twoServersCreateEachRunOnce(() -> ServerOptions.builder().batonHome(home), JdbcRunStore.embeddedUrl(home),
                null);
    }

    @Test
    void twoServersStartedAtOnceOnOnePostgresSchemaCreateEachRunOnce() throws Exception {
        String schema = TestPostgres.newSchema();
        try {
            String url = PostgresDeploymentRoutesTest.schemaUrl(schema);
            twoServersCreateEachRunOnce(() -> ServerOptions.builder().databaseUrl(url).databaseSchema(schema), url,
                    schema);
        } finally {
            closeAll();
            opened.clear();
            TestPostgres.dropSchema(schema);
        }
    }

    private void twoServersCreateEachRunOnce(Supplier<ServerOptions.Builder> options, String url, String schema)
            throws Exception {
        Instant now = Instant.now();
        // runs that all lie within the range made ahead, whenever each server works it out: a known number
        String start = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(now.plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS));
        Deployments db = database(url, schema);
        List<DeploymentRecord> pooled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pooled.add(db.put(new DeploymentRecord(UUID.randomUUID(), "pooled-" + i, "etl", "com.acme.Flows#etl",
                    null, "{}", null, List.of(Schedule.rrule("DTSTART:" + start + "\nRRULE:FREQ=HOURLY;COUNT=30"),
                    Schedule.rrule("DTSTART:" + start + "\nRRULE:FREQ=MINUTELY;INTERVAL=" + (7 + i) + ";COUNT=50")),
                    Set.of(), "default", null, false, now, now)));
        }
        // both start (their first pass at once) together
        CompletableFuture<ApiServer> a = CompletableFuture.supplyAsync(() -> ApiServer.start(options.get().port(0)
                .build()));
        CompletableFuture<ApiServer> b = CompletableFuture.supplyAsync(() -> ApiServer.start(options.get().port(0)
                .build()));
        ApiServer first = a.join(), second = b.join();
        opened.add(first);
        opened.add(second);
        int expected = 30 + 50;
        for (DeploymentRecord d : pooled) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ScheduledRun> runs = List.of();
            while (System.nanoTime() < deadline) {
                runs = Http.of(second).get("/api/deployments/" + d.id() + "/scheduled_runs?limit=1000").as(RUNS);
                if (runs.size() >= expected) break;
                Thread.sleep(100);
            }
            // both schedules have runs at the start time: one run each per schedule
            assertThat(runs).as(d.name()).hasSize(expected);
            Thread.sleep(200); // nothing more comes
            assertThat(Http.of(first).get("/api/deployments/" + d.id() + "/scheduled_runs?limit=1000").as(RUNS))
                    .hasSize(expected);
            Set<String> keys = new HashSet<>();
            for (ScheduledRun r : runs) assertThat(keys.add(r.idempotencyKey())).as(r.idempotencyKey()).isTrue();
        }
        // a deployment made through either server gets its runs at once, once
        String lateComer = "{\"name\": \"late-comer\", \"flowName\": \"etl\", \"workPool\": \"default\","
                + " \"schedules\": [{\"kind\": \"RRULE\", \"expression\": \"DTSTART:" + start
                + "\\nRRULE:FREQ=HOURLY;COUNT=10\"}]}";
        Http.Answer made = Http.of(first).post("/api/deployments", lateComer);
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        String id = made.json().path("id").asText();
        assertThat(Http.of(second).get("/api/deployments/" + id + "/scheduled_runs?limit=1000").as(RUNS))
                .as("made by the server it was made through, before it answered").hasSize(10);
        Http.Answer again = Http.of(second).post("/api/deployments", lateComer);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(Http.of(first).get("/api/deployments/" + id + "/scheduled_runs?limit=1000").as(RUNS)).hasSize(10);
    }

    @Test
    void aServedDeploymentsRunsAreLeftToItsProcess() throws SQLException {
        try (ApiServer server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home).build())) {
            Http http = Http.of(server);
            Http.Answer made = http.post("/api/deployments", "{\"name\": \"served\", \"flowName\": \"etl\","
                    + " \"schedules\": [{\"kind\": \"INTERVAL\", \"expression\": \"PT1M\"}]}");
            assertThat(made.status()).as(made.body()).isEqualTo(200);
            assertThat(http.get("/api/deployments/" + made.json().path("id").asText() + "/scheduled_runs").as(RUNS))
                    .isEmpty();
        }
    }
}
