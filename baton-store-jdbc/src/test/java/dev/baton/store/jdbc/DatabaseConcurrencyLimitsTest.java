package dev.baton.store.jdbc;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskRun;
import dev.baton.spi.ConcurrencyLimit;
import dev.baton.store.jdbc.fixtures.LimitScenario;
import dev.baton.store.jdbc.fixtures.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrency limits created in the database ({@code ./baton concurrency-limit create TAG N})
 * apply to flows recording in that database: tagged task runs over the limit wait (Pending) for
 * a slot, untagged ones are not held back, and every slot is given back ({@link LimitScenario}).
 */
class DatabaseConcurrencyLimitsTest {
    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private JdbcRunStore embedded() {
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        toClose.add(store);
        return store;
    }

    private BatonRuntime recordingIn(JdbcRunStore store) {
        return BatonRuntime.builder().store(store).home(home).build();
    }

    @Test
    void aLimitInTheEmbeddedDatabaseLetsOneTaggedTaskRunAtATime() {
        JdbcRunStore store = embedded();
        JdbcRunHistory history = JdbcRunHistory.of(store);
        history.putConcurrencyLimit(LimitScenario.TAG, 1);
        FlowRun<Integer> run = LimitScenario.fourTaggedAndFourPlain("limited").on(recordingIn(store)).run();
        assertThat(run.result()).isEqualTo(LimitScenario.RESULT);

        FlowRun<?> recorded = store.flowRun(run.id()).orElseThrow();
        List<long[]> queries = runningIntervals(recorded, "query");
        List<long[]> plain = runningIntervals(recorded, "plain");
        assertThat(queries).hasSize(4);
        LimitScenario.assertOneAtATime(queries);
        LimitScenario.assertAllAtOnce(plain);
        for (TaskRun t : recorded.taskRuns()) {
            assertThat(t.history()).extracting(State::type).as(t.name())
                    .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        }
        assertThat(history.concurrencyLimit(LimitScenario.TAG).map(ConcurrencyLimit::activeSlots).orElseThrow())
                .as("every slot given back").isEmpty();
    }

    @Test
    void twoStoresOnOnePostgresShareTheLimit() throws Exception {
        // two stores over one database stand for two processes sharing a PostgreSQL
        String schema = TestPostgres.newSchema();
        toClose.add(() -> TestPostgres.dropSchema(schema));
        JdbcRunStore first = JdbcRunStore.builder().url(TestPostgres.url(schema)).schema(schema).build();
        toClose.add(first);
        JdbcRunStore second = JdbcRunStore.builder().url(TestPostgres.url(schema)).schema(schema).build();
        toClose.add(second);
        JdbcRunHistory.of(first).putConcurrencyLimit(LimitScenario.TAG, 1);

        CompletableFuture<FlowRun<Integer>> a = CompletableFuture.supplyAsync(
                () -> LimitScenario.fourTaggedAndFourPlain("a").on(recordingIn(first)).run());
        CompletableFuture<FlowRun<Integer>> b = CompletableFuture.supplyAsync(
                () -> LimitScenario.fourTaggedAndFourPlain("b").on(recordingIn(second)).run());
        FlowRun<Integer> runA = a.get();
        FlowRun<Integer> runB = b.get();
        assertThat(runA.result()).isEqualTo(LimitScenario.RESULT);
        assertThat(runB.result()).isEqualTo(LimitScenario.RESULT);

        List<long[]> queries = new ArrayList<>(runningIntervals(first.flowRun(runA.id()).orElseThrow(), "query"));
        queries.addAll(runningIntervals(first.flowRun(runB.id()).orElseThrow(), "query"));
        assertThat(queries).hasSize(8);
        LimitScenario.assertOneAtATime(queries);
    }

    /** [RUNNING, end) of every task run of {@code taskName}, from the recorded states. */
    static List<long[]> runningIntervals(FlowRun<?> run, String taskName) {
        List<long[]> out = new ArrayList<>();
        for (TaskRun t : run.taskRuns()) {
            if (!t.taskName().equals(taskName)) continue;
            long start = -1, end = -1;
            for (State s : t.history()) {
                if (s.type() == StateType.RUNNING) start = s.epochNanos();
                else if (start >= 0 && s.isFinal()) end = s.epochNanos();
            }
            assertThat(start).as(t.name() + " ran").isGreaterThanOrEqualTo(0);
            assertThat(end).as(t.name() + " ended").isGreaterThanOrEqualTo(start);
            out.add(new long[]{start, end});
        }
        return out;
    }
}
