package dev.baton.semantics;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.ConcurrencyLimits;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.TaskFuture;
import dev.baton.internal.engine.EngineAccess;
import dev.baton.internal.engine.TagLimits;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concurrency limits by tag within the JVM: at most N runs carrying a limited tag run at once,
 * across flow runs; others wait Pending; untagged runs are unaffected; removing or raising a
 * limit lets waiters go; a run releases its slot between retry attempts. A limit of 0 aborts the
 * runs carrying the tag (they fail), as in Prefect, rather than holding them Pending forever.
 */
@BatonTest
class TagConcurrencyLimitTest {

    /** Counts how many bodies run at once and remembers the most. */
    static final class Gauge {
        final AtomicInteger now = new AtomicInteger(), max = new AtomicInteger();

        void enter() {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void exit() {
            now.decrementAndGet();
        }
    }

    /** How many task runs of this test wait for a slot of {@code tag} now (asked on the test's thread). */
    private static int waiting(String tag) {
        return EngineAccess.services(BatonRuntime.current()).tagLimits().waiting(tag);
    }

    /**
     * Makes the engine's sleeps (a retry delay) of this test's flow runs last until {@code done} opens
     * (or {@link Traces#PATIENCE} passes), instead of a time that a loaded machine may need all of.
     */
    private static void sleepsLastUntil(CountDownLatch done) {
        Clock system = Clock.system();
        java.util.concurrent.atomic.AtomicLong slept = new java.util.concurrent.atomic.AtomicLong();
        Clock clock = new Clock() {
            @Override
            public long epochNanos() {
                return system.epochNanos() + slept.get(); // a sleep moves time on by all of itself
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                done.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                slept.addAndGet(duration.toNanos());
            }

            @Override
            public Timer schedule(Runnable action, Duration delay) {
                return system.schedule(action, delay);
            }
        };
        // the same limits, on this clock: BatonExtension's scope, closed after the test, ends this one too
        BatonRuntime.current().toBuilder().clock(clock).build().makeCurrent();
    }

    /** The finished run of {@code handle}; fails the test (rather than hanging it) if it does not finish. */
    private static <R> FlowRun<R> finished(FlowRunHandle<R> handle) {
        return handle.await(PATIENCE).orElseThrow(() -> new AssertionError("the flow run did not finish: " + handle.state()));
    }

