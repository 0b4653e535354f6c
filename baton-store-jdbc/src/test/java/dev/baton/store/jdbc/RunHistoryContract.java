package dev.baton.store.jdbc;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow0;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task1;
import dev.baton.Task;
import dev.baton.TaskRun;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.ConcurrencySlots.Acquisition;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import dev.baton.store.jdbc.fixtures.HostileRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the CLI and the API server need from the database, on every database the store runs on:
 * reading through {@link JdbcRunHistory} (filters and paging, a flow run in full, task runs, log
 * lines, unknown ids, concurrency limits), reported events, result refs, crash detection and
 * database-backed concurrency slots.
 */
abstract class RunHistoryContract {
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

    JdbcRunHistory history() {
        JdbcRunHistory history = JdbcRunHistory.open(url(), schema());
        opened.add(0, history);
        return history;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) c.close();
        opened.clear();
    }

    <T> T recordingIn(JdbcRunStore store, Supplier<T> body) {
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(store).home(home).build().makeCurrent()) {
            return body.get();
        }
    }

    static Instant created(FlowRun<?> run) {
        return run.history().get(0).timestamp();
    }

    static FlowRunFilter filter(Set<StateType> states, String name, Instant after, Instant before, Set<String> tags,
                                int offset, int limit) {
        return new FlowRunFilter(states, name, after, before, tags, offset, limit);
    }

    // ----- the tests -----

    @Test
    void flowRunsAreFilteredByStateNameTagsAndCreationTimeAndPagedNewestFirst() {
        JdbcRunStore store = store();
        Flow0<Integer> nightly = Flow.named("Nightly_ETL").tags("nightly", "finance").of(() -> 1);
        Flow0<Integer> adhoc = Flow.named("adhoc").tags("finance").of(() -> 2);
        Flow0<Integer> broken = Flow.named("broken").of(() -> {
            throw new IllegalStateException("broken on purpose");
        });
        List<FlowRun<?>> runs = new ArrayList<>(); // oldest first
        recordingIn(store, () -> {
            for (int i = 0; i < 3; i++) {
                runs.add(nightly.run());
                runs.add(adhoc.run());
                runs.add(broken.run());
            }
            return null;
        });
        assertThat(runs.get(2).state().type()).isEqualTo(StateType.FAILED);
        JdbcRunHistory history = history();

        Page<FlowRunSummary> all = history.flowRuns(FlowRunFilter.all(100));
        assertThat(all.total()).isEqualTo(9);
        assertThat(all.items()).extracting(FlowRunSummary::id)
                .containsExactlyElementsOf(runs.reversed().stream().map(FlowRun::id).toList());
        assertThat(all.hasMore()).isFalse();

        // pages of 4: 4 + 4 + 1, in the same order
        List<UUID> paged = new ArrayList<>();
        for (int offset = 0; offset < 9; offset += 4) {
            Page<FlowRunSummary> page = history.flowRuns(filter(null, null, null, null, null, offset, 4));
            assertThat(page.total()).isEqualTo(9);
            assertThat(page.offset()).isEqualTo(offset);
            assertThat(page.hasMore()).isEqualTo(offset + 4 < 9);
            page.items().forEach(s -> paged.add(s.id()));
        }
        assertThat(paged).containsExactlyElementsOf(all.items().stream().map(FlowRunSummary::id).toList());
        Page<FlowRunSummary> beyond = history.flowRuns(filter(null, null, null, null, null, 50, 10));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(9);

        assertThat(history.flowRuns(filter(Set.of(StateType.FAILED), null, null, null, null, 0, 100)).items())
                .hasSize(3).allSatisfy(s -> {
                    assertThat(s.flowName()).isEqualTo("broken");
                    assertThat(s.state().type()).isEqualTo(StateType.FAILED);
                    assertThat(s.state().message()).contains("broken on purpose");
                });
        assertThat(history.flowRuns(filter(Set.of(StateType.FAILED, StateType.COMPLETED), null, null, null, null, 0,
                100)).total()).isEqualTo(9);
        assertThat(history.flowRuns(filter(Set.of(StateType.RUNNING), null, null, null, null, 0, 100)).total())
                .isZero();

        // name: a substring of the flow name or of the run name, whatever the case
        assertThat(history.flowRuns(filter(null, "nightly_", null, null, null, 0, 100)).items())
                .hasSize(3).allSatisfy(s -> assertThat(s.flowName()).isEqualTo("Nightly_ETL"));
        String runName = runs.get(4).name();
        assertThat(history.flowRuns(filter(null, runName.toUpperCase(), null, null, null, 0, 100)).items())
                .extracting(FlowRunSummary::id).containsExactly(runs.get(4).id());
        // LIKE's wildcards are plain characters in a name
        assertThat(history.flowRuns(filter(null, "%", null, null, null, 0, 100)).total()).isZero();
        assertThat(history.flowRuns(filter(null, "n_ghtly", null, null, null, 0, 100)).total()).isZero();

        // tags: every one given
        assertThat(history.flowRuns(filter(null, null, null, null, Set.of("finance"), 0, 100)).total()).isEqualTo(6);
        assertThat(history.flowRuns(filter(null, null, null, null, Set.of("finance", "nightly"), 0, 100)).items())
                .hasSize(3).allSatisfy(s -> assertThat(s.flowName()).isEqualTo("Nightly_ETL"));
        assertThat(history.flowRuns(filter(null, null, null, null, Set.of("fin"), 0, 100)).total()).isZero();
        assertThat(history.flowRuns(filter(null, null, null, null, Set.of("Finance"), 0, 100)).total()).isZero();

        // created in [after, before)
        Page<FlowRunSummary> middle = history.flowRuns(filter(null, null, created(runs.get(3)), created(runs.get(6)),
                null, 0, 100));
        assertThat(middle.items()).extracting(FlowRunSummary::id)
                .containsExactly(runs.get(5).id(), runs.get(4).id(), runs.get(3).id());
        assertThat(history.flowRuns(filter(null, null, Instant.MAX, null, null, 0, 100)).total()).isZero();
        assertThat(history.flowRuns(filter(null, null, null, Instant.MIN, null, 0, 100)).total()).isZero();

        // all of them together
        assertThat(history.flowRuns(filter(Set.of(StateType.COMPLETED), "etl", created(runs.get(3)), null,
                Set.of("nightly"), 0, 1)).items()).extracting(FlowRunSummary::id).containsExactly(runs.get(6).id());
    }

    @Test
    void flowsAreListedByNameWithTheirRunCountsTimesAndNewestRunsState() {
        Instant t0 = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        UUID beta1 = UUID.randomUUID(), beta2 = UUID.randomUUID(), beta3 = UUID.randomUUID();
        UUID upper = UUID.randomUUID(), lower = UUID.randomUUID(), quiet = UUID.randomUUID();
        JdbcRunStore store = store();
        store.record(List.of(
                created(beta1, "beta", t0),
                new RunEvent.FlowRunState(beta1, state(StateType.COMPLETED, "Completed", t0.plusMillis(1), null)),
                created(upper, "Alpha", t0.plusMillis(2)),
                new RunEvent.FlowRunState(upper, state(StateType.FAILED, "Failed", t0.plusMillis(3), null)),
                created(beta2, "beta", t0.plusMillis(4)),
                new RunEvent.FlowRunState(beta2, state(StateType.FAILED, "Failed", t0.plusMillis(5), null)),
                created(lower, "alpha-2", t0.plusMillis(6)),
                new RunEvent.FlowRunState(lower, state(StateType.COMPLETED, "Completed", t0.plusMillis(7), null)),
                // created after beta2, finished before it: still the newest run of "beta"
                created(beta3, "beta", t0.plusMillis(8)),
                new RunEvent.FlowRunState(beta3, state(StateType.CANCELLED, "Cancelled", t0.plusMillis(9), null)),
                created(quiet, "gamma", t0.plusMillis(10))));
        assertThat(store.flush(java.time.Duration.ofSeconds(30))).isTrue();
        JdbcRunHistory history = history();

        Page<FlowSummary> all = history.flows(0, 100);
        assertThat(all.total()).isEqualTo(4);
        assertThat(all.hasMore()).isFalse();
        // by code point, the same on every database: capitals first
        assertThat(all.items()).extracting(FlowSummary::name).containsExactly("Alpha", "alpha-2", "beta", "gamma");
        FlowSummary beta = all.items().get(2);
        assertThat(beta.flowRuns()).isEqualTo(3);
        assertThat(beta.firstRun()).isEqualTo(t0);
        assertThat(beta.lastRun()).isEqualTo(t0.plusMillis(8));
        assertThat(beta.lastFlowRunId()).isEqualTo(beta3);
        assertThat(beta.lastState().type()).isEqualTo(StateType.CANCELLED);
        assertThat(all.items().get(0).lastState().type()).isEqualTo(StateType.FAILED);
        FlowSummary gamma = all.items().get(3);
        assertThat(gamma.flowRuns()).isEqualTo(1);
        assertThat(gamma.lastFlowRunId()).isEqualTo(quiet);
        assertThat(gamma.lastState()).isNull(); // created, no state yet

        // pages of 3: 3 + 1, the same order; past the end: empty, the total still told
        Page<FlowSummary> first = history.flows(0, 3), second = history.flows(3, 3);
        assertThat(first.items()).extracting(FlowSummary::name).containsExactly("Alpha", "alpha-2", "beta");
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).extracting(FlowSummary::name).containsExactly("gamma");
        assertThat(second.offset()).isEqualTo(3);
        assertThat(second.hasMore()).isFalse();
        Page<FlowSummary> beyond = history.flows(10, 3);
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(4);

        // one flow by its exact name
        assertThat(history.flow("beta")).contains(beta);
        assertThat(history.flow("Beta")).isEmpty();
        assertThat(history.flow("bet")).isEmpty();
        assertThat(history.flow("x'; DROP TABLE flow_run; --")).isEmpty();
        assertThat(history.flows(0, 10).total()).isEqualTo(4);

        assertThatThrownBy(() -> history.flows(-1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> history.flows(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> history.flows(0, FlowSummary.MAX_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    private static RunEvent.FlowRunCreated created(UUID id, String flowName, Instant at) {
        return new RunEvent.FlowRunCreated(id, "run-" + id.toString().substring(0, 8), flowName, "[]", null, null,
                Set.of(), at, "test:1");
    }

    @Test
    void aFlowRunInFullHasItsHistoryTaskRunsInOrderWithDependenciesAndItsSubflowRuns() {
        JdbcRunStore store = store();
        FlowRun<Integer> run = recordingIn(store, () -> RunStoreContract.etl(new AtomicInteger()).run("db", 3));
        JdbcRunHistory history = history();

        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        FlowRunSummary summary = detail.run();
        assertThat(summary.id()).isEqualTo(run.id());
        assertThat(summary.name()).isEqualTo(run.name());
        assertThat(summary.flowName()).isEqualTo("etl");
        assertThat(summary.parentFlowRunId()).isNull();
        assertThat(summary.state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(summary.taskRuns()).isEqualTo(run.taskRuns().size());
        assertThat(summary.created()).isEqualTo(created(run));
        assertThat(summary.start()).isEqualTo(run.history().get(1).timestamp());
        assertThat(summary.end()).isEqualTo(run.state().timestamp());
        assertThat(detail.parameters()).isEqualTo("[\"db\",3]");
        assertSameHistory(run.history(), detail.history());

        List<TaskRun> live = run.taskRuns();
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name)
                .containsExactlyElementsOf(live.stream().map(TaskRun::name).toList());
        for (int i = 0; i < live.size(); i++) {
            TaskRun l = live.get(i);
            TaskRunDetail d = detail.taskRuns().get(i);
            assertThat(d.id()).isEqualTo(l.id());
            assertThat(d.flowRunId()).isEqualTo(run.id());
            assertThat(d.taskName()).isEqualTo(l.taskName());
            assertThat(d.taskVersion()).isEqualTo(l.taskVersion().orElse(null));
            assertThat(d.tags()).isEqualTo(l.tags());
            assertThat(d.upstream()).as(l.name() + " upstream")
                    .containsExactlyElementsOf(l.upstream().stream().map(TaskRun::id).toList());
            assertSameHistory(l.history(), d.history());
            assertThat(history.taskRun(l.id())).get().usingRecursiveComparison().isEqualTo(d);
        }
        TaskRunDetail transform = detail.taskRuns().stream().filter(t -> t.taskName().equals("transform"))
                .findFirst().orElseThrow();
        assertThat(transform.upstream()).hasSize(2);
        assertThat(transform.start()).isNotNull();
        assertThat(transform.end()).isNotNull();

        // the subflow: listed, and its stand-in task run points at it
        assertThat(detail.subflowRuns()).hasSize(1);
        FlowRunSummary sub = detail.subflowRuns().get(0);
        assertThat(sub.flowName()).isEqualTo("child");
        assertThat(sub.parentFlowRunId()).isEqualTo(run.id());
        assertThat(sub.taskRuns()).isEqualTo(1);
        TaskRunDetail standIn = detail.taskRuns().stream().filter(t -> t.taskName().equals("child")).findFirst()
                .orElseThrow();
        assertThat(standIn.subflowRunId()).isEqualTo(sub.id());
        assertThat(history.taskRun(standIn.id()).orElseThrow().subflowRunId()).isEqualTo(sub.id());
        assertThat(history.flowRun(sub.id()).orElseThrow().taskRuns()).extracting(TaskRunDetail::name)
                .containsExactly("square-0");
    }

    @Test
    void aCompletedStateWithAPersistedResultSaysWhereTheResultLies() {
        Task1<Integer, Integer> kept = Task.named("kept").persistResult(true).of(x -> x * 2);
        Flow0<Integer> flow = Flow.named("persisting").persistResult(true).of(() -> kept.call(21));
        JdbcRunStore store = store();
        FlowRun<Integer> run = recordingIn(store, flow::run);
        FlowRunDetail detail = history().flowRun(run.id()).orElseThrow();

        StateRecord completed = detail.history().get(detail.history().size() - 1);
        assertThat(completed.type()).isEqualTo(StateType.COMPLETED);
        assertThat(completed.resultRef()).isEqualTo(run.state().persistedResult().orElseThrow().location());
        assertThat(Path.of(completed.resultRef())).isRegularFile();
        assertThat(detail.history().subList(0, detail.history().size() - 1))
                .allSatisfy(s -> assertThat(s.resultRef()).isNull());
        assertThat(detail.run().state().resultRef()).isEqualTo(completed.resultRef());

        TaskRun task = run.taskRuns().get(0);
        StateRecord taskCompleted = detail.taskRuns().get(0).state();
        task.state().persistedResult().ifPresent(p -> assertThat(taskCompleted.resultRef()).isEqualTo(p.location()));
        assertThat(taskCompleted.resultRef()).as("the task run's persisted result").isNotNull();
        assertThat(Path.of(taskCompleted.resultRef())).isRegularFile();
    }

    @Test
    void reportedEventsAreRecordedInOrderAndAStoreOpenedLaterContinuesTheirHistories() throws Exception {
        UUID flowRunId = UUID.randomUUID(), a = UUID.randomUUID(), b = UUID.randomUUID();
        // recent: a store opening finds runs silent for longer than the crash timeout crashed
        Instant t0 = Instant.now().minusSeconds(1).plusNanos(123);
        StateRecord pending = state(StateType.PENDING, "Pending", t0, null),
                running = state(StateType.RUNNING, "Running", t0.plusMillis(1), null);
        JdbcRunStore first = store();
        first.record(List.of(
                new RunEvent.FlowRunCreated(flowRunId, "brave-otter", "reported", "[1,\"x\"]", null, null,
                        Set.of("remote", "eu"), t0, "4242@worker-7"),
                new RunEvent.FlowRunState(flowRunId, pending),
                new RunEvent.FlowRunState(flowRunId, running),
                new RunEvent.TaskRunCreated(a, flowRunId, 0, "load-0", "load", "2", Set.of("io"), List.of(), null, 0),
                new RunEvent.TaskRunState(flowRunId, a, pending),
                new RunEvent.TaskRunCreated(b, flowRunId, 1, "sum-0", "sum", null, Set.of(), List.of(a), null),
                new RunEvent.TaskRunState(flowRunId, a, running),
                new RunEvent.Log(new LogLine(flowRunId, a, t0.plusMillis(2), "INFO", "dev.baton.task_runs", "loading")),
                new RunEvent.Heartbeat(List.of(flowRunId), t0.plusSeconds(5))));
        assertThat(first.flush(java.time.Duration.ofSeconds(30))).isTrue();
        first.close();

        // a store opened later (a restarted server) goes on with the same runs
        JdbcRunStore second = store();
        second.record(List.of(
                new RunEvent.TaskRunState(flowRunId, a, state(StateType.COMPLETED, "Completed", t0.plusMillis(3), null)),
                new RunEvent.TaskRunState(flowRunId, b, pending),
                new RunEvent.TaskRunState(flowRunId, b, running),
                new RunEvent.Log(new LogLine(flowRunId, b, t0.plusMillis(4), "WARN", "dev.baton.task_runs", "summing")),
                new RunEvent.TaskRunState(flowRunId, b, state(StateType.COMPLETED, "Completed", t0.plusMillis(5),
                        "/results/abc")),
                new RunEvent.Heartbeat(List.of(flowRunId), t0.plusSeconds(10)),
                new RunEvent.FlowRunState(flowRunId, state(StateType.COMPLETED, "Completed", t0.plusMillis(6), "/r/f")),
                new RunEvent.FlowRunFinished(flowRunId)));
        JdbcRunHistory history = JdbcRunHistory.of(second);

        FlowRunDetail detail = history.flowRun(flowRunId).orElseThrow();
        assertThat(detail.run().name()).isEqualTo("brave-otter");
        assertThat(detail.run().created()).isEqualTo(t0);
        assertThat(detail.run().start()).isEqualTo(t0.plusMillis(1));
        assertThat(detail.run().end()).isEqualTo(t0.plusMillis(6));
        assertThat(detail.run().taskRuns()).isEqualTo(2);
        assertThat(detail.parameters()).isEqualTo("[1,\"x\"]");
        assertThat(detail.history()).extracting(StateRecord::name).containsExactly("Pending", "Running", "Completed");
        assertThat(detail.history().get(2).resultRef()).isEqualTo("/r/f");
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name).containsExactly("load-0", "sum-0");
        assertThat(detail.taskRuns().get(0).history()).extracting(StateRecord::name)
                .containsExactly("Pending", "Running", "Completed");
        assertThat(detail.taskRuns().get(0).taskVersion()).isEqualTo("2");
        assertThat(detail.taskRuns().get(0).tags()).containsExactly("io");
        assertThat(detail.taskRuns().get(1).upstream()).containsExactly(a);
        assertThat(detail.taskRuns().get(1).history()).extracting(StateRecord::timestamp)
                .containsExactly(t0, t0.plusMillis(1), t0.plusMillis(5));
        assertThat(detail.taskRuns().get(1).state().resultRef()).isEqualTo("/results/abc");
        assertThat(history.logs(new LogFilter(flowRunId, null, 0, 10)).items()).extracting(LogLine::message)
                .containsExactly("loading", "summing");
        assertThat(history.flowRuns(filter(null, null, null, null, Set.of("remote", "eu"), 0, 10)).items())
                .extracting(FlowRunSummary::id).containsExactly(flowRunId);
        // the call position a reporter gave is kept; a run reported without one has none
        assertThat(second.flowRun(flowRunId).orElseThrow().taskRuns()).extracting(TaskRun::callPosition)
                .containsExactly(0, -1);

        Database db = database();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT process, heartbeat_ns FROM flow_run WHERE id = ?")) {
            db.setUuid(s, 1, flowRunId);
            try (var r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("4242@worker-7");
                assertThat(r.getLong(2)).isEqualTo(HistoryQueries.nanos(t0.plusSeconds(10)));
            }
        }
    }

    @Test
    void reportedCreationsSentAgainAfterARestartAreRecordedOnceAndNothingAfterThemIsLost() {
        UUID flowRunId = UUID.randomUUID(), a = UUID.randomUUID(), b = UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(1);
        StateRecord pending = state(StateType.PENDING, "Pending", t0, null),
                running = state(StateType.RUNNING, "Running", t0.plusMillis(1), null);
        List<RunEvent> batch = List.of(
                new RunEvent.FlowRunCreated(flowRunId, "twice-told", "resent", "[]", null, null, Set.of(), t0, "1@h"),
                new RunEvent.FlowRunState(flowRunId, pending),
                new RunEvent.FlowRunState(flowRunId, running),
                new RunEvent.TaskRunCreated(a, flowRunId, 0, "load-0", "load", null, Set.of(), List.of(), null),
                new RunEvent.TaskRunState(flowRunId, a, pending),
                new RunEvent.TaskRunCreated(b, flowRunId, 1, "sum-0", "sum", null, Set.of(), List.of(a), null),
                new RunEvent.TaskRunState(flowRunId, a, running),
                new RunEvent.Log(new LogLine(flowRunId, a, t0.plusMillis(2), "INFO", "dev.baton.task_runs", "loading")));
        JdbcRunStore first = store();
        first.record(batch);
        first.close();

        // a restarted server gets the same batch again (the client never saw its answer), then the next one
        JdbcRunStore second = store();
        List<RunEvent> resentAndNext = new ArrayList<>(batch);
        resentAndNext.add(new RunEvent.TaskRunState(flowRunId, a, state(StateType.COMPLETED, "Completed",
                t0.plusMillis(3), null)));
        resentAndNext.add(new RunEvent.TaskRunState(flowRunId, b, state(StateType.PENDING, "Pending",
                t0.plusMillis(4), null)));
        resentAndNext.add(new RunEvent.FlowRunState(flowRunId, state(StateType.COMPLETED, "Completed",
                t0.plusMillis(5), null)));
        second.record(resentAndNext);
        FlowRunDetail detail = JdbcRunHistory.of(second).flowRun(flowRunId).orElseThrow();

        assertThat(second.lostEvents()).isZero();
        assertThat(detail.history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(detail.run().state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name).containsExactly("load-0", "sum-0");
        assertThat(detail.taskRuns().get(0).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(detail.taskRuns().get(1).history()).extracting(StateRecord::type).containsExactly(StateType.PENDING);
        assertThat(detail.taskRuns().get(1).upstream()).containsExactly(a);
        assertThat(JdbcRunHistory.of(second).logs(new LogFilter(flowRunId, null, 0, 10)).items())
                .extracting(LogLine::message).containsExactly("loading");
        second.close();

        // states alone sent again to a server restarted once more (its runs created before it): recorded once
        JdbcRunStore third = store();
        third.record(List.of(
                new RunEvent.TaskRunState(flowRunId, b, state(StateType.PENDING, "Pending", t0.plusMillis(4), null)),
                new RunEvent.TaskRunState(flowRunId, b, state(StateType.RUNNING, "Running", t0.plusMillis(6), null)),
                new RunEvent.TaskRunState(flowRunId, b, state(StateType.COMPLETED, "Completed", t0.plusMillis(7),
                        null))));
        FlowRunDetail again = JdbcRunHistory.of(third).flowRun(flowRunId).orElseThrow();
        assertThat(third.lostEvents()).isZero();
        assertThat(again.taskRuns().get(1).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(again.taskRuns().get(1).state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(again.taskRuns().get(0).history()).hasSize(3);
        assertThat(again.history()).hasSize(3);
    }

    @Test
    void reportedEventsSentTwiceInOneListAreRecordedOnce() {
        UUID flowRunId = UUID.randomUUID(), a = UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(1);
        List<RunEvent> sent = List.of(
                new RunEvent.FlowRunCreated(flowRunId, "told-twice", "resent", "[]", null, null, Set.of(), t0, "1@h"),
                new RunEvent.FlowRunState(flowRunId, state(StateType.PENDING, "Pending", t0, null)),
                new RunEvent.TaskRunCreated(a, flowRunId, 0, "load-0", "load", null, Set.of(), List.of(), null),
                new RunEvent.TaskRunState(flowRunId, a, state(StateType.PENDING, "Pending", t0, null)),
                new RunEvent.TaskRunState(flowRunId, a, state(StateType.RUNNING, "Running", t0.plusMillis(1), null)));
        List<RunEvent> twice = new ArrayList<>(sent);
        twice.addAll(sent); // a client's batch sent again before the first was answered: one write
        twice.add(new RunEvent.TaskRunState(flowRunId, a, state(StateType.COMPLETED, "Completed", t0.plusMillis(2),
                null)));
        JdbcRunStore store = store();
        store.record(twice);
        FlowRunDetail detail = JdbcRunHistory.of(store).flowRun(flowRunId).orElseThrow();

        assertThat(store.lostEvents()).isZero();
        assertThat(detail.history()).extracting(StateRecord::type).containsExactly(StateType.PENDING);
        assertThat(detail.taskRuns()).hasSize(1);
        assertThat(detail.taskRuns().get(0).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(detail.taskRuns().get(0).state().type()).isEqualTo(StateType.COMPLETED);
    }

    @Test
    void taskRunStatesRecordedBeforeVersion4AreInTheirRowsAfterTheUpgrade() throws Exception {
        org.flywaydb.core.api.configuration.FluentConfiguration config = org.flywaydb.core.Flyway
                .configure(Migrations.class.getClassLoader()).dataSource(url(), null, null)
                .locations(Migrations.LOCATION).table(Migrations.HISTORY_TABLE).target("3");
        if (schema() != null) config.schemas(schema()).createSchemas(true);
        config.load().migrate();
        Database db = database();
        UUID flowRunId = UUID.randomUUID(), a = UUID.randomUUID(), b = UUID.randomUUID(), c = UUID.randomUUID();
        long t0 = Clock.system().epochNanos();
        try (Connection conn = db.connect()) {
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO flow_run (id, name, flow_name, parameters,"
                    + " state_type, state_name, created_ns, end_ns) VALUES (?, 'old-run', 'old', '[]', 'COMPLETED',"
                    + " 'Completed', ?, ?)")) {
                db.setUuid(s, 1, flowRunId);
                s.setLong(2, t0);
                s.setLong(3, t0 + 9);
                s.executeUpdate();
            }
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO task_run (id, flow_run_id, ordinal, name,"
                    + " task_name, tags, state_type, state_name) VALUES (?, ?, ?, ?, 'old', '[]', ?, ?)")) {
                Object[][] rows = {{a, 0, "COMPLETED", "Cached"}, {b, 1, "FAILED", "Failed"}, {c, 2, null, null}};
                for (Object[] row : rows) {
                    db.setUuid(s, 1, (UUID) row[0]);
                    db.setUuid(s, 2, flowRunId);
                    s.setInt(3, (Integer) row[1]);
                    s.setString(4, "old-" + row[1]);
                    s.setString(5, (String) row[2]);
                    s.setString(6, (String) row[3]);
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO task_run_state (flow_run_id, task_run_id, seq,"
                    + " type, name, timestamp_ns, message, scheduled_ns, result_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[][] states = {
                        {b, 0, "PENDING", "Pending", 1L, null, null, null},
                        {a, 1, "COMPLETED", "Cached", 3L, "from\tcache\nline two \\N", null, "results/a.json"},
                        {a, 0, "PENDING", "Pending", 2L, null, null, null},
                        {b, 2, "FAILED", "Failed", 5L, "boom", null, null},
                        {b, 1, "SCHEDULED", "AwaitingRetry", 4L, "", 77L, null}};
                for (Object[] st : states) {
                    db.setUuid(s, 1, flowRunId);
                    db.setUuid(s, 2, (UUID) st[0]);
                    s.setInt(3, (Integer) st[1]);
                    s.setString(4, (String) st[2]);
                    s.setString(5, (String) st[3]);
                    s.setLong(6, t0 + (Long) st[4]);
                    s.setString(7, (String) st[5]);
                    if (st[6] == null) s.setNull(8, java.sql.Types.BIGINT);
                    else s.setLong(8, t0 + (Long) st[6]);
                    s.setString(9, (String) st[7]);
                    s.addBatch();
                }
                s.executeBatch();
            }
            conn.commit();
        }

        assertThat(Migrations.apply(db)).isEqualTo(Migrations.LATEST_VERSION - 3);
        FlowRunDetail detail = history().flowRun(flowRunId).orElseThrow();
        Instant at = Instant.ofEpochSecond(0, t0);
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::name).containsExactly("old-0", "old-1", "old-2");
        assertThat(detail.taskRuns().get(0).history()).containsExactly(
                new StateRecord(StateType.PENDING, "Pending", at.plusNanos(2), null, null, null),
                new StateRecord(StateType.COMPLETED, "Cached", at.plusNanos(3), "from\tcache\nline two \\N", null,
                        "results/a.json"));
        assertThat(detail.taskRuns().get(1).history()).containsExactly(
                new StateRecord(StateType.PENDING, "Pending", at.plusNanos(1), null, null, null),
                new StateRecord(StateType.SCHEDULED, "AwaitingRetry", at.plusNanos(4), "", at.plusNanos(77), null),
                new StateRecord(StateType.FAILED, "Failed", at.plusNanos(5), "boom", null, null));
        assertThat(detail.taskRuns().get(2).history()).isEmpty();
        try (Connection conn = db.connect(); Statement s = conn.createStatement();
             ResultSet r = s.executeQuery("SELECT SUM(state_count) FROM task_run")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(5);
        }
        // and the runs go on: a store appends to the migrated rows
        JdbcRunStore store = store();
        store.record(List.of(new RunEvent.TaskRunState(flowRunId, c, state(StateType.PENDING, "Pending",
                at.plusNanos(6), null))));
        assertThat(JdbcRunHistory.of(store).flowRun(flowRunId).orElseThrow().taskRuns().get(2).history())
                .extracting(StateRecord::type).containsExactly(StateType.PENDING);
    }

    @Test
    void aListOfReportedEventsWithABadOneIsRefusedWholeSayingWhichAndWhy() {
        JdbcRunStore store = store();
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> store.record(List.of(
                new RunEvent.FlowRunCreated(id, "n", "f", "[]", null, null, Set.of(), Instant.now(), "p"),
                new RunEvent.FlowRunState(id, new StateRecord(null, "Pending", Instant.now(), null, null, null)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Run event 1", "without type");
        assertThatThrownBy(() -> store.record(java.util.Arrays.asList(
                new RunEvent.FlowRunFinished(id), null))).hasMessageContaining("Run event 1 is null");
        assertThat(history().flowRun(id)).isEmpty();
    }

    @Test
    void silentFlowRunsAreMarkedCrashedOnceWithTheirTaskRunsWhateverHowManyDetectorsRunAtOnce() throws Exception {
        JdbcRunStore store = store();
        Instant now = Instant.now(), old = now.minus(java.time.Duration.ofMinutes(10));
        UUID silent = UUID.randomUUID(), alive = UUID.randomUUID(), queued = UUID.randomUUID(),
                scheduled = UUID.randomUUID(), stillborn = UUID.randomUUID();
        UUID done = UUID.randomUUID(), busy = UUID.randomUUID(), waiting = UUID.randomUUID();
        List<RunEvent> events = new ArrayList<>();
        for (UUID id : List.of(silent, alive, queued, scheduled, stillborn)) {
            // queued: created through the API, waiting for whoever starts it; the others by a flow process,
            // stillborn's dead before it started its run (which a process does at once)
            events.add(new RunEvent.FlowRunCreated(id, "run-" + id.toString().substring(0, 8), "watched", "[]", null,
                    null, Set.of(), old, id.equals(queued) ? null : "777@gone-host"));
            events.add(new RunEvent.FlowRunState(id, state(StateType.PENDING, "Pending", old, null)));
        }
        for (UUID id : List.of(silent, alive)) {
            events.add(new RunEvent.FlowRunState(id, state(StateType.RUNNING, "Running", old, null)));
        }
        events.add(new RunEvent.FlowRunState(scheduled, state(StateType.SCHEDULED, "Scheduled", old, null)));
        events.add(new RunEvent.Heartbeat(List.of(silent, scheduled), old.plusSeconds(1)));
        events.add(new RunEvent.Heartbeat(List.of(alive), now));
        int ordinal = 0;
        for (UUID t : List.of(done, busy, waiting)) {
            events.add(new RunEvent.TaskRunCreated(t, silent, ordinal++, "t-" + ordinal, "t", null, Set.of("db"),
                    List.of(), null));
            events.add(new RunEvent.TaskRunState(silent, t, state(StateType.PENDING, "Pending", old, null)));
        }
        events.add(new RunEvent.TaskRunState(silent, done, state(StateType.RUNNING, "Running", old, null)));
        events.add(new RunEvent.TaskRunState(silent, done, state(StateType.COMPLETED, "Completed", old, null)));
        events.add(new RunEvent.TaskRunState(silent, busy, state(StateType.RUNNING, "Running", old, null)));
        store.record(events);
        assertThat(store.flush(java.time.Duration.ofSeconds(30))).isTrue();
        holdSlot("db", busy, silent, 1);
        holdSlot("db", UUID.randomUUID(), alive, 2);

        int detectors = 6;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(detectors);
        List<UUID> marked = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < detectors; i++) {
            CrashDetector detector = CrashDetector.of(store, java.time.Duration.ofSeconds(30));
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    marked.addAll(detector.detect());
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();
        assertThat(marked).as("flow runs marked, by all detectors together")
                .containsExactlyInAnyOrder(silent, scheduled, stillborn);

        JdbcRunHistory history = history();
        FlowRunDetail crashed = history.flowRun(silent).orElseThrow();
        assertThat(crashed.history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.CRASHED);
        assertThat(crashed.run().state().type()).isEqualTo(StateType.CRASHED);
        assertThat(crashed.run().end()).isNotNull();
        assertThat(crashed.run().state().message()).contains("777@gone-host", "heartbeat",
                old.plusSeconds(1).toString(), "crash timeout");
        assertThat(crashed.taskRuns()).extracting(t -> t.state().type())
                .containsExactly(StateType.COMPLETED, StateType.CRASHED, StateType.CRASHED);
        assertThat(crashed.taskRuns().get(1).history()).extracting(StateRecord::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.CRASHED);
        assertThat(history.flowRun(scheduled).orElseThrow().run().state().type()).isEqualTo(StateType.CRASHED);
        assertThat(history.flowRun(alive).orElseThrow().run().state().type()).isEqualTo(StateType.RUNNING);
        assertThat(history.flowRun(queued).orElseThrow().run().state().type()).as("pending, never heard of")
                .isEqualTo(StateType.PENDING);
        assertThat(history.flowRun(stillborn).orElseThrow().run().state().type()).as("its process died before it ran")
                .isEqualTo(StateType.CRASHED);
        assertThat(history.concurrencyLimit("db")).isEmpty();
        history.putConcurrencyLimit("db", 5);
        assertThat(history.concurrencyLimit("db").orElseThrow().activeSlots()).as("slots of the crashed run freed")
                .hasSize(1).doesNotContain(busy);

        // a later pass finds nothing more
        assertThat(CrashDetector.of(store, java.time.Duration.ofSeconds(30)).detect()).isEmpty();
    }

    @Test
    void openingAStoreFindsCrashedRunsUnlessToldNotTo() {
        UUID id = UUID.randomUUID();
        Instant old = Instant.now().minusSeconds(600);
        JdbcRunStore first = store();
        first.record(List.of(
                new RunEvent.FlowRunCreated(id, "left-behind", "f", "[]", null, null, Set.of(), old, "1@h"),
                new RunEvent.FlowRunState(id, state(StateType.RUNNING, "Running", old, null)),
                new RunEvent.Heartbeat(List.of(id), old)));
        first.close();

        JdbcRunStore server = JdbcRunStore.builder().url(url()).schema(schema()).detectCrashesOnOpen(false).build();
        opened.add(server);
        JdbcRunHistory history = history();
        assertThat(history.flowRun(id).orElseThrow().run().state().type()).isEqualTo(StateType.RUNNING);
        store(); // the next session
        assertThat(history.flowRun(id).orElseThrow().run().state().type()).isEqualTo(StateType.CRASHED);
    }

    @Test
    void concurrencySlotsAreTakenAllOrNoneAndGivenBack() {
        JdbcRunStore store = store();
        JdbcRunHistory history = history();
        history.putConcurrencyLimit("db", 2);
        history.putConcurrencyLimit("api", 1);
        history.putConcurrencyLimit("frozen", 0);
        UUID flow = UUID.randomUUID(), t1 = UUID.randomUUID(), t2 = UUID.randomUUID(), t3 = UUID.randomUUID();
        try (JdbcConcurrencySlots slots = JdbcConcurrencySlots.of(store).retryAfter(java.time.Duration.ofMillis(250))) {
            assertThat(slots.acquire(t1, flow, Set.of("db", "api", "unlimited"))).isEqualTo(Acquisition.ACQUIRED);
            assertThat(slots.acquire(t2, flow, Set.of("db", "api")))
                    .isEqualTo(new Acquisition.RetryAfter(java.time.Duration.ofMillis(250), "api"));
            assertThat(history.concurrencyLimit("db").orElseThrow().activeSlots()).as("none taken when one is full")
                    .containsExactly(t1);
            assertThat(slots.acquire(t2, flow, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
            assertThat(slots.acquire(t3, flow, Set.of("db"))).isInstanceOf(Acquisition.RetryAfter.class);
            assertThat(slots.acquire(t2, flow, Set.of("db"))).as("held already").isEqualTo(Acquisition.ACQUIRED);
            assertThat(history.concurrencyLimit("db").orElseThrow().activeSlots()).containsExactlyInAnyOrder(t1, t2);

            slots.release(t1);
            assertThat(slots.acquire(t3, flow, Set.of("db", "api"))).isEqualTo(Acquisition.ACQUIRED);
            assertThat(history.concurrencyLimit("api").orElseThrow().activeSlots()).containsExactly(t3);
            assertThat(slots.acquire(UUID.randomUUID(), flow, Set.of("unlimited", "other"))).isEqualTo(Acquisition.ACQUIRED);
            assertThat(slots.acquire(UUID.randomUUID(), flow, Set.of())).isEqualTo(Acquisition.ACQUIRED);
            assertThat(slots.acquire(UUID.randomUUID(), flow, Set.of("frozen")))
                    .isEqualTo(new Acquisition.RetryAfter(java.time.Duration.ofMillis(250), "frozen"));
            slots.release(UUID.randomUUID()); // holds nothing: nothing happens
            slots.release(t2);
            slots.release(t3);
            assertThat(history.concurrencyLimits()).allSatisfy(l -> assertThat(l.activeSlots()).isEmpty());
        }
    }

    @Test
    void concurrentAcquirersNeverHoldMoreSlotsThanTheLimit() throws Exception {
        JdbcRunStore store = store();
        JdbcRunHistory history = history();
        int limit = 3, threads = 16, rounds = 25;
        history.putConcurrencyLimit("db", limit);
        history.putConcurrencyLimit("wide", 5);
        java.util.concurrent.atomic.AtomicInteger holders = new java.util.concurrent.atomic.AtomicInteger(),
                most = new java.util.concurrent.atomic.AtomicInteger(),
                acquired = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        try (JdbcConcurrencySlots slots = JdbcConcurrencySlots.of(store)) {
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        UUID flow = UUID.randomUUID();
                        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                        for (int r = 0; r < rounds; r++) {
                            UUID run = UUID.randomUUID();
                            while (slots.acquire(run, flow, Set.of("db", "wide")) instanceof Acquisition.RetryAfter) {
                                if (System.nanoTime() > deadline) throw new AssertionError("no slot within 60 s");
                                Thread.yield(); // ask again at once: as many acquirers racing as possible
                            }
                            try {
                                most.accumulateAndGet(holders.incrementAndGet(), Math::max);
                                acquired.incrementAndGet();
                                Thread.sleep(1);
                            } finally {
                                holders.decrementAndGet();
                                slots.release(run);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread w : workers) w.join();
        }
        assertThat(errors).isEmpty();
        assertThat(acquired.get()).isEqualTo(threads * rounds);
        assertThat(most.get()).as("most holders at once").isLessThanOrEqualTo(limit);
        assertThat(history.concurrencyLimit("db").orElseThrow().activeSlots()).isEmpty();
    }

    static StateRecord state(StateType type, String name, Instant at, String resultRef) {
        return new StateRecord(type, name, at, null, null, resultRef);
    }

    @Test
    void aFlowRunWithManyTaskRunsHoldsTheFirstThousandAndPagesCoverThemAllInOrder() {
        int count = 2_500;
        UUID flowRunId = UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(1);
        List<RunEvent> events = new ArrayList<>();
        events.add(new RunEvent.FlowRunCreated(flowRunId, "wide-run", "wide", "[]", null, null, Set.of(), t0, null));
        events.add(new RunEvent.FlowRunState(flowRunId, state(StateType.RUNNING, "Running", t0, null)));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            events.add(new RunEvent.TaskRunCreated(id, flowRunId, i, "step-" + i, "step", null, Set.of(),
                    i == 0 ? List.of() : List.of(ids.get(i - 1)), null));
            events.add(new RunEvent.TaskRunState(flowRunId, id, state(StateType.PENDING, "Pending", t0, null)));
            events.add(new RunEvent.TaskRunState(flowRunId, id, state(StateType.COMPLETED, "Completed",
                    t0.plusNanos(1000L * (i + 1)), null)));
            ids.add(id);
        }
        // the task run at 1,500 stands for a subflow run (which names it as its parent task run)
        UUID subflowRunId = UUID.randomUUID();
        events.add(new RunEvent.FlowRunCreated(subflowRunId, "sub-run", "sub", "[]", flowRunId, ids.get(1500),
                Set.of(), t0.plusMillis(1), null));
        JdbcRunStore store = store();
        store.record(events);
        JdbcRunHistory history = JdbcRunHistory.of(store);

        FlowRunDetail detail = history.flowRun(flowRunId).orElseThrow();
        assertThat(detail.run().taskRuns()).isEqualTo(count);
        assertThat(detail.taskRuns()).hasSize(FlowRunDetail.MAX_TASK_RUNS);
        assertThat(detail.taskRuns()).extracting(TaskRunDetail::id).containsExactlyElementsOf(ids.subList(0, 1000));

        List<TaskRunDetail> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 700) {
            Page<TaskRunDetail> page = history.taskRuns(flowRunId, offset, 700).orElseThrow();
            assertThat(page.total()).isEqualTo(count);
            assertThat(page.offset()).isEqualTo(offset);
            paged.addAll(page.items());
            if (!page.hasMore()) break;
        }
        assertThat(paged).extracting(TaskRunDetail::id).containsExactlyElementsOf(ids);
        for (int i = 0; i < count; i++) {
            TaskRunDetail t = paged.get(i);
            assertThat(t.name()).isEqualTo("step-" + i);
            assertThat(t.upstream()).as("upstream of step-" + i)
                    .isEqualTo(i == 0 ? List.of() : List.of(ids.get(i - 1)));
            assertThat(t.history()).extracting(StateRecord::name).containsExactly("Pending", "Completed");
            assertThat(t.subflowRunId()).isEqualTo(i == 1500 ? subflowRunId : null);
        }
        assertThat(paged.subList(0, 1000)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(detail.taskRuns());
        assertThat(history.taskRuns(flowRunId, 2_499, 10).orElseThrow().items()).extracting(TaskRunDetail::id)
                .containsExactly(ids.get(2_499));
        Page<TaskRunDetail> pastTheEnd = history.taskRuns(flowRunId, 5_000, 10).orElseThrow();
        assertThat(pastTheEnd.items()).isEmpty();
        assertThat(pastTheEnd.total()).isEqualTo(count);
        assertThat(history.taskRuns(subflowRunId, 0, 10).orElseThrow().total()).isZero();
        assertThat(history.taskRuns(UUID.randomUUID(), 0, 10)).isEmpty();
        assertThatThrownBy(() -> history.taskRuns(flowRunId, -1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> history.taskRuns(flowRunId, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> history.taskRuns(flowRunId, 0, 10_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 10000");
    }

    @Test
    void unknownIdsAreEmptyAndBadFiltersAreRefusedSayingWhy() {
        JdbcRunHistory history = history();
        assertThat(history.flowRun(UUID.randomUUID())).isEmpty();
        assertThat(history.taskRun(UUID.randomUUID())).isEmpty();
        assertThat(history.flowRuns(FlowRunFilter.all(10)).items()).isEmpty();
        assertThat(history.flows(0, 10).total()).isZero();
        assertThat(history.flows(0, 10).items()).isEmpty();
        assertThat(history.flow("nothing")).isEmpty();
        assertThat(history.concurrencyLimit("nothing")).isEmpty();
        assertThat(history.deleteConcurrencyLimit("nothing")).isFalse();
        // input that would break SQL built from strings is only ever a value
        String nasty = "x'; DROP TABLE flow_run; --\"]";
        assertThat(history.flowRuns(filter(null, nasty, null, null, Set.of(nasty), 0, 10)).total()).isZero();
        assertThat(history.flowRuns(FlowRunFilter.all(10)).total()).isZero();

        assertThatThrownBy(() -> filter(null, null, null, null, null, -1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> filter(null, null, null, null, null, 0, FlowRunFilter.MAX_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> history.putConcurrencyLimit(" ", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> history.putConcurrencyLimit("db", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or more");
    }

    @Test
    void concurrencyLimitsAreCreatedChangedListedWithTheirHoldersAndDeleted() throws Exception {
        JdbcRunHistory history = history();
        ConcurrencyLimit db = history.putConcurrencyLimit("db", 3);
        assertThat(db.tag()).isEqualTo("db");
        assertThat(db.limit()).isEqualTo(3);
        assertThat(db.activeSlots()).isEmpty();
        assertThat(db.created()).isNotNull();
        history.putConcurrencyLimit("api", 1);

        UUID holder1 = UUID.randomUUID(), holder2 = UUID.randomUUID();
        holdSlot("db", holder1, 1);
        holdSlot("db", holder2, 2);
        ConcurrencyLimit changed = history.putConcurrencyLimit("db", 5);
        assertThat(changed.limit()).isEqualTo(5);
        assertThat(changed.created()).isEqualTo(db.created());
        assertThat(changed.activeSlots()).containsExactly(holder1, holder2);

        assertThat(history.concurrencyLimits()).extracting(ConcurrencyLimit::tag).containsExactly("api", "db");
        assertThat(history.concurrencyLimit("db")).get().extracting(ConcurrencyLimit::activeSlots)
                .isEqualTo(List.of(holder1, holder2));

        assertThat(history.deleteConcurrencyLimit("db")).isTrue();
        assertThat(history.deleteConcurrencyLimit("db")).isFalse();
        assertThat(history.concurrencyLimit("db")).isEmpty();
        assertThat(history.concurrencyLimits()).extracting(ConcurrencyLimit::tag).containsExactly("api");
        history.putConcurrencyLimit("db", 2);
        assertThat(history.concurrencyLimit("db").orElseThrow().activeSlots()).as("slots of the deleted limit")
                .isEmpty();
    }

    @Test
    void aHistoryOverAStoreSeesWhatTheStoreStillHadQueued() {
        JdbcRunStore store = store();
        RecordingStore recording = new RecordingStore();
        FlowRun<Integer> run = Flow.named("queued").of(() -> Task.named("inc").<Integer, Integer>of(x -> x + 1).call(1))
                .on(BatonRuntime.builder().store(recording).home(home).build()).run();
        recording.replayInto(store); // queued: flowRunFinished never called
        try (JdbcRunHistory history = JdbcRunHistory.of(store)) {
            FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
            assertThat(detail.taskRuns()).hasSize(1);
            assertThat(detail.run().state().type()).isEqualTo(StateType.COMPLETED);
            assertThat(history.description()).isEqualTo(store.description());
        }
        assertThat(store.flowRun(run.id())).as("the store stays open").isPresent();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(HostileRuns.Case.class)
    void hostileTextIsRecordedCleanedAndNeitherItsFlowRunNorTheNeighbourLosesAnything(HostileRuns.Case c)
            throws Exception {
        JdbcRunStore store = store();
        HostileRuns.Runs runs = HostileRuns.run(c, BatonRuntime.builder().store(store).home(home).build());
        assertThat(store.lostEvents()).isZero();
        HostileRuns.assertRecorded(history(), runs);
    }

    @Test
    void everyLogLineWrittenDuringARunIsRecordedInOrderWithItsRunIds() throws Exception {
        Task1<Integer, Integer> noisy = Task.named("noisy").of(x -> {
            Baton.logger().info("task sees {}", x);
            Baton.logger().atWarn().setMessage("fluent {}").addArgument(() -> x * 10).log();
            Baton.logger().debug("below the level: not recorded");
            return x + 1;
        });
        Flow0<Integer> flow = Flow.named("chatty").of(() -> {
            Baton.logger().info("before");
            int r = noisy.call(1) + noisy.call(2);
            Baton.logger().error("after", new IllegalStateException("boom"));
            return r;
        });
        JdbcRunStore store = store();
        FlowRun<Integer> run = withRunLoggersAtInfo(() -> recordingIn(store, flow::run));
        JdbcRunHistory history = history();

        Page<LogLine> page = history.logs(new LogFilter(run.id(), null, 0, LogFilter.MAX_LIMIT));
        List<LogLine> lines = page.items();
        assertThat(lines.get(0).message()).isEqualTo("Created flow run '" + run.name() + "' for flow 'chatty'");
        assertThat(lines).extracting(LogLine::message).containsSubsequence("before",
                "Created task run 'noisy-0' for task 'noisy'", "task sees 1", "fluent 10",
                "Finished in state Completed()", "task sees 2", "fluent 20");
        assertThat(lines).extracting(LogLine::message).noneMatch(m -> m.contains("below the level"));
        assertThat(lines).allSatisfy(l -> assertThat(l.flowRunId()).isEqualTo(run.id()));
        LogLine after = lines.stream().filter(l -> l.message().startsWith("after")).findFirst().orElseThrow();
        assertThat(after.level()).isEqualTo("ERROR");
        assertThat(after.logger()).isEqualTo("dev.baton.flow_runs");
        assertThat(after.taskRunId()).isNull();
        assertThat(after.message()).contains("IllegalStateException: boom", "at ");
        assertThat(lines.get(lines.size() - 1).message()).as("the flow run's last line")
                .startsWith("Finished in state Completed(");
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).timestamp()).isAfterOrEqualTo(lines.get(i - 1).timestamp());
        }

        TaskRun second = run.taskRuns().get(1);
        List<LogLine> ofSecond = history.logs(new LogFilter(run.id(), second.id(), 0, 100)).items();
        assertThat(ofSecond).extracting(LogLine::message)
                .containsExactly("task sees 2", "fluent 20", "Finished in state Completed()");
        assertThat(ofSecond).allSatisfy(l -> {
            assertThat(l.taskRunId()).isEqualTo(second.id());
            assertThat(l.logger()).isEqualTo("dev.baton.task_runs");
        });
        assertThat(ofSecond.get(1).level()).isEqualTo("WARN");
        // the engine says so in the flow run's log, as Prefect does
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.message()).isEqualTo("Created task run 'noisy-1' for task 'noisy'");
            assertThat(l.taskRunId()).isNull();
        });
        assertThat(history.logs(new LogFilter(null, second.id(), 0, 100)).items()).isEqualTo(ofSecond);

        // pages of 3, the same lines in the same order
        List<LogLine> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 3) {
            Page<LogLine> p = history.logs(new LogFilter(run.id(), null, offset, 3));
            assertThat(p.total()).isEqualTo(lines.size());
            paged.addAll(p.items());
            if (!p.hasMore()) break;
        }
        assertThat(paged).isEqualTo(lines);
        assertThat(history.logs(new LogFilter(UUID.randomUUID(), null, 0, 10)).total()).isZero();
    }

    @Test
    void aFailedFlowRunsStoredLastLineHoldsTheStackTraceOfItsBodysException() throws Exception {
        Flow0<Integer> flow = Flow.named("npe").of(() -> ((String) null).length());
        JdbcRunStore store = store();
        FlowRun<Integer> run = withRunLoggersAtInfo(() -> recordingIn(store, flow::run));

        List<LogLine> lines = history().logs(new LogFilter(run.id(), null, 0, LogFilter.MAX_LIMIT)).items();

        LogLine last = lines.get(lines.size() - 1);
        assertThat(last.level()).isEqualTo("ERROR");
        assertThat(last.logger()).isEqualTo("dev.baton.flow_runs");
        assertThat(last.message()).startsWith("Finished in state Failed('Flow run encountered an exception: NullPointerException")
                .contains(System.lineSeparator() + "java.lang.NullPointerException",
                        "\tat dev.baton.store.jdbc.RunHistoryContract.lambda$aFailedFlowRunsStoredLastLineHoldsTheStackTraceOfItsBodysException$");
    }

    @Test
    void aStoreToldNotToRecordLogsRecordsNone() throws Exception {
        JdbcRunStore store = JdbcRunStore.builder().url(url()).schema(schema()).recordLogs(false).build();
        opened.add(store);
        Flow0<Integer> flow = Flow.named("quiet").of(() -> {
            Baton.logger().info("not recorded");
            return RunStoreContract.square.call(3);
        });
        FlowRun<Integer> run = withRunLoggersAtInfo(() -> recordingIn(store, flow::run));
        assertThat(store.recordsLogs()).isFalse();
        assertThat(history().logs(new LogFilter(run.id(), null, 0, 10)).total()).isZero();
    }

    /** Runs {@code body} with the run loggers at INFO (the tests' configuration has them at WARN). */
    static <T> T withRunLoggersAtInfo(Supplier<T> body) {
        List<ch.qos.logback.classic.Logger> loggers = List.of(
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.baton.flow_runs"),
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.baton.task_runs"));
        List<ch.qos.logback.classic.Level> before = loggers.stream().map(l -> l.getLevel()).toList();
        loggers.forEach(l -> l.setLevel(ch.qos.logback.classic.Level.INFO));
        try {
            return body.get();
        } finally {
            for (int i = 0; i < loggers.size(); i++) loggers.get(i).setLevel(before.get(i));
        }
    }

    private void holdSlot(String tag, UUID taskRunId, long acquiredNs) throws Exception {
        holdSlot(tag, taskRunId, UUID.randomUUID(), acquiredNs);
    }

    private void holdSlot(String tag, UUID taskRunId, UUID flowRunId, long acquiredNs) throws Exception {
        Database db = database();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO concurrency_slot (tag, task_run_id, flow_run_id, acquired_ns) VALUES (?, ?, ?, ?)")) {
            s.setString(1, tag);
            db.setUuid(s, 2, taskRunId);
            db.setUuid(s, 3, flowRunId);
            s.setLong(4, acquiredNs);
            s.executeUpdate();
            c.commit();
        }
    }

    static void assertSameHistory(List<State> live, List<StateRecord> stored) {
        assertThat(stored).hasSameSizeAs(live);
        for (int i = 0; i < live.size(); i++) {
            State l = live.get(i);
            StateRecord s = stored.get(i);
            assertThat(s.type()).isEqualTo(l.type());
            assertThat(s.name()).isEqualTo(l.name());
            assertThat(s.timestamp()).isEqualTo(l.timestamp());
            assertThat(s.message()).isEqualTo(l.message().orElse(null));
            assertThat(s.scheduledTime()).isEqualTo(l.scheduledTime().orElse(null));
        }
    }
}
