package dev.baton.spi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.Clock;
import dev.baton.spi.ConcurrencySlots.Acquisition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keeper a store offers over its database or server: no round trip for runs without limited
 * tags, limits read again at most every 2 s, an outage that neither stops nor slows runs (the
 * limits last read hold within the process), releases delivered in the end.
 * On a clock that moves only when told to.
 */
class SharedTagSlotsTest {
    private final ManualClock clock = new ManualClock();
    private final FakeService service = new FakeService();
    private final SharedTagSlots slots = new SharedTagSlots(service, "the fake service", clock, Duration.ofMillis(300));
    private final UUID a = new UUID(0, 1), b = new UUID(0, 2), flow = new UUID(1, 0);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger slotsLogger = (Logger) LoggerFactory.getLogger(SharedTagSlots.class);

    @BeforeEach
    void captureLog() {
        log.start();
        slotsLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        slotsLogger.detachAppender(log);
    }

    /** The lines logged so far: a copy taken under the appender's lock (SharedTagSlots logs from its own thread). */
    private List<ILoggingEvent> logged() {
        synchronized (log) {
            return List.copyOf(log.list);
        }
    }

    private List<String> warnings() {
        return logged().stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Lets the background read of the limits run until the service is heard again (it refreshes every 2 s). */
    private void awaitReachable() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!logged().stream().anyMatch(e -> e.getFormattedMessage().contains("reached again"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("the limits were not read again");
            clock.advance(SharedTagSlots.LIMITS_REFRESH);
            slots.mayLimit(Set.of("db"));
            Thread.onSpinWait();
        }
    }

    @Test
    void runsWithoutALimitedTagNeverReachTheService() throws Exception {
        service.limits.put("db", 1);

        assertThat(slots.mayLimit(Set.of())).isFalse();
        assertThat(service.limitReads).as("an untagged run is not even asked about").isZero();
        assertThat(slots.mayLimit(Set.of("http"))).isFalse();
        assertThat(slots.acquire(a, Set.of("http"))).isEqualTo(Acquisition.ACQUIRED);
        slots.release(a);
        assertThat(slots.mayLimit(Set.of("http", "db"))).isTrue();

        assertThat(service.calls).isEmpty();
        assertThat(service.limitReads).as("limits read once").isEqualTo(1);
    }

    @Test
    void aTagWhoseSharedLimitIsZeroIsNamedWithoutAskingForASlot() throws Exception {
        service.limits.put("frozen", 0);
        service.limits.put("db", 1);

        assertThat(slots.tagLimitedToZero(Set.of("db", "http"))).isNull();
        assertThat(slots.tagLimitedToZero(Set.of("db", "frozen"))).isEqualTo("frozen");
        assertThat(slots.tagLimitedToZero(Set.of())).isNull();
        assertThat(service.calls).as("no slot asked for").isEmpty();
    }

    @Test
    void aLimitCreatedTakesEffectWithinTwoSeconds() throws Exception {
        assertThat(slots.mayLimit(Set.of("db"))).isFalse();
        service.limits.put("db", 1);
        clock.advance(Duration.ofMillis(1_900));
        assertThat(slots.mayLimit(Set.of("db"))).as("not read again yet").isFalse();
        clock.advance(Duration.ofMillis(100));
        assertThat(slots.mayLimit(Set.of("db"))).isTrue();
        assertThat(service.limitReads).isEqualTo(2);
    }

    @Test
    void aTagFullElsewhereAnswersTheServicesRetryAfterAndAFreedSlotIsTaken() throws Exception {
        service.limits.put("db", 1);
        UUID elsewhere = new UUID(9, 9);
        service.held.add(elsewhere); // another process holds the slot

        assertThat(slots.acquire(b, Set.of("db"))).isEqualTo(new Acquisition.RetryAfter(FakeService.RETRY, "db"));
        service.held.remove(elsewhere);
        assertThat(slots.acquire(b, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        slots.release(b);
        assertThat(service.calls).containsExactly("acquire " + b, "acquire " + b, "release " + b);
    }

    @Test
    void whileThisProcessHoldsEverySlotItAnswersWithoutAsking() throws Exception {
        service.limits.put("db", 1);
        assertThat(slots.acquire(a, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);

        assertThat(slots.acquire(b, Set.of("db"))).isInstanceOf(Acquisition.RetryAfter.class);
        assertThat(slots.acquire(b, Set.of("db", "http"))).isInstanceOf(Acquisition.RetryAfter.class);
        assertThat(service.calls).containsExactly("acquire " + a);

        slots.release(a);
        assertThat(slots.acquire(b, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        assertThat(service.flowRuns).containsExactly(null, null);
    }

    @Test
    void theFlowRunOfATransitionReachesTheService() throws Exception {
        service.limits.put("db", 1);
        var t = new dev.baton.orchestration.Transition(dev.baton.orchestration.RunKind.TASK_RUN, a,
                Set.of("db"), dev.baton.State.pending(), dev.baton.State.running(),
                new dev.baton.orchestration.Transition.Context(0, null, null, flow));
        assertThat(slots.acquire(t)).isEqualTo(Acquisition.ACQUIRED);
        assertThat(service.flowRuns).containsExactly(flow);
    }

    @Test
    void anUnreachableServiceLeavesTheLimitsLastReadHoldingWithinThisProcessAndAsksNothingMeanwhile() throws Exception {
        service.limits.put("db", 1);
        assertThat(slots.mayLimit(Set.of("db"))).isTrue();
        service.down = true;

        assertThat(slots.acquire(a, Set.of("db"))).as("goes on: the slot is taken here").isEqualTo(Acquisition.ACQUIRED);
        assertThat(slots.acquire(b, Set.of("db"))).as("the last limit read holds in this process")
                .isInstanceOf(Acquisition.RetryAfter.class);
        int failedCalls = service.failedCalls;
        slots.release(a);
        assertThat(slots.acquire(b, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        slots.release(b);
        assertThat(service.failedCalls).as("no run waited on the service during the outage").isEqualTo(failedCalls);
        assertThat(warnings()).singleElement().asString().contains("'db'", "the fake service", "limit (1)",
                "within this process");

        clock.advance(Duration.ofSeconds(3));
        assertThat(slots.mayLimit(Set.of("db"))).as("the limits last read stand during an outage").isTrue();
        assertThat(slots.mayLimit(Set.of("http"))).isFalse();

        // back: once the limits are read again, runs take their slots from the service again
        service.down = false;
        awaitReachable();
        UUID c = new UUID(0, 3);
        assertThat(slots.acquire(c, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        assertThat(service.calls).contains("acquire " + c).doesNotContain("acquire " + b);
    }

    @Test
    void limitsThatCannotBeReadLetTaggedRunsGoOnWithOneWarningPerTag() throws Exception {
        service.down = true;
        assertThat(slots.mayLimit(Set.of("anything"))).isFalse();
        assertThat(slots.acquire(a, Set.of("anything"))).isEqualTo(Acquisition.ACQUIRED);
        assertThat(slots.acquire(b, Set.of("anything", "other"))).isEqualTo(Acquisition.ACQUIRED);
        slots.release(a);
        slots.release(b);
        clock.advance(Duration.ofSeconds(3));
        assertThat(slots.mayLimit(Set.of("anything"))).isFalse();

        assertThat(service.calls).as("no slot asked for, no release sent").isEmpty();
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(0)).contains("'anything'", "the fake service", "connection refused",
                "without its limits", "ConcurrencyLimits");
        assertThat(warnings().get(1)).contains("'other'");
    }

    @Test
    void limitsRefusedByTheServiceAreTreatedAsUnreadable() throws Exception {
        service.refuse = true;
        assertThat(slots.mayLimit(Set.of("db"))).isFalse();
        assertThat(warnings()).singleElement().asString().contains("'db'", "refused: wrong key");
    }

    @Test
    void aRefusalFailsTheRun() {
        service.limits.put("db", 1);
        assertThat(slots.mayLimit(Set.of("db"))).isTrue();
        service.refuse = true;
        assertThatThrownBy(() -> slots.acquire(a, Set.of("db"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void aReleaseThatCannotBeDeliveredIsRetriedInTheBackground() throws Exception {
        service.limits.put("db", 1);
        slots.acquire(a, Set.of("db"));
        service.down = true;
        slots.release(a);
        assertThat(slots.unreleased()).isEqualTo(1);
        assertThat(service.held).contains(a);

        service.down = false;
        dev.baton.Eventually.until(() -> clock.sleepers() == 1, "the background releaser waits for its next try");
        assertThat(slots.unreleased()).as("not before its next try").isEqualTo(1);
        clock.advance(SharedTagSlots.OUTAGE_RETRY);
        dev.baton.Eventually.until(() -> slots.unreleased() == 0, "the release is delivered");
        assertThat(service.held).doesNotContain(a);
    }

    @Test
    void aRunAskingAgainFirstDeliversItsPendingRelease() throws Exception {
        service.limits.put("db", 1);
        slots.acquire(a, Set.of("db"));
        service.down = true;
        slots.release(a);
        service.down = false;
        awaitReachable();

        assertThat(slots.acquire(a, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        assertThat(service.calls).containsSubsequence("release " + a, "acquire " + a);
        assertThat(slots.unreleased()).isZero();
    }

    @Test
    void onlyRunsThatTookSlotsAreReleased() throws Exception {
        service.limits.put("db", 1);
        slots.release(a);
        slots.acquire(a, Set.of("db"));
        slots.release(a);
        slots.release(a);
        assertThat(service.calls).containsExactly("acquire " + a, "release " + a);
    }

    /** Limits by tag; slots held by run (one tag of limit N is all it models). */
    private static final class FakeService implements SharedTagSlots.Service {
        static final Duration RETRY = Duration.ofMillis(700);
        final Map<String, Integer> limits = new HashMap<>();
        final Set<UUID> held = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        final List<UUID> flowRuns = new ArrayList<>();
        volatile boolean down, refuse;
        int limitReads, failedCalls;

        private void check() {
            if (down) {
                failedCalls++;
                throw new SharedTagSlots.Unavailable("connection refused", null);
            }
        }

        @Override
        public synchronized Map<String, Integer> limits() {
            check();
            if (refuse) throw new IllegalStateException("refused: wrong key");
            limitReads++;
            return Map.copyOf(limits);
        }

        @Override
        public synchronized Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) {
            check();
            if (refuse) throw new IllegalArgumentException("refused: bad tag");
            calls.add("acquire " + taskRunId);
            flowRuns.add(flowRunId);
            for (String tag : tags) {
                Integer limit = limits.get(tag);
                if (limit != null && !held.contains(taskRunId) && held.size() >= limit) {
                    return new Acquisition.RetryAfter(RETRY, tag);
                }
            }
            held.add(taskRunId);
            return Acquisition.ACQUIRED;
        }

        @Override
        public synchronized void release(UUID taskRunId) {
            check();
            calls.add("release " + taskRunId);
            held.remove(taskRunId);
        }
    }

    /** Time moves only when told to; a sleep ends once it has been moved far enough. */
    static final class ManualClock implements Clock {
        private long nanos = 1_000_000_000_000L;
        private int sleepers;

        @Override
        public synchronized long epochNanos() {
            return nanos;
        }

        synchronized void advance(Duration d) {
            nanos += d.toNanos();
            notifyAll();
        }

        @Override
        public synchronized void sleep(Duration duration) throws InterruptedException {
            long until = nanos + duration.toNanos();
            sleepers++;
            try {
                while (nanos < until) wait();
            } finally {
                sleepers--;
            }
        }

        /** How many threads sleep on this clock now. */
        synchronized int sleepers() {
            return sleepers;
        }

        @Override
        public Timer schedule(Runnable action, Duration delay) {
            throw new UnsupportedOperationException("not used");
        }
    }
}