    @Test
    void eachTestStartsWithoutLimits() {
        assertThat(ConcurrencyLimits.all()).isEmpty();
        ConcurrencyLimits.set("db", 3);
        assertThat(ConcurrencyLimits.get("db")).isEqualTo(OptionalInt.of(3));
        assertThat(ConcurrencyLimits.all()).isEqualTo(Map.of("db", 3));
        ConcurrencyLimits.remove("db");
        assertThat(ConcurrencyLimits.get("db")).isEmpty();
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThatThrownBy(() -> ConcurrencyLimits.set("db", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the concurrency limit of tag 'db' must be >= 0, got -1");
        assertThatThrownBy(() -> ConcurrencyLimits.set(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLimitCapsTaggedRunsAcrossFlowRunsStartedAtOnce() {
        ConcurrencyLimits.set("db", 2);
        Gauge gauge = new Gauge();
        // the runs wait at a gate until all eight have either a slot or a place in the queue for one:
        // with the limit that is two inside and six waiting; without it, more would be inside
        CountDownLatch gate = new CountDownLatch(1);
        Task0<Integer> query = Task.named("query").tags("db").of(() -> {
            gauge.enter();
            try {
                gate.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                gauge.exit();
            }
            return 1;
        });
        Flow0<Void> flow = Flow.named("load").executor(new ConcurrentExecutor()).procedure(() -> {
            for (int i = 0; i < 4; i++) query.submit();
        });

        FlowRunHandle<Void> a = flow.start(), b = flow.start();
        Traces.until(() -> gauge.now.get() + waiting("db") == 8, "every run is inside or waits for a slot");
        assertThat(gauge.now).as("runs inside at once").hasValue(2);
        gate.countDown();
        FlowRun<Void> runA = finished(a), runB = finished(b);

        assertThat(runA.state()).hasToString("Completed('All states completed.')");
        assertThat(runB.state()).hasToString("Completed('All states completed.')");
        assertThat(gauge.max).hasValue(2);
    }

    @Test
    void runsWithoutTheTagAreNotLimited() {
        ConcurrencyLimits.set("db", 1);
        CyclicBarrier allThree = new CyclicBarrier(3); // passable only if three run at once
        Task0<Integer> untagged = Task.named("compute").of(() -> allThree.await(5, TimeUnit.SECONDS));
        Task0<Integer> otherTag = Task.named("fetch").tags("http").of(() -> allThree.await(5, TimeUnit.SECONDS));
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            untagged.submit();
            untagged.submit();
            otherTag.submit();
        });

        FlowRun<Void> run = flow.run();

        assertThat(run.state()).hasToString("Completed('All states completed.')");
    }

    @Test
    void taskRunsWaitingForATagSlotLeaveTheExecutorsSlotsToOthers() {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch plainDone = new CountDownLatch(2);
        Gauge gauge = new Gauge();
        // the query holding the tag's slot waits for the untagged runs, which need the executor's
        // other slot: the queries waiting for the tag must not sit on it
        Task0<String> query = Task.named("query").tags("db").of(() -> {
            gauge.enter();
            try {
                return plainDone.await(5, TimeUnit.SECONDS) ? "after the untagged runs" : "alone, the untagged runs stuck";
            } finally {
                gauge.exit();
            }
        });
        Task0<String> plain = Task.named("plain").of(() -> {
            gauge.enter();
            try {
                Thread.sleep(20);
                plainDone.countDown();
                return "ran";
            } finally {
                gauge.exit();
            }
        });
        Flow0<List<String>> flow = Flow.named("f").executor(new ConcurrentExecutor(2)).of(() -> {
            List<TaskFuture<String>> queries = List.of(query.submit(), query.submit(), query.submit());
            plain.submit();
            plain.submit();
            return queries.stream().map(TaskFuture::result).toList();
        });

        FlowRun<List<String>> run = flow.run();

        assertThat(run.result()).containsOnly("after the untagged runs");
        assertThat(gauge.max.get()).as("bodies running at once, with ConcurrentExecutor(2)").isEqualTo(2);
    }

    @Test
    void manyWaitingAndRetryingRunsNeverExceedTheExecutorsMaximum() {
        ConcurrencyLimits.set("db", 1);
        Gauge all = new Gauge(), tagged = new Gauge();
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> query = Task.named("query").tags("db").retries(2).retryDelay(Duration.ofMillis(5))
                .of(() -> failingEvery(3, calls, all, tagged));
        Task0<Integer> plain = Task.named("plain").retries(1).of(() -> failingEvery(5, calls, all));
        Flow0<Integer> flow = Flow.named("f").executor(new ConcurrentExecutor(3)).of(() -> {
            List<TaskFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 60; i++) futures.add(i % 2 == 0 ? query.submit() : plain.submit());
            int done = 0;
            for (TaskFuture<Integer> f : futures) if (f.await().isCompleted()) done++;
            return done;
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.taskRuns()).hasSize(60).allSatisfy(t -> assertThat(t.state().isFinal()).isTrue());
        assertThat(all.max.get()).as("bodies at once, with ConcurrentExecutor(3)").isLessThanOrEqualTo(3);
        assertThat(tagged.max).as("tagged bodies at once, with a limit of 1").hasValue(1);
    }

    /** A body of 2 ms, inside {@code gauges}, that fails on every {@code n}th of the {@code calls}. */
    private static int failingEvery(int n, AtomicInteger calls, Gauge... gauges) throws InterruptedException {
        for (Gauge g : gauges) g.enter();
        try {
            Thread.sleep(2);
            if (calls.incrementAndGet() % n == 0) throw new IllegalStateException("call " + calls.get() + " fails");
            return 1;
        } finally {
            for (Gauge g : gauges) g.exit();
        }
    }

    @Test
    void aTaskRunWaitingForItsRetryLeavesItsExecutorSlotToOthers() {
        CountDownLatch plainRan = new CountDownLatch(1);
        // the retry is due once the untagged run has run: had the waiting run kept the executor's only
        // slot, the untagged run could not run before the retry (which would then be due after PATIENCE)
        sleepsLastUntil(plainRan);
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> flaky = Task.named("flaky").retries(1).retryDelay(Duration.ofSeconds(1)).of(() -> {
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("first attempt fails");
            return plainRan.getCount() == 0 ? "retried after the untagged run" : "retried before it";
        });
        Task0<String> plain = Task.named("plain").of(() -> {
            plainRan.countDown();
            return "ran";
        });
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor(1)).of(() -> {
            TaskFuture<String> first = flaky.submit();
            plain.submit();
            return first.result();
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("retried after the untagged run");
        assertThat(names(Traces.taskRun(run, "flaky-0"))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void aLimitOfZeroAbortsTaggedRunsRatherThanHoldingThemForever() {
        ConcurrencyLimits.set("db", 0);
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> query = Task.named("query").tags("db").of(calls::incrementAndGet);
        Task0<String> other = Task.named("other").of(() -> "ran");
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            var q = query.submit();
            var o = other.submit();
            return q.await().type() + " " + o.result();
        });

        FlowRun<String> run = flow.run();

        assertThat(calls.get()).isZero();
        assertThat(run.result()).isEqualTo("FAILED ran");
        var queryRun = run.taskRuns().stream().filter(t -> t.name().startsWith("query")).findFirst().orElseThrow();
        assertThat(names(queryRun)).containsExactly("Pending", "Failed");
        assertThat(queryRun.state().message().orElseThrow()).contains("concurrency limit of tag 'db' is 0", "can never run");
    }

    @Test
    void raisingALimitLetsWaitersGo() throws Exception {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        Task0<String> hold = Task.named("hold").tags("db").of(() -> {
            holding.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "held";
        });
        Task0<String> query = Task.named("query").tags("db").of(() -> "ran");
        FlowRunHandle<String> holder = Flow.named("holder").of(hold::call).start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        FlowRunHandle<String> waiter = Flow.named("f").of(query::call).start();
        Traces.until(() -> waiting("db") == 1 || waiter.isDone(), "the task run waits for a slot");
        boolean heldBack = !waiter.isDone();

        ConcurrencyLimits.set("db", 2);

        assertThat(heldBack).isTrue();
        assertThat(finished(waiter).result()).isEqualTo("ran");
        release.countDown();
        assertThat(finished(holder).result()).isEqualTo("held");
    }

    @Test
    void aRunWithTwoLimitedTagsNeedsASlotOfEach() {
        ConcurrencyLimits.set("db", 5);
        ConcurrencyLimits.set("gpu", 1);
        Gauge gauge = new Gauge();
        CountDownLatch gate = new CountDownLatch(1); // held until every run is inside or queued
        Task0<Integer> train = Task.named("train").tags("db", "gpu").of(() -> {
            gauge.enter();
            try {
                gate.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                gauge.exit();
            }
            return 1;
        });
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            for (int i = 0; i < 4; i++) train.submit();
        });

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> gauge.now.get() + waiting("gpu") == 4, "every run is inside or waits for a gpu slot");
        gate.countDown();
        FlowRun<Void> run = finished(handle);

        assertThat(run.state()).hasToString("Completed('All states completed.')");
        assertThat(gauge.max).as("the gpu limit of 1 decides").hasValue(1);
    }

    @Test
    void aRunGivesBackItsSlotBetweenRetryAttempts() {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch flakyHolds = new CountDownLatch(1), otherRan = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        TagLimits limits = EngineAccess.services(BatonRuntime.current()).tagLimits(); // the body's thread does not inherit the test's services
        CountDownLatch otherQueued = new CountDownLatch(1);
        Task0<Boolean> flaky = Task.named("flaky").tags("db").retries(1).of(() -> {
            if (attempts.incrementAndGet() == 1) {
                flakyHolds.countDown();
                Traces.until(() -> limits.waiting("db") == 1, "the other run waits for the slot");
                otherQueued.countDown(); // (a failed wait would only fail this attempt, which fails anyway)
                throw new IllegalStateException("first attempt fails");
            }
            return otherRan.getCount() == 0; // the other run used the slot in between
        });
        Task0<Void> other = Task.named("other").tags("db").procedure(otherRan::countDown);
        Flow0<Boolean> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            var f = flaky.submit();
            // submitted only once the first attempt holds the slot: two runs submitted together may take it in either order
            Traces.await(flakyHolds, "the first attempt holds the slot");
            other.submit();
            return f.result();
        });

