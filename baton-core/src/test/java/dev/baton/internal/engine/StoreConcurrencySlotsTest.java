package dev.baton.internal.engine;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task1;
import dev.baton.Task;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.InMemoryRunStore;
import dev.baton.spi.RunStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine applies the concurrency slots its run store offers (limits in a database or on a
 * server) together with this JVM's: a run the store's keeper refuses stays Pending, sleeps on the
 * engine clock and asks again, holding no slot while it waits; a cancellation ends the wait;
 * untagged runs never reach the keeper.
 */
class StoreConcurrencySlotsTest {
    private static final Task1<Integer, Integer> QUERY = Task.named("query").tags("db").of(x -> x);
    private static final Task1<Integer, Integer> PLAIN = Task.named("plain").of(x -> x);

    @TempDir
    Path home;
    private final TagLimits local = new TagLimits();
    /** The engine's clock; a test about how long a run waited sets a {@link SleepingAdvances} one. */
    private Clock clock = Clock.system();
    private BatonRuntime.Scope scope;

    @AfterEach
    void restore() {
        if (scope != null) scope.close();
    }

    /** A shared keeper limiting tag "db": it refuses a run while {@code refuse} says so. */
    private static final class ScriptedSlots implements ConcurrencySlots {
        final List<UUID> asked = new CopyOnWriteArrayList<>();
        final List<UUID> released = new CopyOnWriteArrayList<>();
        final Map<UUID, UUID> flowRuns = new ConcurrentHashMap<>();
        final CountDownLatch askedTwice = new CountDownLatch(2);
        volatile Predicate<UUID> refuse = run -> false;

        @Override
        public boolean mayLimit(Set<String> tags) {
            return tags.contains("db");
        }

        @Override
        public Acquisition acquire(UUID runId, Set<String> tags) {
            throw new AssertionError("the engine names the flow run");
        }

        @Override
        public Acquisition acquire(dev.baton.orchestration.Transition t) {
            asked.add(t.runId());
            askedTwice.countDown();
            if (t.context().flowRunId() != null) flowRuns.put(t.runId(), t.context().flowRunId());
            return refuse.test(t.runId()) ? new Acquisition.RetryAfter(Duration.ofMillis(20), "db") : Acquisition.ACQUIRED;
        }

        @Override
        public void release(UUID runId) {
            released.add(runId);
        }
    }

    /** An in-memory store offering {@code slots}. */
    private record StoreWithSlots(InMemoryRunStore runs, ConcurrencySlots slots) implements RunStore {
        @Override
        public void flowRunStarted(FlowRun<?> run) { runs.flowRunStarted(run); }

        @Override
        public void flowRunFinished(FlowRun<?> run) { runs.flowRunFinished(run); }

        @Override
        public List<FlowRun<?>> flowRuns() { return runs.flowRuns(); }

        @Override
        public Optional<FlowRun<?>> flowRun(UUID id) { return runs.flowRun(id); }

        @Override
        public ConcurrencySlots concurrencySlots() { return slots; }
    }

    private ScriptedSlots useStoreSlots() {
        ScriptedSlots slots = new ScriptedSlots();
        scope = BatonRuntime.builder().store(new StoreWithSlots(new InMemoryRunStore(10), slots)).clock(clock).home(home).build()
                .makeCurrent();
        return slots;
    }

    /** Fake time that moves only by the engine's sleeps: a wait shows in the states at once and exactly. */
    private static final class SleepingAdvances implements Clock {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

        @Override
        public long epochNanos() {
            return nanos.get();
        }

        @Override
        public void sleep(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }

        @Override
        public Timer schedule(Runnable action, Duration delay) {
            throw new UnsupportedOperationException("these runs set no timers");
        }
    }

    private static List<StateType> types(TaskRun t) {
        return t.history().stream().map(State::type).toList();
    }

    @Test
    void aRunRefusedByTheStoresKeeperStaysPendingAndAsksAgain() {
        clock = new SleepingAdvances();
        ScriptedSlots slots = useStoreSlots();
        AtomicInteger refusals = new AtomicInteger(2);
        slots.refuse = run -> refusals.getAndDecrement() > 0;

        FlowRun<Integer> run = Flow.named("waits").of(() -> QUERY.call(1) + PLAIN.call(2)).run();

        assertThat(run.result()).isEqualTo(3);
        TaskRun query = run.taskRuns().get(0);
        assertThat(types(query)).containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(slots.asked).as("asked until it got the slot; the untagged run never asked")
                .containsExactly(query.id(), query.id(), query.id());
        assertThat(slots.flowRuns).containsEntry(query.id(), run.id());
        assertThat(slots.released).containsExactly(query.id());
        // the run entered RUNNING when it got its slot, after two waits of the keeper's 20 ms, not when it first asked
        assertThat(query.history().get(1).epochNanos() - query.history().get(0).epochNanos())
                .isEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void aRunWaitingForTheStoresSlotHoldsNoInProcessSlot() {
        ScriptedSlots slots = useStoreSlots();
        local.set("db", 1);
        // the first run is refused by the store until the second has finished: it must not keep the
        // one in-process slot of "db" meanwhile, or neither would ever run
        Map<Integer, UUID> ids = new ConcurrentHashMap<>();
        AtomicInteger secondDone = new AtomicInteger();
        Task1<Integer, Integer> second = Task.named("second").tags("db").of(x -> {
            secondDone.incrementAndGet();
            return x;
        });
        slots.refuse = run -> run.equals(ids.get(1)) && secondDone.get() == 0;

        FlowRunHandle<Integer> handle = Flow.named("both").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> first = QUERY.submit(1);
            ids.put(1, first.taskRun().id());
            TaskFuture<Integer> other = second.submit(2);
            return first.result() + other.result();
        }).start();

        FlowRun<Integer> run = handle.await(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("deadlock"));
        assertThat(run.result()).isEqualTo(3);
        assertThat(local.holders()).isZero();
        assertThat(slots.released).hasSize(2);
    }

    @Test
    void cancellingTheFlowRunEndsTheWait() throws Exception {
        ScriptedSlots slots = useStoreSlots();
        slots.refuse = run -> true;

        FlowRunHandle<Integer> handle = Flow.named("never").of(() -> QUERY.call(1)).start();
        assertThat(slots.askedTwice.await(20, TimeUnit.SECONDS)).as("refused, the run asked again").isTrue();
        handle.cancel();

        FlowRun<Integer> run = handle.await(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("still waiting"));
        assertThat(run.state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(types(run.taskRuns().get(0))).containsExactly(StateType.PENDING, StateType.CANCELLED);
        assertThat(slots.released).isEmpty();
    }

    @Test
    void untaggedRunsAndRunsWithoutLimitedTagsTakeThePlainPath() {
        ScriptedSlots slots = useStoreSlots();
        Task1<Integer, Integer> http = Task.named("http").tags("http").of(x -> x);

        FlowRun<Integer> run = Flow.named("plain").of(() -> PLAIN.call(1) + http.call(2)).run();

        assertThat(run.result()).isEqualTo(3);
        assertThat(slots.asked).isEmpty();
        assertThat(slots.released).isEmpty();
    }
}
