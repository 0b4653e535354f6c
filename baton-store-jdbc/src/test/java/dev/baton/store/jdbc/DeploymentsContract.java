package dev.baton.store.jdbc;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Deployment;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Runner;
import dev.baton.Schedule;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.RunEvent;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every database the store runs on must do with deployments and their scheduled runs
 * ({@link Deployments}, reached through {@link JdbcRunStore#deployments()}): stored and updated by
 * name, scheduled runs created once per key, claimed once however many stores claim at once, within
 * each deployment's concurrency limit, marked Late, dropped when schedules change or the deployment
 * is paused or deleted, and run through the engine as the flow run they are. Times are given, not
 * read from a clock: nothing here sleeps.
 */
abstract class DeploymentsContract {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    static final Schedule DAILY = Schedule.cron("0 2 * * *", "Europe/Paris");
    static final Schedule HOURLY = Schedule.interval(Duration.ofHours(1));

    @TempDir
    Path home;

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The JDBC URL of this test's database: the same on every call, empty at the start of each test. */
    abstract String url();

    /** The schema of this test's tables, or null for the default. */
    String schema() {
        return null;
    }

    Database database() {
        return new Database(url(), schema());
    }

    JdbcRunStore store() {
        JdbcRunStore store = JdbcRunStore.builder().url(url()).schema(schema()).build();
        opened.add(store);
        return store;
    }

    static Deployments deployments(JdbcRunStore store) {
        return store.deployments().orElseThrow();
    }

    JdbcRunHistory history(JdbcRunStore store) {
        JdbcRunHistory history = JdbcRunHistory.of(store);
        opened.add(0, history);
        return history;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) c.close();
        opened.clear();
    }

    /** The parameters of flow etl, as its deployments keep them. */
    static final String SCHEMA = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
            + "\"properties\":{\"day\":{\"type\":\"string\",\"format\":\"date\"},\"rows\":{\"type\":\"integer\"}},"
            + "\"required\":[\"day\",\"rows\"],\"additionalProperties\":false}";

    static DeploymentRecord deployment(String name, Schedule... schedules) {
        return new DeploymentRecord(UUID.randomUUID(), name, "etl", "com.acme.Flows#etl", "loads the day",
                "{\"day\":\"2026-01-01\",\"rows\":3}", SCHEMA, List.of(schedules), Set.of("nightly", "finance"), "default",
                null, false, T0, T0);
    }

    static DeploymentRecord withLimit(DeploymentRecord d, Integer limit) {
        return new DeploymentRecord(d.id(), d.name(), d.flowName(), d.entrypoint(), d.description(), d.parameters(),
                d.parameterSchema(), d.schedules(), d.tags(), d.workPool(), limit, d.paused(), d.created(), d.updated());
    }

    static DeploymentRecord withSchedules(DeploymentRecord d, Instant updated, Schedule... schedules) {
        return new DeploymentRecord(UUID.randomUUID(), d.name(), d.flowName(), d.entrypoint(), d.description(),
                d.parameters(), d.parameterSchema(), List.of(schedules), d.tags(), d.workPool(), d.concurrencyLimit(), d.paused(),
                updated, updated);
    }

    /** A run its schedule made, due at {@code due}, keyed as a scheduler keys it. */
    static ScheduledRun scheduled(DeploymentRecord d, Instant due) {
        return run(d, due, "scheduled/" + d.id() + "/0123456789abcdef/" + due);
    }

    /** An ad-hoc run: no key. */
    static ScheduledRun adHoc(DeploymentRecord d, Instant due) {
        return run(d, due, null);
    }

    static ScheduledRun run(DeploymentRecord d, Instant due, String key) {
        return new ScheduledRun(UUID.randomUUID(), "run-" + due.getEpochSecond() % 100_000, d.id(), d.flowName(),
                d.parameters(), due, key, List.of(new StateRecord(StateType.SCHEDULED, "Scheduled", T0, null, due,
                null)));
    }

    static List<ScheduledRun> scheduledEveryMinute(DeploymentRecord d, Instant first, int n) {
        List<ScheduledRun> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) runs.add(scheduled(d, first.plusSeconds(60L * i)));
        return runs;
    }

    static List<UUID> ids(List<ScheduledRun> runs) {
        return runs.stream().map(ScheduledRun::id).toList();
    }

    /** The states of flow run {@code id} in the database, as "seq name", in order. */
    List<String> storedStates(UUID id) throws Exception {
        Database db = database();
        List<String> states = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT seq, name FROM flow_run_state WHERE flow_run_id = ? ORDER BY seq")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) states.add(r.getInt(1) + " " + r.getString(2));
            }
        }
        return states;
    }

    /** Columns {@code columns} of flow run {@code id}'s row, as strings (UUIDs read as UUIDs), or null if none. */
    List<String> row(UUID id, String columns) throws Exception {
        Database db = database();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT " + columns + " FROM flow_run WHERE id = ?")) {
            db.setUuid(s, 1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return null;
                List<String> values = new ArrayList<>();
                String[] names = columns.split(",\\s*");
                for (int i = 1; i <= names.length; i++) {
                    Object v = names[i - 1].endsWith("_id") ? db.getUuid(r, i) : r.getString(i);
                    values.add(v == null ? null : v.toString());
                }
                return values;
            }
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    static List<String> names(List<StateRecord> history) {
        return history.stream().map(StateRecord::name).toList();
    }

    // ----- deployments -----

    @Test
    void aDeploymentIsStoredListedByNameFoundByNameAndIdAndAnUpdateKeepsItsIdAndCreation() {
        Deployments deployments = deployments(store());
        DeploymentRecord nightly = withLimit(deployment("nightly-etl", DAILY, HOURLY.withParameters(Map.of("rows", 9))),
                4);
        assertThat(deployments.put(nightly)).isEqualTo(nightly);
        DeploymentRecord adhoc = deployments.put(deployment("adhoc"));

        assertThat(deployments.list()).extracting(DeploymentRecord::name).containsExactly("adhoc", "nightly-etl");
        assertThat(deployments.get("nightly-etl")).contains(nightly);
        assertThat(deployments.get(nightly.id())).contains(nightly);
        assertThat(deployments.get("adhoc").orElseThrow().schedules()).isEmpty();
        assertThat(deployments.get("adhoc").orElseThrow().concurrencyLimit()).isNull();
        assertThat(deployments.get("adhoc").orElseThrow().parameterSchema()).as("its flow's parameter schema, as given")
                .isEqualTo(SCHEMA);
        assertThat(deployments.setPaused("adhoc", true, T0).orElseThrow().parameterSchema()).as("kept when paused")
                .isEqualTo(SCHEMA);
        deployments.setPaused("adhoc", false, T0);

        Instant later = T0.plusSeconds(3600);
        DeploymentRecord changed = new DeploymentRecord(UUID.randomUUID(), "nightly-etl", "etl-v2", null, null, "{}",
                null, List.of(DAILY), Set.of(), "gpu", null, false, later, later);
        DeploymentRecord stored = deployments.put(changed);
        assertThat(stored.id()).as("an update keeps the id").isEqualTo(nightly.id());
        assertThat(stored.created()).as("and the creation time").isEqualTo(T0);
        assertThat(stored.updated()).isEqualTo(later);
        assertThat(deployments.get("nightly-etl")).contains(stored);
        assertThat(stored).usingRecursiveComparison().ignoringFields("id", "created").isEqualTo(changed);
        assertThat(deployments.get("nightly-etl").orElseThrow().parameterSchema()).as("none known now").isNull();
        DeploymentRecord schemaAgain = withSchedules(nightly, later.plusSeconds(1), DAILY);
        assertThat(deployments.put(schemaAgain).parameterSchema()).isEqualTo(SCHEMA);
        assertThat(deployments.get(nightly.id()).orElseThrow().parameterSchema()).isEqualTo(SCHEMA);
        DeploymentRecord notAnObject = new DeploymentRecord(UUID.randomUUID(), "broken", "etl", null, null, "{}", "[1]",
                List.of(), Set.of(), "default", null, false, T0, T0);
        assertThatThrownBy(() -> deployments.put(notAnObject)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The parameter schema of deployment 'broken' is not a JSON object");

        assertThat(deployments.get("missing")).isEmpty();
        assertThat(deployments.get(UUID.randomUUID())).isEmpty();
        DeploymentRecord stealing = new DeploymentRecord(adhoc.id(), "thief", "etl", null, null, "{}", null, List.of(),
                Set.of(), "default", null, false, T0, T0);
        assertThatThrownBy(() -> deployments.put(stealing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'thief'").hasMessageContaining("deployment 'adhoc'");
        assertThat(deployments.list()).hasSize(2);
    }

    @Test
    void newSchedulesDropTheUnclaimedRunsTheOldOnesMadeButNotAdHocNorClaimedRuns() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY));
        List<ScheduledRun> made = scheduledEveryMinute(d, T0, 3);
        ScheduledRun adHoc = adHoc(d, T0.plusSeconds(30));
        assertThat(deployments.addScheduledRuns(made)).isEqualTo(3);
        assertThat(deployments.addScheduledRuns(List.of(adHoc))).isEqualTo(1);
        List<ScheduledRun> claimed = deployments.claimDue(List.of(d.id()), T0, 10, "1@runner");
        assertThat(ids(claimed)).containsExactly(made.get(0).id());

        deployments.put(withSchedules(d, T0.plusSeconds(60), DAILY));
        assertThat(ids(deployments.scheduledRuns(d.id(), 10))).as("the same schedules: the runs stay")
                .containsExactly(adHoc.id(), made.get(1).id(), made.get(2).id());

        deployments.put(withSchedules(d, T0.plusSeconds(120), HOURLY));
        assertThat(ids(deployments.scheduledRuns(d.id(), 10))).as("new schedules: only the ad-hoc run stays")
                .containsExactly(adHoc.id());
        for (ScheduledRun dropped : made.subList(1, 3)) {
            assertThat(deployments.scheduledRun(dropped.id())).isEmpty();
            assertThat(row(dropped.id(), "id")).isNull();
            assertThat(storedStates(dropped.id())).isEmpty();
        }
        assertThat(row(made.get(0).id(), "state_type, deployment_id"))
                .as("the claimed run is no longer the scheduler's").containsExactly("PENDING", d.id().toString());
    }

    // ----- scheduled runs -----

    @Test
    void theSameScheduledRunsAddedTwiceAreCreatedOnceAndAdHocRunsEveryTime() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY));
        List<ScheduledRun> runs = scheduledEveryMinute(d, T0, 3);

        assertThat(deployments.addScheduledRuns(runs)).isEqualTo(3);
        assertThat(deployments.addScheduledRuns(runs)).as("the same runs again").isZero();
        List<ScheduledRun> sameKeys = runs.stream().map(r -> run(d, r.due(), r.idempotencyKey())).toList();
        assertThat(deployments.addScheduledRuns(sameKeys)).as("new runs, keys taken").isZero();
        assertThat(deployments.addScheduledRuns(List.of(adHoc(d, T0), adHoc(d, T0)))).isEqualTo(2);
        assertThat(deployments.scheduledRuns(d.id(), 10)).hasSize(5);

        assertThat(deployments.claimDue(List.of(d.id()), T0, 10, "1@runner")).hasSize(3);
        assertThat(deployments.addScheduledRuns(sameKeys.subList(0, 1))).as("a claimed run keeps its key").isZero();
        assertThat(count("SELECT COUNT(*) FROM flow_run")).isEqualTo(5);
        assertThat(count("SELECT COUNT(*) FROM flow_run_state")).isEqualTo(5 + 3);

        DeploymentRecord gone = deployment("never-put");
        assertThat(deployments.addScheduledRuns(List.of(scheduled(gone, T0), adHoc(gone, T0))))
                .as("runs of a deployment that is not there").isZero();
        ScheduledRun ended = new ScheduledRun(UUID.randomUUID(), "odd", d.id(), "etl", "{}", T0, null,
                List.of(new StateRecord(StateType.PENDING, "Pending", T0, null, null, null)));
        assertThatThrownBy(() -> deployments.addScheduledRuns(List.of(ended)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'odd'")
                .hasMessageContaining("SCHEDULED");
    }

    @Test
    void scheduledRunsAreFlowRunsListedSoonestFirstWithTheirHistoriesUntilClaimed() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY));
        ScheduledRun later = scheduled(d, T0.plusSeconds(600)), sooner = scheduled(d, T0.plusSeconds(60));
        deployments.addScheduledRuns(List.of(later, sooner));

        assertThat(deployments.scheduledRuns(d.id(), 10)).containsExactly(sooner, later);
        assertThat(deployments.scheduledRuns(d.id(), 1)).containsExactly(sooner);
        assertThat(deployments.scheduledRuns(UUID.randomUUID(), 10)).isEmpty();
        assertThat(deployments.scheduledRun(later.id())).contains(later);
        assertThat(deployments.scheduledRun(UUID.randomUUID())).isEmpty();

        // in the history as any flow run: listed, inspected, its parameters as a JSON object by name
        JdbcRunHistory history = history(store);
        assertThat(history.deployments().get("etl")).contains(d);
        List<FlowRunSummary> listed = history.flowRuns(new FlowRunFilter(Set.of(StateType.SCHEDULED), null, null, null,
                Set.of(), 0, 10)).items();
        assertThat(listed).extracting(FlowRunSummary::id).containsExactlyInAnyOrder(later.id(), sooner.id());
        FlowRunDetail detail = history.flowRun(sooner.id()).orElseThrow();
        assertThat(detail.run().state().name()).isEqualTo("Scheduled");
        assertThat(detail.run().state().scheduledTime()).isEqualTo(sooner.due());
        assertThat(detail.run().created()).isEqualTo(T0);
        assertThat(detail.history()).containsExactlyElementsOf(sooner.history());
        assertThat(detail.parameters()).isEqualTo(d.parameters());
        FlowRun<?> asRead = store.flowRun(sooner.id()).orElseThrow();
        assertThat(asRead.parameters()).containsExactly("2026-01-01", 3);
        assertThat(asRead.state().type()).isEqualTo(StateType.SCHEDULED);
        // with the deployment's tags, as Prefect's deployment runs carry them: found by tag
        assertThat(history.flowRuns(new FlowRunFilter(Set.of(), null, null, null, Set.of("finance"), 0, 10)).items())
                .extracting(FlowRunSummary::id).containsExactlyInAnyOrder(later.id(), sooner.id());
        assertThat(asRead.tags()).containsExactlyInAnyOrder("nightly", "finance");
    }

    @Test
    void dueRunsAreClaimedSoonestFirstAtMostMaxOnceOnlyAndOnlyOfTheDeploymentsAsked() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY)), other = deployments.put(deployment("other"));
        List<ScheduledRun> due = scheduledEveryMinute(d, T0, 3);
        ScheduledRun future = scheduled(d, T0.plusSeconds(3600)), others = adHoc(other, T0);
        List<ScheduledRun> runs = new ArrayList<>(due);
        runs.add(future);
        runs.add(others);
        Collections.shuffle(runs, new java.util.Random(7));
        deployments.addScheduledRuns(runs);
        Instant now = T0.plusSeconds(300);

        List<ScheduledRun> first = deployments.claimDue(List.of(d.id()), now, 2, "1@runner");
        assertThat(ids(first)).containsExactly(due.get(0).id(), due.get(1).id());
        StateRecord pending = new StateRecord(StateType.PENDING, "Pending", now, null, null, null);
        for (int i = 0; i < 2; i++) {
            ScheduledRun claimed = first.get(i);
            assertThat(claimed.history()).containsExactly(due.get(i).history().getFirst(), pending);
            assertThat(claimed.state()).isEqualTo(pending);
            assertThat(claimed.parameters()).isEqualTo(d.parameters());
            assertThat(claimed.idempotencyKey()).isEqualTo(due.get(i).idempotencyKey());
            assertThat(row(claimed.id(), "state_type, state_name, process, heartbeat_ns, deployment_id"))
                    .containsExactly("PENDING", "Pending", "1@runner", String.valueOf(HistoryQueries.nanos(now)),
                            d.id().toString());
            assertThat(storedStates(claimed.id())).containsExactly("0 Scheduled", "1 Pending");
        }
        assertThat(ids(deployments.claimDue(List.of(d.id()), now, 10, "2@runner"))).as("what is left and due")
                .containsExactly(due.get(2).id());
        assertThat(deployments.claimDue(List.of(d.id()), now, 10, "2@runner")).isEmpty();
        assertThat(deployments.claimDue(List.of(d.id(), other.id()), now, 0, "2@runner")).isEmpty();
        assertThat(ids(deployments.scheduledRuns(d.id(), 10))).containsExactly(future.id());
        assertThat(ids(deployments.scheduledRuns(other.id(), 10))).containsExactly(others.id());
        assertThat(history(store).flowRun(first.get(0).id()).orElseThrow().history())
                .containsExactlyElementsOf(first.get(0).history());
    }

    @Test
    void aDeploymentsConcurrencyLimitCountsItsClaimedRunsUntilTheyFinish() {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(withLimit(deployment("limited"), 2));
        DeploymentRecord free = deployments.put(deployment("free"));
        deployments.addScheduledRuns(scheduledEveryMinute(d, T0, 5));
        deployments.addScheduledRuns(scheduledEveryMinute(free, T0, 5));
        Instant now = T0.plusSeconds(600);

        List<ScheduledRun> claimed = deployments.claimDue(List.of(d.id(), free.id()), now, 100, "1@runner");
        List<ScheduledRun> limited = claimed.stream().filter(r -> r.deploymentId().equals(d.id())).toList();
        assertThat(limited).extracting(ScheduledRun::due).containsExactly(T0, T0.plusSeconds(60));
        assertThat(claimed).filteredOn(r -> r.deploymentId().equals(free.id())).hasSize(5);
        assertThat(deployments.claimDue(List.of(d.id()), now, 100, "1@runner")).isEmpty();

        // one runs, then waits to retry (SCHEDULED again, claimed): it still counts, and is not claimed again
        ScheduledRun running = limited.get(0), retrying = limited.get(1);
        Instant t = now.plusSeconds(1);
        store.record(List.of(
                new RunEvent.FlowRunState(running.id(), new StateRecord(StateType.RUNNING, "Running", t, null, null,
                        null)),
                new RunEvent.FlowRunState(retrying.id(), new StateRecord(StateType.RUNNING, "Running", t, null, null,
                        null)),
                new RunEvent.FlowRunState(retrying.id(), new StateRecord(StateType.SCHEDULED, "AwaitingRetry",
                        t.plusNanos(1), null, t.plusSeconds(60), null))));
        assertThat(deployments.claimDue(List.of(d.id()), now.plusSeconds(120), 100, "1@runner")).isEmpty();
        assertThat(deployments.scheduledRun(retrying.id())).isEmpty();

        store.record(List.of(new RunEvent.FlowRunState(running.id(), new StateRecord(StateType.COMPLETED, "Completed",
                t.plusSeconds(2), null, null, null))));
        List<ScheduledRun> next = deployments.claimDue(List.of(d.id()), now.plusSeconds(120), 100, "1@runner");
        assertThat(next).as("one finished: one more may start").hasSize(1);
        assertThat(next.getFirst().due()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void runsDueBeforeTheGracePeriodAreMarkedLateOnceAndAreStillClaimed() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY));
        List<ScheduledRun> runs = List.of(scheduled(d, T0), adHoc(d, T0.plusSeconds(60)),
                scheduled(d, T0.plusSeconds(600)));
        deployments.addScheduledRuns(runs);
        Instant now = T0.plusSeconds(360);

        assertThat(deployments.markLate(T0.plusSeconds(300), now)).isEqualTo(2);
        assertThat(deployments.markLate(T0.plusSeconds(300), now.plusSeconds(1))).as("marked once").isZero();
        ScheduledRun late = deployments.scheduledRun(runs.get(0).id()).orElseThrow();
        assertThat(late.history()).containsExactly(runs.get(0).history().getFirst(),
                new StateRecord(StateType.SCHEDULED, "Late", now, null, T0, null));
        assertThat(row(late.id(), "state_type, state_name")).containsExactly("SCHEDULED", "Late");
        assertThat(history(store).flowRun(late.id()).orElseThrow().run().state().name()).isEqualTo("Late");
        assertThat(deployments.scheduledRun(runs.get(2).id()).orElseThrow().state().name()).isEqualTo("Scheduled");

        List<ScheduledRun> claimed = deployments.claimDue(List.of(d.id()), now, 10, "1@runner");
        assertThat(ids(claimed)).containsExactly(runs.get(0).id(), runs.get(1).id());
        assertThat(names(claimed.get(0).history())).containsExactly("Scheduled", "Late", "Pending");
        assertThat(storedStates(late.id())).containsExactly("0 Scheduled", "1 Late", "2 Pending");
        assertThat(deployments.markLate(T0.plusSeconds(3600), now)).as("claimed runs are not late; the last is")
                .isEqualTo(1);
    }

    @Test
    void pausingDropsTheUnclaimedScheduledRunsKeepsAdHocOnesAndAddsNoneUntilResumed() {
        Deployments deployments = deployments(store());
        DeploymentRecord d = deployments.put(deployment("etl", DAILY));
        List<ScheduledRun> made = scheduledEveryMinute(d, T0, 3);
        ScheduledRun adHoc = adHoc(d, T0);
        deployments.addScheduledRuns(made);
        deployments.addScheduledRuns(List.of(adHoc));

        DeploymentRecord paused = deployments.setPaused("etl", true, T0.plusSeconds(60)).orElseThrow();
        assertThat(paused.paused()).isTrue();
        assertThat(paused.updated()).isEqualTo(T0.plusSeconds(60));
        assertThat(paused.id()).isEqualTo(d.id());
        assertThat(deployments.get("etl")).contains(paused);
        assertThat(ids(deployments.scheduledRuns(d.id(), 10))).containsExactly(adHoc.id());
        assertThat(deployments.addScheduledRuns(made)).as("a paused deployment gets no scheduled runs").isZero();
        assertThat(deployments.addScheduledRuns(List.of(adHoc(d, T0)))).as("but ad-hoc ones").isEqualTo(1);

        assertThat(deployments.setPaused("etl", false, T0.plusSeconds(120)).orElseThrow().paused()).isFalse();
        assertThat(deployments.addScheduledRuns(made)).as("resumed").isEqualTo(3);
        assertThat(deployments.setPaused("missing", true, T0)).isEmpty();

        // put paused: the same
        DeploymentRecord p = d.withPaused(true, T0.plusSeconds(180));
        assertThat(deployments.put(p).paused()).isTrue();
        assertThat(deployments.scheduledRuns(d.id(), 10)).hasSize(2).allSatisfy(r -> assertThat(r.idempotencyKey())
                .isNull());
    }

    @Test
    void deletingADeploymentDeletesItsRunsNotYetStartedAndKeepsTheRunsItHad() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl", DAILY)), kept = deployments.put(deployment("kept"));
        List<ScheduledRun> made = scheduledEveryMinute(d, T0, 3);
        ScheduledRun adHoc = adHoc(d, T0.plusSeconds(3600)), keptRun = adHoc(kept, T0);
        deployments.addScheduledRuns(made);
        deployments.addScheduledRuns(List.of(adHoc, keptRun));
        ScheduledRun claimed = deployments.claimDue(List.of(d.id()), T0, 1, "1@runner").getFirst();

        assertThat(deployments.delete("etl")).isTrue();
        assertThat(deployments.get("etl")).isEmpty();
        assertThat(deployments.list()).containsExactly(kept);
        assertThat(deployments.scheduledRuns(d.id(), 10)).isEmpty();
        for (ScheduledRun gone : List.of(made.get(1), made.get(2), adHoc)) {
            assertThat(row(gone.id(), "id")).isNull();
            assertThat(storedStates(gone.id())).isEmpty();
        }
        assertThat(row(claimed.id(), "state_type, deployment_id")).containsExactly("PENDING", d.id().toString());
        assertThat(ids(deployments.scheduledRuns(kept.id(), 10))).containsExactly(keptRun.id());
        assertThat(deployments.delete("etl")).isFalse();
    }

    @Test
    void cancellingAnUnclaimedScheduledRunCancelsItAtOnceAndNoOneClaimsIt() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl"));
        ScheduledRun run = adHoc(d, T0), claimed = adHoc(d, T0);
        deployments.addScheduledRuns(List.of(run));
        JdbcRunHistory history = history(store);

        FlowRunSummary cancelled = history.cancelFlowRun(run.id()).orElseThrow();
        assertThat(cancelled.state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(cancelled.end()).isNotNull();
        assertThat(storedStates(run.id())).containsExactly("0 Scheduled", "1 Cancelled");
        assertThat(deployments.scheduledRun(run.id())).isEmpty();
        assertThat(deployments.claimDue(List.of(d.id()), T0, 10, "1@runner")).isEmpty();

        // claimed, it has a process to end it: Cancelling, as any running flow run
        deployments.addScheduledRuns(List.of(claimed));
        assertThat(deployments.claimDue(List.of(d.id()), T0, 10, "1@runner")).hasSize(1);
        assertThat(history.cancelFlowRun(claimed.id()).orElseThrow().state().type()).isEqualTo(StateType.CANCELLING);
    }

    @Test
    void unclaimedScheduledRunsAreNeverFoundCrashedButAClaimedRunWhoseProcessDiedIs() {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        DeploymentRecord d = deployments.put(deployment("etl"));
        List<ScheduledRun> runs = scheduledEveryMinute(d, T0, 4);
        deployments.addScheduledRuns(runs);
        deployments.markLate(T0.plusSeconds(3600), T0.plusSeconds(3600));
        Instant now = T0.plusSeconds(7200);
        // claimed by a process that died an hour ago, and by one alive now
        ScheduledRun dead = deployments.claimDue(List.of(d.id()), T0.plusSeconds(3600), 1, "1@gone").getFirst();
        ScheduledRun alive = deployments.claimDue(List.of(d.id()), now.minusSeconds(5), 1, "2@here").getFirst();

        CrashDetector detector = new CrashDetector(database(), store, Duration.ofSeconds(30), fixed(now));
        assertThat(detector.detect()).containsExactly(dead.id());
        FlowRunDetail crashed = history(store).flowRun(dead.id()).orElseThrow();
        assertThat(names(crashed.history())).containsExactly("Scheduled", "Late", "Pending", "Crashed");
        assertThat(crashed.run().state().message()).contains("1@gone");
        assertThat(deployments.scheduledRuns(d.id(), 10)).hasSize(2).allSatisfy(r -> assertThat(r.state().name())
                .isEqualTo("Late"));
        assertThat(history(store).flowRun(alive.id()).orElseThrow().run().state().type()).isEqualTo(StateType.PENDING);
    }

    // ----- concurrency -----

    @Test
    void storesClaimingAtOnceClaimEachDueRunExactlyOnce() throws Exception {
        List<Deployments> each = List.of(deployments(store()), deployments(store()), deployments(store()));
        DeploymentRecord a = each.get(0).put(deployment("a")), b = each.get(0).put(deployment("b"));
        assertThat(each.get(1).addScheduledRuns(scheduledEveryMinute(a, T0, 150))).isEqualTo(150);
        assertThat(each.get(2).addScheduledRuns(scheduledEveryMinute(b, T0, 150))).isEqualTo(150);
        Instant now = T0.plusSeconds(86_400);
        List<UUID> ids = List.of(a.id(), b.id());

        List<UUID> claimed = claimAtOnce(each, ids, now, 7);
        assertThat(each.get(0).claimDue(ids, now, 1000, "late@claimer")).isEmpty();
        assertThat(new HashSet<>(claimed)).as("no run claimed twice").hasSameSizeAs(claimed);
        assertThat(claimed).hasSize(300);
        assertThat(count("SELECT COUNT(*) FROM flow_run WHERE state_type = 'PENDING'")).isEqualTo(300);
        assertThat(count("SELECT COUNT(*) FROM flow_run_state WHERE type = 'PENDING'")).isEqualTo(300);
    }

    @Test
    void storesClaimingALimitedDeploymentsRunsAtOnceClaimNoMoreThanItsLimit() throws Exception {
        List<Deployments> each = List.of(deployments(store()), deployments(store()), deployments(store()));
        DeploymentRecord limited = each.get(0).put(withLimit(deployment("limited"), 5));
        each.get(1).addScheduledRuns(scheduledEveryMinute(limited, T0, 30));
        Instant now = T0.plusSeconds(86_400);

        List<UUID> claimed = claimAtOnce(each, List.of(limited.id()), now, 2);
        assertThat(claimed).doesNotHaveDuplicates().hasSize(5);
        assertThat(each.get(2).scheduledRuns(limited.id(), 100)).hasSize(25);
    }

    /** Claims from one thread per store at once, in batches of {@code batch}, until none is left; what each claimed. */
    private static List<UUID> claimAtOnce(List<Deployments> stores, List<UUID> ids, Instant now, int batch)
            throws InterruptedException {
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(stores.size());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            Deployments mine = stores.get(i);
            String process = (i + 1) + "@claimer";
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    List<ScheduledRun> got;
                    do {
                        got = mine.claimDue(ids, now, batch, process);
                        for (ScheduledRun r : got) claimed.add(r.id());
                    } while (!got.isEmpty());
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();
        return List.copyOf(claimed);
    }

    @Test
    void storesAddingTheSameRunsAtOnceCreateEachOnce() throws Exception {
        int stores = 2;
        List<Deployments> each = new ArrayList<>();
        for (int i = 0; i < stores; i++) each.add(deployments(store()));
        DeploymentRecord d = each.get(0).put(deployment("etl", DAILY));
        List<ScheduledRun> runs = scheduledEveryMinute(d, T0, 200);

        AtomicInteger added = new AtomicInteger();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(stores);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < stores; i++) {
            Deployments mine = each.get(i);
            // each with its own ids, as two schedulers make them: only the keys are the same
            List<ScheduledRun> own = runs.stream().map(r -> run(d, r.due(), r.idempotencyKey())).toList();
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    added.addAndGet(mine.addScheduledRuns(own));
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();
        assertThat(added).hasValue(200);
        assertThat(count("SELECT COUNT(*) FROM flow_run")).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM flow_run_state")).isEqualTo(200);
        assertThat(each.get(1).scheduledRuns(d.id(), 1000)).extracting(ScheduledRun::due)
                .containsExactlyElementsOf(runs.stream().map(ScheduledRun::due).toList());
    }

    // ----- running -----

    static final Task1<Integer, Integer> DOUBLE = Task.named("double").of(x -> x * 2);
    /** Opened by each run of {@link #DEPLOYED}: the test takes the run's handle while it waits. */
    static volatile CountDownLatch gate = new CountDownLatch(0);
    static final Flow0<Integer> DEPLOYED = Flow.named("deployed-etl").of(() -> {
        gate.await();
        return DOUBLE.call(21);
    });

    @Test
    void aClaimedRunRunsThroughTheEngineAsTheFlowRunItIsAndItsHistoryGoesOn() throws Exception {
        JdbcRunStore store = store();
        Deployments deployments = deployments(store);
        ManualClock clock = new ManualClock();
        Instant due = clock.now().minusSeconds(1);
        DeploymentRecord d = deployments.put(new DeploymentRecord(UUID.randomUUID(), "deployed", "deployed-etl", null,
                null, "{}", null, List.of(), Set.of(), "default", null, false, due, due));
        ScheduledRun run = run(d, due, "scheduled/" + d.id() + "/by-hand/" + due);
        deployments.addScheduledRuns(List.of(run));
        gate = new CountDownLatch(1);

        BatonRuntime runtime = BatonRuntime.builder().store(store).clock(clock).home(home).build();
        try (Runner runner = Runner.builder().runtime(runtime).add(DEPLOYED, Deployment.named("deployed"))
                .pollInterval(Duration.ofHours(1)).build().start()) {
            clock.runNext(); // the runner's first pass: claims the run and starts it
            List<FlowRunHandle<?>> running = runner.running();
            assertThat(running).hasSize(1);
            gate.countDown();
            FlowRun<?> done = running.getFirst().await();
            assertThat(done.id()).isEqualTo(run.id());
            assertThat(done.state().type()).isEqualTo(StateType.COMPLETED);
        }

        FlowRunDetail stored = history(store).flowRun(run.id()).orElseThrow();
        assertThat(names(stored.history())).containsExactly("Scheduled", "Pending", "Running", "Completed");
        assertThat(stored.history().getFirst()).isEqualTo(run.history().getFirst());
        assertThat(storedStates(run.id())).containsExactly("0 Scheduled", "1 Pending", "2 Running", "3 Completed");
        assertThat(stored.run().name()).isEqualTo(run.name());
        assertThat(stored.run().start()).isNotNull();
        assertThat(stored.run().end()).isNotNull();
        assertThat(stored.taskRuns()).extracting(TaskRunDetail::name).containsExactly("double-0");
        assertThat(stored.taskRuns().getFirst().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(row(run.id(), "state_type, state_name, deployment_id, idempotency_key, expected_start_ns"))
                .containsExactly("COMPLETED", "Completed", d.id().toString(), run.idempotencyKey(),
                        String.valueOf(HistoryQueries.nanos(due)));
        assertThat(count("SELECT COUNT(*) FROM flow_run")).as("no second row for the run").isEqualTo(1);
        assertThat(deployments.get("deployed").orElseThrow().paused()).as("a stopped runner pauses").isTrue();
        assertThat(store.lostEvents()).isZero();
    }

    // ----- clocks -----

    /** A clock stopped at {@code at}, for a crash detector. */
    static Clock fixed(Instant at) {
        return new Clock() {
            @Override
            public long epochNanos() {
                return HistoryQueries.nanos(at);
            }

            @Override
            public void sleep(Duration duration) {
                throw new UnsupportedOperationException("a fixed clock does not sleep");
            }

            @Override
            public Timer schedule(Runnable action, Duration delay) {
                throw new UnsupportedOperationException("a fixed clock schedules nothing");
            }
        };
    }

    /** The wall clock whose scheduled actions run when the test says, on the test's thread. */
    static final class ManualClock implements Clock {
        private final BlockingQueue<Runnable> scheduled = new LinkedBlockingQueue<>();

        @Override
        public long epochNanos() {
            return Clock.system().epochNanos();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Clock.system().sleep(duration);
        }

        @Override
        public Timer schedule(Runnable action, Duration delay) {
            boolean[] cancelled = {false};
            scheduled.add(() -> {
                if (!cancelled[0]) action.run();
            });
            return () -> cancelled[0] = true;
        }

        /** Runs the action scheduled first, waiting for one if there is none yet. */
        void runNext() throws InterruptedException {
            Runnable next = scheduled.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("an action scheduled on the clock").isNotNull();
            next.run();
        }
    }
}