        FlowRun<Boolean> run = finished(flow.start());

        assertThat(otherQueued.getCount()).as("the other run waited for the slot held by the first attempt").isZero();
        assertThat(run.result()).isTrue();
        assertThat(names(Traces.taskRun(run, "flaky-0")))
                .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void aRunWaitingForASlotIsCancelledWithItsFlowRun() throws Exception {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        Task0<Boolean> hold = Task.named("hold").tags("db").of(() -> {
            holding.countDown();
            return release.await(10, TimeUnit.SECONDS);
        });
        FlowRunHandle<Boolean> holder = Flow.named("holder").of(hold::call).start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> query = Task.named("query").tags("db").of(calls::incrementAndGet);
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(query::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.until(() -> waiting("db") == 1, "the task run waits for the slot");
        handle.cancel();
        FlowRun<Void> run = finished(handle);
        release.countDown();
        assertThat(finished(holder).result()).isTrue();

        assertThat(calls).hasValue(0);
        assertThat(run.state().isCancelled()).isTrue();
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Cancelled");
    }

    @Test
    void slotsAreGivenBackWhenRunsFail() {
        ConcurrencyLimits.set("db", 1);
        Task0<Integer> bad = Task.named("bad").tags("db").of(() -> {
            throw new IllegalStateException("x");
        });
        Task0<Integer> good = Task.named("good").tags("db").of(() -> 1);
        Flow0<Integer> flow = Flow.named("f").of(() -> {
            bad.submit();
            bad.submit();
            return good.call();
        });

        assertThat(finished(flow.start()).taskRuns()).extracting(t -> t.state().name()).containsExactly("Failed", "Failed", "Completed");
    }
}
