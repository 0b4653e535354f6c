package dev.baton;

import dev.baton.spi.InMemoryRunStore;
import dev.baton.spi.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flows run on an explicit runtime, or on the one made current for a stretch of code, and nowhere else. */
class BatonRuntimeTest {
    @TempDir
    Path home;

    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);
    private static final Flow1<Integer, Integer> TWICE = Flow.named("twice").of(x -> INC.call(INC.call(x)));

    private BatonRuntime runtimeOn(InMemoryRunStore store) {
        return BatonRuntime.builder().store(store).home(home).build();
    }

    @Test
    void aFlowBoundToARuntimeRecordsInItsStoreOnlyWhateverRuntimeIsCurrent() {
        InMemoryRunStore mine = InMemoryRunStore.unbounded(), current = InMemoryRunStore.unbounded();
        BatonRuntime runtime = runtimeOn(mine);

        FlowRun<Integer> run;
        try (BatonRuntime.Scope scope = runtimeOn(current).makeCurrent()) {
            run = TWICE.on(runtime).run(1);
        }

        assertThat(run.result()).isEqualTo(3);
        assertThat(mine.flowRuns()).extracting(FlowRun::id).containsExactly(run.id());
        assertThat(current.flowRuns()).isEmpty();
        assertThat(TWICE.name()).isEqualTo(TWICE.on(runtime).name()); // the same flow, bound
    }

    @Test
    void aSubflowRunsOnItsParentsRuntimeEvenWhenBoundToAnother() {
        InMemoryRunStore parentStore = InMemoryRunStore.unbounded(), otherStore = InMemoryRunStore.unbounded();
        BatonRuntime other = runtimeOn(otherStore);
        Flow0<Integer> parent = Flow.named("parent").of(() -> TWICE.on(other).call(10));

        FlowRun<Integer> run = parent.on(runtimeOn(parentStore)).run();

        assertThat(run.result()).isEqualTo(12);
        assertThat(parentStore.flowRuns()).extracting(FlowRun::flowName).containsExactlyInAnyOrder("parent", "twice");
        assertThat(otherStore.flowRuns()).isEmpty();
    }

    @Test
    void aCurrentRuntimeHoldsForItsScopeAndTheOneBeforeComesBack() {
        InMemoryRunStore outer = InMemoryRunStore.unbounded(), inner = InMemoryRunStore.unbounded();
        BatonRuntime outerRuntime = runtimeOn(outer);
        try (BatonRuntime.Scope a = outerRuntime.makeCurrent()) {
            try (BatonRuntime.Scope b = runtimeOn(inner).makeCurrent()) {
                TWICE.run(1);
                assertThat(BatonRuntime.current().store()).isSameAs(inner);
            }
            assertThat(BatonRuntime.current()).isSameAs(outerRuntime);
            TWICE.run(2);
        }
        assertThat(BatonRuntime.current()).isSameAs(BatonRuntime.defaults());
        assertThat(inner.flowRuns()).hasSize(1);
        assertThat(outer.flowRuns()).hasSize(1);
    }

    @Test
    void threadsStartedInAScopeRunFlowsOnItsRuntime() throws Exception {
        InMemoryRunStore store = InMemoryRunStore.unbounded();
        try (BatonRuntime.Scope scope = runtimeOn(store).makeCurrent()) {
            Thread t = Thread.ofPlatform().start(() -> TWICE.run(5));
            t.join();
        }
        assertThat(store.flowRuns()).hasSize(1);
    }

    @Test
    void aScopeClosedOnAnotherThreadIsRefusedWithTheReason() throws Exception {
        BatonRuntime.Scope scope = runtimeOn(InMemoryRunStore.unbounded()).makeCurrent();
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    scope.close();
                    failure.complete(null);
                } catch (Throwable e) {
                    failure.complete(e);
                }
            }).join();
            assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed on the thread that opened it");
        } finally {
            scope.close();
        }
    }

    @Test
    void runsLiveByTheRuntimesClock() {
        Instant fixed = Instant.parse("2030-01-02T03:04:05Z");
        Clock frozen = new Clock() {
            @Override
            public long epochNanos() {
                return fixed.getEpochSecond() * 1_000_000_000L;
            }

            @Override
            public void sleep(Duration duration) {}

            @Override
            public Timer schedule(Runnable action, Duration delay) {
                return Clock.system().schedule(action, delay);
            }
        };
        BatonRuntime runtime = BatonRuntime.builder().inMemoryStore().clock(frozen).home(home).build();

        FlowRun<Integer> run = TWICE.on(runtime).run(1);

        assertThat(run.history()).extracting(State::timestamp).containsOnly(fixed);
        assertThat(run.taskRuns()).flatExtracting(TaskRun::history).extracting(State::timestamp).containsOnly(fixed);
        assertThat(runtime.clock()).isSameAs(frozen);
        assertThat(runtime.home()).isEqualTo(home);
    }

    @Test
    void eachRuntimeHasItsOwnConcurrencyLimits() {
        BatonRuntime limited = BatonRuntime.builder().inMemoryStore().home(home).concurrencyLimit("db", 2).build();
        BatonRuntime free = BatonRuntime.builder().inMemoryStore().home(home).build();

        try (BatonRuntime.Scope scope = limited.makeCurrent()) {
            assertThat(ConcurrencyLimits.get("db")).isEqualTo(OptionalInt.of(2));
            ConcurrencyLimits.set("api", 1);
        }
        try (BatonRuntime.Scope scope = free.makeCurrent()) {
            assertThat(ConcurrencyLimits.all()).isEmpty();
        }
        assertThat(limited.toBuilder().build().toBuilder().build()).satisfies(copy -> {
            try (BatonRuntime.Scope scope = copy.makeCurrent()) {
                assertThat(ConcurrencyLimits.all()).containsOnlyKeys("db", "api");
            }
        });
    }

    @Test
    void aLimitTheBuilderCannotTakeIsRefusedNamingIt() {
        assertThatThrownBy(() -> BatonRuntime.builder().concurrencyLimit("db", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'db'").hasMessageContaining("-1");
        assertThatThrownBy(() -> BatonRuntime.builder().concurrencyLimit(" ", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-blank tag");
        assertThatThrownBy(() -> TWICE.on(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("BatonRuntime");
    }

    @Test
    void withoutAStoreProviderOnTheClassPathBuildSaysWhatToDo() {
        // baton-core alone has no provider: the embedded database and the client are other modules
        assertThatThrownBy(() -> BatonRuntime.builder().home(home).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No run store provider")
                .hasMessageContaining("inMemoryStore()");
    }

    @Test
    void closingARuntimeLeavesAStoreItWasGivenOpenAndTheDefaultsUntouched() {
        AtomicBoolean closed = new AtomicBoolean();
        class ClosingStore implements RunStore, AutoCloseable {
            final InMemoryRunStore inner = InMemoryRunStore.unbounded();

            @Override
            public void flowRunStarted(FlowRun<?> run) {
                inner.flowRunStarted(run);
            }

            @Override
            public void flowRunFinished(FlowRun<?> run) {
                inner.flowRunFinished(run);
            }

            @Override
            public java.util.Optional<FlowRun<?>> flowRun(java.util.UUID id) {
                return inner.flowRun(id);
            }

            @Override
            public List<FlowRun<?>> flowRuns() {
                return inner.flowRuns();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        BatonRuntime.builder().store(new ClosingStore()).home(home).build().close();
        assertThat(closed).isFalse();

        BatonRuntime.defaults().close(); // the process's own: closing it does nothing
        assertThat(TWICE.on(BatonRuntime.defaults()).run(1).result()).isEqualTo(3);
        assertThat(List.of(BatonRuntime.defaults())).containsExactly(BatonRuntime.current());
    }
}
