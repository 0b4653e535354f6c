package dev.baton.semantics;

import dev.baton.BatonRuntime;
import dev.baton.CacheKeyFunction;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task caching, after Prefect 2's TestTaskCaching: a run whose key has a valid entry goes from
 * Pending straight to Cached with the stored value; keys from a function (null: no caching) or
 * from the inputs; expiry on fake time; refreshCache; hits across flow runs and across "JVM
 * restarts" (new engine services over the same BATON_HOME).
 */
@BatonTest
class CacheTest {
    /** Counts calls and returns its argument. */
    private static Task1<Integer, Integer> identity(Task.Builder builder, AtomicInteger calls) {
        return builder.of(x -> {
            calls.incrementAndGet();
            return x;
        });
    }

    private static final CacheKeyFunction CONSTANT = (run, args) -> "cache hit";

    @Test
    void repeatedCallsAreNotCachedByDefault() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo"), calls);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(1);
            foo.submit(1);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }

    @Test
    void aHitWithinAFlowRunIsCachedWithTheFirstValue() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(foo.submit(1).state());
            states.add(foo.submit(2).state());
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(1);
        assertThat(states).extracting(State::name).containsExactly("Completed", "Cached");
        assertThat(states.get(1).result()).isEqualTo(1);
        assertThat(states.get(1).type()).isEqualTo(StateType.COMPLETED);
        assertThat(states.get(1).isCached()).isTrue();
        assertThat(states.get(0).isCached()).isFalse();
        assertThat(names(run.taskRuns().get(1))).as("no Running state: the body never ran").containsExactly("Pending", "Cached");
        assertThat(run.state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void manyRepeatedHitsAreAllCached() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        List<TaskFuture<Integer>> hits = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(0);
            for (int i = 1; i <= 5; i++) hits.add(foo.submit(i));
        });

        flow.run();

        assertThat(calls).hasValue(1);
        assertThat(hits).allSatisfy(f -> {
            assertThat(f.state().name()).isEqualTo("Cached");
            assertThat(f.result()).isEqualTo(0);
        });
    }

    @Test
    void aHitCarriesAcrossFlowRuns() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        Flow1<Integer, Integer> bar = Flow.named("bar").of(foo::call);

        FlowRun<Integer> first = bar.run(1);
        FlowRun<Integer> second = bar.run(2);

        assertThat(first.result()).isEqualTo(1);
        assertThat(second.result()).isEqualTo(1);
        assertThat(calls).hasValue(1);
        assertThat(first.taskRuns().get(0).state().name()).isEqualTo("Completed");
        assertThat(second.taskRuns().get(0).state().name()).isEqualTo("Cached");
    }

    @Test
    void keysThatNeverRepeatNeverHit() {
        AtomicInteger calls = new AtomicInteger(), tally = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey((run, args) -> "call " + tally.incrementAndGet()), calls);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(1);
            foo.submit(1);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }

    @Test
    void aNullKeySkipsTheCache() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey((run, args) -> null), calls);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(1);
            foo.submit(1);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }

    @Test
    void aKeyFunctionThatThrowsRunsWithoutTheCache() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey((run, args) -> {
            throw new IllegalStateException("no key today");
        }), calls);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(1);
            foo.submit(1);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void theKeyFunctionGetsTheRunAndTheResolvedArguments() {
        List<String> seen = new ArrayList<>();
        Task1<String, String> upstream = Task.named("foo").of(x -> x);
        Task1<String, String> bar = Task.named("bar").cacheKey((run, args) -> {
            seen.add(run.name() + " " + run.taskName() + " " + args);
            return String.valueOf(args.get(0));
        }).of(x -> x);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            TaskFuture<String> f = upstream.submit("something");
            TaskFuture<String> first = bar.submit(f);
            states.add(first.await());
            states.add(bar.submit(f).await());
        });

        flow.run();

        assertThat(seen).containsExactly("bar-0 bar [something]", "bar-1 bar [something]");
        assertThat(states).extracting(State::name).containsExactly("Completed", "Cached");
        assertThat(states).extracting(State::result).containsExactly("something", "something");
    }

    @Test
    void aKeyFromTheFlowRunIdCachesWithinARunOnly() {
        Task1<String, String> foo = Task.named("foo").cacheKey((run, args) -> run.flowRunId().toString()).of(x -> x);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(foo.submit("something").state());
            states.add(foo.submit("different").state());
        });

        flow.run();
        flow.run();

        assertThat(states).extracting(State::name).containsExactly("Completed", "Cached", "Completed", "Cached");
        assertThat(states).extracting(State::result).containsOnly("something");
    }

    @Test
    void inputsGiveEachArgumentItsOwnEntry() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CacheKeyFunction.inputs()), calls);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            for (int x : List.of(1, 2, 1, 2)) states.add(foo.submit(x).state());
        });

        flow.run();

        assertThat(calls).hasValue(2);
        assertThat(states).extracting(State::name).containsExactly("Completed", "Completed", "Cached", "Cached");
        assertThat(states).extracting(State::result).containsExactly(1, 2, 1, 2);
    }

    @Test
    void inputsOfDifferentTasksDoNotShareEntries() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CacheKeyFunction.inputs()), calls);
        Task1<Integer, Integer> bar = identity(Task.named("bar").cacheKey(CacheKeyFunction.inputs()), calls);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(1);
            bar.submit(1);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }

    @Test
    void inputsThatJsonCannotRepresentAreNotCached() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Object, String> foo = Task.named("foo").cacheKey(CacheKeyFunction.inputs()).of(x -> {
            calls.incrementAndGet();
            return "ran";
        });
        Thread opaque = new Thread(() -> { });
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(opaque);
            foo.submit(opaque);
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(2);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }

    @Test
    void anEntryIsValidBeforeItsExpiration(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT).cacheExpiration(Duration.ofHours(1)), calls);
        Flow1<Integer, Integer> bar = Flow.named("bar").of(foo::call);

        bar.run(1);
        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        FlowRun<Integer> second = bar.run(2);

        assertThat(calls).hasValue(1);
        assertThat(second.result()).isEqualTo(1);
        assertThat(second.taskRuns().get(0).state().name()).isEqualTo("Cached");
    }

    @Test
    void anEntryHasExpiredAtExactlyItsExpiration(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT).cacheExpiration(Duration.ofHours(1)), calls);
        Flow1<Integer, Integer> bar = Flow.named("bar").of(foo::call);

        bar.run(1);
        clock.advance(Duration.ofHours(1));
        FlowRun<Integer> atExpiry = bar.run(2);
        FlowRun<Integer> after = bar.run(3);

        assertThat(atExpiry.result()).isEqualTo(2);
        assertThat(atExpiry.taskRuns().get(0).state().name()).isEqualTo("Completed");
        assertThat(after.result()).as("the new run replaced the expired entry").isEqualTo(2);
        assertThat(after.taskRuns().get(0).state().name()).isEqualTo("Cached");
        assertThat(calls).hasValue(2);
    }

    @Test
    void anEntryPastItsExpirationRunsAgain(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("geocode").cacheKey(CacheKeyFunction.inputs())
                .cacheExpiration(Duration.ofDays(1)), calls);
        Flow1<Integer, Integer> flow = Flow.named("f").of(foo::call);

        flow.run(7);
        clock.advance(Duration.ofHours(25));
        FlowRun<Integer> again = flow.run(7);

        assertThat(calls).hasValue(2);
        assertThat(names(again.taskRuns().get(0))).containsExactly("Pending", "Running", "Completed");
    }

    @Test
    void anEntryWithoutExpirationLastsForEver(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        Flow1<Integer, Integer> bar = Flow.named("bar").of(foo::call);

        bar.run(1);
        clock.advance(Duration.ofDays(3650));
        FlowRun<Integer> later = bar.run(2);

        assertThat(later.result()).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void refreshCacheRunsAnywayAndReplacesTheEntry() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        Task1<Integer, Integer> refresh = identity(Task.named("refresh_task").cacheKey(CONSTANT).refreshCache(true), calls);
        Task1<Integer, Integer> noRefresh = identity(Task.named("not_refresh_task").cacheKey(CONSTANT).refreshCache(false), calls);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            foo.submit(0);
            states.add(foo.submit(1).state());
            states.add(refresh.submit(2).state());
            states.add(noRefresh.submit(3).state());
        });

        flow.run();

        assertThat(states).extracting(State::name).containsExactly("Cached", "Completed", "Cached");
        assertThat(states).extracting(State::result).containsExactly(0, 2, 2);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aRefreshingTaskNeverHits() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT).refreshCache(true), calls);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(foo.submit(1).state());
            states.add(foo.submit(2).state());
        });

        flow.run();

        assertThat(states).extracting(State::name).containsExactly("Completed", "Completed");
        assertThat(states).extracting(State::result).containsExactly(1, 2);
    }

    @Test
    void aVoidTaskIsCached() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Void> task = Task.named("side_effect").cacheKey(CONSTANT).procedure(calls::incrementAndGet);
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(task.submit().state());
            states.add(task.submit().state());
        });

        FlowRun<Void> run = flow.run();

        assertThat(calls).hasValue(1);
        assertThat(states).extracting(State::name).containsExactly("Completed", "Cached");
        assertThat(states.get(1).result()).isNull();
        assertThat(run.state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void aFailedRunIsNotCached() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("flaky").cacheKey(CONSTANT).of(() -> {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("first");
            return "second";
        });
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(task.submit().state());
            states.add(task.submit().state());
            states.add(task.submit().state());
        });

        flow.run();

        assertThat(states).extracting(State::name).containsExactly("Failed", "Completed", "Cached");
        assertThat(states.get(2).result()).isEqualTo("second");
    }

    @Test
    void aRetriedRunCachesItsFinalValue(FakeClock clock) {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> task = Task.named("flaky").cacheKey(CONSTANT).retries(1).retryDelay(Duration.ofSeconds(5)).of(() -> {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("first");
            return "attempt " + calls.get();
        });
        List<State> states = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            states.add(task.submit().state());
            states.add(task.submit().state());
        });

        FlowRun<Void> run = flow.run();

        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
        assertThat(names(run.taskRuns().get(1))).containsExactly("Pending", "Cached");
        assertThat(states.get(1).result()).isEqualTo("attempt 2");
    }

    @Test
    void theCacheLivesUnderBatonHome() throws Exception {
        Task1<Integer, Integer> foo = Task.named("foo").cacheKey(CacheKeyFunction.inputs()).of(x -> x * 10);
        Flow1<Integer, Integer> flow = Flow.named("f").of(foo::call);

        flow.run(4);

        Path home = BatonRuntime.current().home();
        try (Stream<Path> entries = Files.list(home.resolve("cache"))) {
            assertThat(entries.filter(p -> p.toString().endsWith(".json"))).hasSize(1);
        }
        try (Stream<Path> results = Files.list(home.resolve("results"))) {
            assertThat(results).hasSize(1);
        }
    }

    @Test
    void aHitSurvivesAJvmRestart() {
        record Place(String name, double lat, double lon) {}
        AtomicInteger calls = new AtomicInteger();
        Task1<String, Place> geocode = Task.named("geocode").cacheKey(CacheKeyFunction.inputs())
                .of(address -> {
                    calls.incrementAndGet();
                    return new Place(address, 52.5, 13.4);
                });
        Flow1<String, Place> flow = Flow.named("f").of(geocode::call);
        BatonRuntime before = BatonRuntime.current();

        FlowRun<Place> first = flow.run("Berlin");
        // a new process: fresh store, fresh limits, same BATON_HOME
        FlowRun<Place> second = flow.on(BatonRuntime.builder().inMemoryStore().clock(before.clock()).home(before.home())
                .build()).run("Berlin");

        assertThat(calls).hasValue(1);
        assertThat(second.taskRuns().get(0).state().name()).isEqualTo("Cached");
        assertThat(second.result()).isEqualTo(first.result()).isEqualTo(new Place("Berlin", 52.5, 13.4));
    }

    @Test
    void aHitDoesNotCrossBatonHomes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CONSTANT), calls);
        Flow1<Integer, Integer> flow = Flow.named("f").of(foo::call);
        BatonRuntime before = BatonRuntime.current();
        Path otherHome = Files.createTempDirectory("baton-other-home-");

        flow.run(1);
        FlowRun<Integer> elsewhere = flow.on(BatonRuntime.builder().inMemoryStore().clock(before.clock()).home(otherHome)
                .build()).run(2);

        assertThat(elsewhere.result()).isEqualTo(2);
        assertThat(calls).hasValue(2);
    }

    @Test
    void theConcurrentExecutorCachesToo() {
        AtomicInteger calls = new AtomicInteger();
        Task1<Integer, Integer> foo = identity(Task.named("foo").cacheKey(CacheKeyFunction.inputs()), calls);
        Flow0<List<Integer>> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> first = foo.submit(5);
            first.await();
            List<TaskFuture<Integer>> again = foo.map(List.of(5, 5, 5));
            return again.stream().map(TaskFuture::result).toList();
        });

        FlowRun<List<Integer>> run = flow.run();
        FlowRun<List<Integer>> next = flow.run();

        assertThat(run.result()).containsExactly(5, 5, 5);
        assertThat(calls).hasValue(1);
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Cached", "Cached", "Cached");
        assertThat(next.taskRuns()).extracting(t -> t.state().name()).containsOnly("Cached");
    }

    @Test
    void aCachedRunRecordsItsPersistedResult() {
        Task1<String, String> foo = Task.named("foo").cacheKey(CONSTANT).of(x -> x.toUpperCase());
        Flow1<String, String> flow = Flow.named("f").of(foo::call);

        flow.run("abc");
        FlowRun<String> second = flow.run("xyz");

        TaskRun cached = second.taskRuns().get(0);
        assertThat(cached.state().isCached()).isTrue();
        assertThat(cached.state().persistedResult()).isPresent();
        assertThat(cached.state().result()).as("read back from result storage").isEqualTo("ABC");
    }

    enum Kind { SMALL, LARGE }

    /** A result whose maps are keyed by Integer, an enum and LocalDate, with maps inside a list. */
    record Inventory(Map<Integer, String> byShelf, Map<Kind, Long> byKind, Map<LocalDate, Integer> byDay,
            List<Map<Integer, Kind>> batches) {}

    @Test
    void aRecordWithNonStringMapKeysIsCachedAcrossRuns() {
        AtomicInteger calls = new AtomicInteger();
        Inventory inventory = new Inventory(Map.of(1, "apples", 2, "pears"), Map.of(Kind.SMALL, 3L),
                Map.of(LocalDate.of(2024, 2, 29), 5), List.of(Map.of(7, Kind.LARGE), Map.of()));
        Task0<Inventory> count = Task.named("count").cacheKey(CONSTANT).of(() -> {
            calls.incrementAndGet();
            return inventory;
        });
        Flow0<Inventory> flow = Flow.named("f").of(count::call);

        flow.run();
        FlowRun<Inventory> second = flow.run();

        assertThat(calls).as("the second run reads the entry back").hasValue(1);
        assertThat(second.taskRuns().get(0).state().name()).isEqualTo("Cached");
        assertThat(second.result()).isEqualTo(inventory);
    }

    @Test
    void anEntryThatCannotBeReadFailsTheTaskRunSayingWhatToDo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Task.Builder named = Task.named("geocode").cacheKey(CONSTANT);
        Task1<Integer, Integer> geocode = identity(named, calls);
        Flow1<Integer, Integer> flow = Flow.named("f").of(geocode::call);
        flow.run(1);
        Path home = BatonRuntime.current().home();
        Path entry;
        try (Stream<Path> entries = Files.list(home.resolve("cache"))) {
            entry = entries.findFirst().orElseThrow();
        }
        try (Stream<Path> results = Files.list(home.resolve("results"))) {
            // as if the result's class had been renamed since it was stored
            for (Path result : results.toList()) Files.writeString(result, "baton-result/1 json\n{\"@class\":\"com.example.Gone\"}");
        }

        FlowRun<Integer> broken = flow.run(2);

        TaskRun failed = broken.taskRuns().get(0);
        assertThat(calls).as("the task does not run silently instead").hasValue(1);
        assertThat(failed.state().type()).isEqualTo(StateType.FAILED);
        assertThat(failed.state().message().orElseThrow())
                .contains("'cache hit'")
                .contains("com.example.Gone")
                .contains(entry.toString())
                .contains("refreshCache(true)");
        assertThat(broken.state().type()).isEqualTo(StateType.FAILED);

        // what the message says to do: one run with refreshCache(true) replaces the entry
        Flow1<Integer, Integer> refreshing = Flow.named("f").of(identity(named.refreshCache(true), calls)::call);
        assertThat(refreshing.run(3).result()).isEqualTo(3);
        FlowRun<Integer> repaired = flow.run(4);
        assertThat(repaired.result()).isEqualTo(3);
        assertThat(repaired.taskRuns().get(0).state().name()).isEqualTo("Cached");
        assertThat(calls).hasValue(2);
    }
}
