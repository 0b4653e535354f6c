package dev.baton.store.jdbc;

import dev.baton.BatonRuntime;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.Clock;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.Flow2;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.TaskFuture;
import dev.baton.spi.RunEventQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.baton.store.jdbc.SameRun.assertSameRun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every database the store runs on must do, run against a real one by each subclass:
 * the schema, exact round trips, order under concurrency, durability when run() returns, and
 * loud, contained losses.
 */
abstract class RunStoreContract {
    @TempDir
    Path home;

    private final List<JdbcRunStore> opened = new ArrayList<>();

    /** The database of this test: the same one on every call, empty at the start of each test. */
    abstract Database database();

    /** A builder for a store over {@link #database()}. */
    abstract JdbcRunStore.Builder builder();

    JdbcRunStore open() {
        JdbcRunStore store = builder().build();
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcRunStore::close);
        opened.clear();
    }

    /** Runs {@code body} with flow runs recorded in {@code store}. */
    <T> T recordingIn(JdbcRunStore store, Supplier<T> body) {
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(store).home(home).build().makeCurrent()) {
            return body.get();
        }
    }

    long count(String table) throws Exception {
        try (Connection c = database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The task-run states {@code table}'s rows say they hold. */
    long stateCount(String table) throws Exception {
        try (Connection c = database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT SUM(state_count) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    // ----- the flows -----

    static final Task1<String, List<String>> extract = Task.named("extract").version("1.2").tags("io", "source")
            .of(source -> List.of(source + "-a", source + "-b"));
    static final Task2<List<String>, Integer, Integer> transform = Task.named("transform")
            .of((rows, factor) -> rows.size() * factor);
    static final Task1<Integer, Integer> square = Task.named("square").of(x -> x * x);
    static final Flow1<Integer, Integer> child = Flow.named("child").of(square::call);

    /** Fails its first two attempts: Pending, Running, AwaitingRetry, Retrying, AwaitingRetry, Retrying, Completed. */
    static Task0<String> flaky(AtomicInteger calls) {
        return Task.named("flaky").retries(2).retryDelay(Duration.ofMillis(1)).of(() -> {
            int n = calls.incrementAndGet();
            if (n <= 2) throw new IllegalStateException("flaky attempt " + n + " failed");
            return "ok";
        });
    }

    /** A flow with parameters, tags, a version, dependencies, task retries, a failed task run and a subflow. */
    static Flow2<String, Integer, Integer> etl(AtomicInteger flakyCalls) {
        Task0<String> flaky = flaky(flakyCalls);
        Task0<Void> broken = Task.named("broken").procedure(() -> {
            throw new IllegalArgumentException("broken on purpose");
        });
        return Flow.named("etl").tags("nightly", "finance").executor(new ConcurrentExecutor()).of((source, factor) -> {
            TaskFuture<List<String>> rows = extract.submit(source);
            TaskFuture<String> ok = flaky.submit();
            TaskFuture<Integer> total = transform.waitFor(ok).submit(rows, factor);
            broken.submit().await();
            return total.result() + child.call(factor);
        });
    }

    // ----- the tests -----

    @Test
    void migrationsApplyBesideAnotherApplicationsTables() throws Exception {
        try (Connection c = database().connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (database().schema() != null) s.execute("CREATE SCHEMA IF NOT EXISTS " + database().schema());
            s.execute("CREATE TABLE other_application (x INTEGER)");
            s.execute("INSERT INTO other_application VALUES (42)");
        }
        assertThat(Migrations.apply(database())).isEqualTo(Migrations.LATEST_VERSION);
        assertThat(Migrations.isCurrent(database())).isTrue();
        JdbcRunStore store = open();
        assertThat(store.flowRuns()).isEmpty();
        assertThat(count("other_application")).isEqualTo(1);
    }

    @Test
    void migrationsApplyToAnEmptyDatabaseOnceAndAreIdempotent() throws Exception {
        assertThat(Migrations.apply(database())).as("migrations applied to the empty database").isEqualTo(Migrations.LATEST_VERSION);
        assertThat(Migrations.isCurrent(database())).isTrue();
        assertThat(Migrations.apply(database())).as("migrations applied the second time").isZero();
        assertThat(Migrations.applyWithFlyway(database())).as("migrations Flyway applied the second time").isZero();
        for (String table : List.of("flow_run", "task_run", "task_run_upstream", "flow_run_state",
                "log", "concurrency_limit", "concurrency_slot", "deployment")) {
            assertThat(count(table)).as(table).isZero();
        }
        // Flyway's table and its columns are lower case: quoted, for H2
        try (Connection c = database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT \"version\", \"success\" FROM \"" + Migrations.HISTORY_TABLE + "\""
                     + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            for (int version = 1; version <= Migrations.LATEST_VERSION; version++) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo(String.valueOf(version));
                assertThat(r.getBoolean(2)).isTrue();
            }
            assertThat(r.next()).isFalse();
        }
        JdbcRunStore store = open(); // a store over the migrated database migrates nothing and opens
        assertThat(store.flowRuns()).isEmpty();
    }

    @Test
    void aFlowRunWithDependenciesRetriesFailuresAndASubflowRoundTripsExactly() {
        JdbcRunStore store = open();
        FlowRun<Integer> run = recordingIn(store, () -> etl(new AtomicInteger()).run("db", 3));

        // it returns a value: Completed, whatever the broken task run did (as in Prefect 2)
        assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
        FlowRun<?> stored = store.flowRun(run.id()).orElseThrow();
        assertSameRun(run, stored);
        assertThat(stored.parameters()).containsExactly("db", 3);
        assertThat(stored.state().message()).isEqualTo(run.state().message());
        assertThat(stored.taskRuns()).extracting(t -> t.name() + " " + t.history().stream().map(s -> s.name()).toList())
                .contains("flaky-0 [Pending, Running, AwaitingRetry, Retrying, AwaitingRetry, Retrying, Completed]",
                        "broken-0 [Pending, Running, Failed]");
        assertThat(stored.taskRuns().get(0).tags()).isEqualTo(Set.of("io", "source"));
        assertThat(stored.taskRuns().get(0).taskVersion()).contains("1.2");

        UUID standIn = run.taskRuns().stream().filter(t -> t.taskName().equals("child")).findFirst().orElseThrow().id();
        FlowRun<?> storedChild = store.flowRuns().stream().filter(r -> r.flowName().equals("child")).findFirst()
                .orElseThrow();
        assertThat(storedChild.parentFlowRunId()).contains(run.id());
        assertThat(storedChild.parentTaskRunId()).contains(standIn);
        assertThat(storedChild.parameters()).containsExactly(3);
        assertThat(storedChild.history()).extracting(s -> s.name()).containsExactly("Pending", "Running", "Completed");
        assertThat(storedChild.taskRuns()).extracting(t -> t.name()).containsExactly("square-0");
    }

    @Test
    void flowRetriesAndTheirMessagesRoundTrip() {
        AtomicInteger attempts = new AtomicInteger();
        Task1<Integer, Integer> checked = Task.named("checked").of(x -> {
            if (x < 0) throw new IllegalArgumentException("negative");
            return x;
        });
        Flow0<String> flow = Flow.named("retried").retries(1).retryDelay(Duration.ofMillis(1)).of(() -> {
            checked.submit(3); // completes in the first attempt: the retry reuses it
            checked.submit(attempts.get() == 0 ? -1 : 4); // fails in the first attempt: the retry runs it again
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("first attempt fails");
            return "done";
        });
        JdbcRunStore store = open();
        FlowRun<String> run = recordingIn(store, flow::run);

        FlowRun<?> stored = store.flowRun(run.id()).orElseThrow();
        assertSameRun(run, stored);
        assertThat(stored.history()).extracting(s -> s.name())
                .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(stored.history().get(2).message()).get().asString().contains("first attempt fails");
        assertThat(stored.history().get(2).scheduledTime()).isPresent();
        // each call's position is recorded: the rerun of the second call has the failed run's position
        assertThat(stored.taskRuns()).extracting(t -> t.name() + " " + t.state().name() + " " + t.callPosition())
                .containsExactly("checked-0 Completed 0", "checked-1 Failed 1", "checked-2 Completed 1");
    }

    @Test
    void manyFlowRunsFromSeveralThreadsAtOnceLoseAndReorderNothing() throws Exception {
        // a small queue: many batches, and producers held back by a full buffer
        JdbcRunStore store = builder().queueCapacity(64).build();
        opened.add(store);
        int threads = 6, runsPerThread = 12, tasks = 25;
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow1<Integer, Integer> flow = Flow.named("busy").executor(new ConcurrentExecutor()).of(seed -> {
            TaskFuture<Integer> chain = inc.submit(seed);
            List<TaskFuture<Integer>> fan = new ArrayList<>();
            for (int i = 1; i < tasks; i++) {
                if (i % 2 == 0) chain = inc.submit(chain);
                else fan.add(inc.submit(i));
            }
            int sum = chain.result();
            for (TaskFuture<Integer> f : fan) sum += f.result();
            return sum;
        });
        Map<UUID, FlowRun<?>> live = new ConcurrentHashMap<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        recordingIn(store, () -> {
            for (int t = 0; t < threads; t++) {
                int seed = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < runsPerThread; i++) {
                            FlowRun<Integer> run = flow.run(seed * 100 + i);
                            live.put(run.id(), run);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            return null;
        });
        for (Thread w : workers) w.join();
        assertThat(errors).isEmpty();
        assertThat(live).hasSize(threads * runsPerThread);

        try (JdbcRunStore reader = builder().build()) {
            List<FlowRun<?>> stored = reader.flowRuns();
            assertThat(stored).hasSize(threads * runsPerThread);
            for (FlowRun<?> s : stored) assertSameRun(live.get(s.id()), s);
        }
        assertThat(count("task_run")).isEqualTo((long) threads * runsPerThread * tasks);
        assertThat(store.lostEvents()).isZero();
    }

    @Test
    void whenRunReturnsEverythingOfTheFlowRunIsInTheDatabase() {
        JdbcRunStore store = open();
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("quick").of(() -> {
            TaskFuture<Integer> f = inc.submit(0);
            for (int i = 0; i < 500; i++) f = inc.submit(f);
            return f.result();
        });
        for (int round = 0; round < 3; round++) {
            FlowRun<Integer> run = recordingIn(store, flow::run);
            // another store instance, with its own connections, right after run() returned
            try (JdbcRunStore other = builder().build()) {
                assertSameRun(run, other.flowRun(run.id()).orElseThrow());
            }
        }
    }

    @Test
    void flowRunsAreListedNewestFirstAndUnknownIdsAreEmpty() {
        JdbcRunStore store = open();
        Flow0<Integer> flow = Flow.named("listed").of(() -> square.call(2));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(recordingIn(store, flow::run).id());
        Collections.reverse(ids);

        assertThat(store.flowRuns()).extracting(FlowRun::id).containsExactlyElementsOf(ids);
        assertThat(store.flowRun(UUID.randomUUID())).isEmpty();
        FlowRun<?> stored = store.flowRun(ids.get(0)).orElseThrow();
        assertThat(stored.state().isCompleted()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(stored::result)
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining(stored.name());
    }

    @Test
    void aBatchTheDatabaseRefusesLosesOnlyTheFlowRunAtFaultAndSaysSoLoudly() throws Exception {
        JdbcRunStore store = open();
        // three flow runs recorded in memory, call by call: a and again of flow 'child', b of another flow
        Flow1<Integer, Integer> other = Flow.named("other").of(square::call);
        RecordingStore first = new RecordingStore(), repeated = new RecordingStore(), second = new RecordingStore();
        FlowRun<Integer> a = inMemory(first, () -> child.run(2));
        FlowRun<Integer> again = inMemory(repeated, () -> child.run(4));
        FlowRun<Integer> b = inMemory(second, () -> other.run(3));
        first.replayInto(store);
        store.flowRunFinished(a);
        assertThat(store.flowRun(a.id())).isPresent();
        // a constraint the store does not expect: one flow run per flow name
        try (Connection c = database().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX one_run_per_flow ON flow_run (flow_name)");
            c.commit();
        }

        // one batch: run 'again' (refused by that index) and run b (fine)
        RunEventQueue queue = new RunEventQueue(1024);
        repeated.replayInto(queue);
        second.replayInto(queue);
        queue.close();
        BatchWriter writer = new BatchWriter(database(), queue, Duration.ofSeconds(1), null);
        ListAppender<ILoggingEvent> log = capture();
        try {
            writer.start("test-writer");
            assertThat(writer.await(Duration.ofSeconds(30))).isTrue();
        } finally {
            release(log);
        }

        assertSameRun(b, store.flowRun(b.id()).orElseThrow());
        assertSameRun(a, store.flowRun(a.id()).orElseThrow()); // the first recording is intact
        assertThat(store.flowRun(again.id())).isEmpty();
        assertThat(writer.lostEvents()).isEqualTo(repeated.calls().size());
        assertThat(log.list).anySatisfy(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("ERROR");
            assertThat(e.getFormattedMessage()).contains("LOST", again.id().toString(), "'" + again.name() + "'")
                    .doesNotContain(b.id().toString());
        });
    }

    @Test
    void aFlowRunWrittenTwiceIsRecordedOnceAndTheRestOfItsBatchIsKept() throws Exception {
        JdbcRunStore store = open();
        RecordingStore first = new RecordingStore(), second = new RecordingStore();
        FlowRun<Integer> a = inMemory(first, () -> child.run(2));
        FlowRun<Integer> b = inMemory(second, () -> child.run(3));
        first.replayInto(store);
        store.flowRunFinished(a);

        // one batch: run a again (its creation, task runs and states are there: nothing to add) and run b
        RunEventQueue queue = new RunEventQueue(1024);
        first.replayInto(queue);
        second.replayInto(queue);
        queue.close();
        BatchWriter writer = new BatchWriter(database(), queue, Duration.ofSeconds(1), null);
        writer.start("test-writer");
        assertThat(writer.await(Duration.ofSeconds(30))).isTrue();

        assertThat(writer.lostEvents()).isZero();
        assertSameRun(a, store.flowRun(a.id()).orElseThrow());
        assertSameRun(b, store.flowRun(b.id()).orElseThrow());
        assertThat(count("flow_run")).isEqualTo(2);
        assertThat(count("flow_run_state")).isEqualTo(a.history().size() + b.history().size());
        assertThat(stateCount("task_run")).isEqualTo(a.taskRuns().get(0).history().size()
                + b.taskRuns().get(0).history().size());
    }

    private <T> T inMemory(RecordingStore recording, Supplier<T> body) {
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(recording).home(home).build().makeCurrent()) {
            return body.get();
        }
    }

    static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("dev.baton.store")).addAppender(appender);
        return appender;
    }

    static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("dev.baton.store")).detachAppender(appender);
    }
}
