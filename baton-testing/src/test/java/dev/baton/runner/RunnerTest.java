package dev.baton.runner;

import dev.baton.BatonRuntime;
import dev.baton.Deployment;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.Flow2;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Runner;
import dev.baton.Schedule;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A runner serving deployments in one process, on the fake clock: scheduled runs start at their
 * due time as the flow runs they were created as, with their parameters read into the flow's types;
 * a limit holds runs back, a run nobody starts in time goes Late, stopping cancels and pauses.
 */
@BatonTest
class RunnerTest {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final List<String> calls = new CopyOnWriteArrayList<>();

    static final Flow0<String> hourly = Flow.named("hourly").of(() -> {
        calls.add("hourly");
        return "done";
    });

    static final Flow1<LocalDate, String> daily = Flow.named("daily").parameterNames("day")
            .of(day -> {
                calls.add("daily " + day + " " + day.getClass().getSimpleName());
                return day.toString();
            });

    record Window(LocalDate from, int days, Region region) {}

    enum Region { EU, US }

    static final Flow1<Window, String> report = Flow.named("report").of(w -> {
        calls.add("report " + w);
        return "ok";
    });

    static final Flow2<String, Integer, String> unnamed = Flow.named("unnamed").of((a, b) -> a + b);

    static CountDownLatch release;
    static final Flow0<String> blocking = Flow.named("blocking").of(() -> {
        calls.add("blocking");
        release.await();
        return "released";
    });

    private static Deployments deployments() {
        return BatonRuntime.current().store().deployments().orElseThrow();
    }

    /** Waits for the runs the runner has running now to finish. */
    private static void finish(Runner runner) {
        for (FlowRunHandle<?> h : runner.running()) {
            assertThat(h.await(Duration.ofSeconds(30))).as("run " + h.name() + " finished").isPresent();
        }
    }

    /**
     * Waits until the bodies have been called {@code n} times and the runs have ended: a run that
     * ends hands its slot on by a pass on the clock, which may start the next due run on its own
     * thread just after {@code advance} returned.
     */
    private static void awaitCalls(Runner runner, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.size() < n) {
            assertThat(System.nanoTime()).as(n + " calls within 30 s, got " + calls).isLessThan(deadline);
            Thread.sleep(1);
        }
        finish(runner);
    }

    private static List<String> names(FlowRun<?> run) {
        List<String> out = new ArrayList<>();
        for (State s : run.history()) out.add(s.name());
        return out;
    }

    @Test
    void eachScheduledRunStartsAtItsDueTimeAsTheRunItWasCreatedAs(FakeClock clock, RecordedRuns runs)
            throws InterruptedException {
        calls.clear();
        try (Runner runner = Runner.builder()
                .add(hourly, Deployment.named("every-hour").schedules(Schedule.interval(Duration.ofHours(1))))
                .build().start()) {
            DeploymentRecord d = deployments().get("every-hour").orElseThrow();
            List<ScheduledRun> ahead = deployments().scheduledRuns(d.id(), 1000);
            assertThat(ahead).as("created ahead: 100 runs").hasSize(100);
            assertThat(ahead.get(0).due()).isEqualTo(START.plus(Duration.ofHours(1)));
            assertThat(calls).isEmpty();

            for (int hour = 1; hour <= 3; hour++) {
                clock.advance(Duration.ofHours(1));
                awaitCalls(runner, hour);
                assertThat(calls).hasSize(hour);
            }
            List<FlowRun<?>> done = runs.flowRuns("hourly");
            assertThat(done).hasSize(3);
            for (int i = 0; i < 3; i++) {
                FlowRun<?> run = done.get(i); // in the order they ran
                assertThat(run.id()).isEqualTo(ahead.get(i).id());
                assertThat(run.name()).isEqualTo(ahead.get(i).name());
                assertThat(names(run)).containsExactly("Scheduled", "Pending", "Running", "Completed");
                assertThat(run.history().get(0).scheduledTime()).contains(ahead.get(i).due());
                assertThat(run.history().get(2).timestamp()).as("started when due").isEqualTo(ahead.get(i).due());
            }
            List<ScheduledRun> waiting = deployments().scheduledRuns(d.id(), 1000);
            assertThat(waiting).as("the three ran; 100 are kept ahead").hasSize(100)
                    .extracting(ScheduledRun::id).doesNotContain(ahead.get(0).id(), ahead.get(1).id(), ahead.get(2).id());
            assertThat(waiting.get(0).due()).isEqualTo(START.plus(Duration.ofHours(4)));
        }
    }

    @Test
    void parametersAreReadIntoTheFlowsTypesAndAScheduleOverridesTheDeployments(FakeClock clock)
            throws InterruptedException {
        calls.clear();
        try (Runner runner = Runner.builder()
                .add(daily, Deployment.named("daily").parameter("day", LocalDate.of(2026, 1, 1))
                        .schedules(Schedule.cron("0 6 * * *"),
                                Schedule.cron("0 18 * * *").withParameters(Map.of("day", "2030-12-31"))))
                .build().start()) {
            clock.advance(Duration.ofHours(6));
            awaitCalls(runner, 1);
            clock.advance(Duration.ofHours(12));
            awaitCalls(runner, 2);
        }
        assertThat(calls).containsExactly("daily 2026-01-01 LocalDate", "daily 2030-12-31 LocalDate");
    }

    @Test
    void aFlowOfOneRecordTakesTheRecordsComponentsAsItsParameters(FakeClock clock) throws InterruptedException {
        calls.clear();
        try (Runner runner = Runner.builder()
                .add(report, Deployment.named("report").parameters(Map.of("from", "2026-03-01", "days", 7,
                        "region", "EU")).schedules(Schedule.cron("0 * * * *")))
                .build().start()) {
            clock.advance(Duration.ofHours(1));
            awaitCalls(runner, 1);
        }
        assertThat(calls).containsExactly("report Window[from=2026-03-01, days=7, region=EU]");
    }

    @Test
    void parametersThatDoNotFitAreRefusedNamingTheParameterTheValueAndTheType() {
        assertThatThrownBy(() -> Runner.builder().add(daily, Deployment.named("bad").parameter("day", "tomorrow")
                .schedules(Schedule.cron("0 6 * * *"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Deployment 'bad'")
                .hasMessageContaining("Parameter 'day'").hasMessageContaining("\"tomorrow\"")
                .hasMessageContaining("a LocalDate");
        assertThatThrownBy(() -> Runner.builder().add(report, Deployment.named("bad").parameters(Map.of("from",
                "2026-03-01", "days", 7, "region", "MARS")).schedules(Schedule.cron("0 6 * * *"))))
                .hasMessageContaining("Parameter 'region'").hasMessageContaining("\"MARS\"")
                .hasMessageContaining("one of EU, US");
        assertThatThrownBy(() -> Runner.builder().add(daily, Deployment.named("bad").parameter("dya", "2026-01-01")
                .schedules(Schedule.cron("0 6 * * *"))))
                .hasMessageContaining("Flow 'daily' has no parameter 'dya' (its parameters: day)");
        assertThatThrownBy(() -> Runner.builder().add(daily, Deployment.named("bad").schedules(Schedule.cron("0 6 * * *"))))
                .hasMessageContaining("Parameter 'day' of flow 'daily' has no value");
    }

    @Test
    void aFlowWhoseParametersHaveNoNamesOrNoFieldIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> Runner.builder().add(unnamed, Deployment.named("u")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Flow 'unnamed' takes 2 parameters, which have no names")
                .hasMessageContaining("parameterNames(\"day\", \"region\")");
        Flow1<Integer, Integer> local = Flow.named("local").parameterNames("n").of(n -> n);
        assertThatThrownBy(() -> Runner.builder().add(local, Deployment.named("l")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("static field");
    }

    @Test
    void anAdHocRunWithAParameterThatDoesNotFitFailsAtOnceSayingWhy(FakeClock clock, RecordedRuns runs) {
        calls.clear();
        try (Runner runner = Runner.builder().add(daily, Deployment.named("daily")).build().start()) {
            DeploymentRecord d = deployments().get("daily").orElseThrow();
            deployments().addScheduledRuns(List.of(dev.baton.spi.Scheduling.adHoc(d,
                    "{\"day\": \"yesterday\"}", clock.now(), clock.now())));
            clock.advance(Duration.ofSeconds(1));
            finish(runner);
        }
        FlowRun<?> run = runs.lastFlowRun();
        assertThat(run.state().type()).isEqualTo(StateType.FAILED);
        assertThat(run.state().message().orElse("")).contains("Parameter 'day' of flow 'daily' is \"yesterday\"");
        assertThat(calls).isEmpty();
    }

    @Test
    void aLimitHoldsDueRunsBackAndOneNotStartedInTimeGoesLate(FakeClock clock, RecordedRuns runs) throws Exception {
        calls.clear();
        release = new CountDownLatch(1);
        Runner runner = Runner.builder().limit(1).lateAfter(Duration.ofSeconds(15))
                .add(blocking, Deployment.named("blocking").schedules(Schedule.interval(Duration.ofMinutes(1))))
                .build().start();
        try {
            clock.advance(Duration.ofMinutes(1));
            assertThat(runner.running()).hasSize(1);
            clock.advance(Duration.ofMinutes(1)); // the second is due; the first still runs
            clock.advance(Duration.ofSeconds(20));
            assertThat(runner.running()).hasSize(1);
            DeploymentRecord d = deployments().get("blocking").orElseThrow();
            ScheduledRun second = deployments().scheduledRuns(d.id(), 1).get(0);
            assertThat(second.state().name()).isEqualTo("Late");

            FlowRunHandle<?> first = runner.running().get(0);
            release.countDown();
            first.await();
            // the slot freed, the late run starts at once (no need to wait for the next poll)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(runs.flowRuns("blocking").size() == 2 && runs.flowRuns("blocking").get(1).state().isFinal())) {
                assertThat(System.nanoTime()).as("the late run ends within 30 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            FlowRun<?> late = runs.flowRuns("blocking").get(1);
            assertThat(late.id()).isEqualTo(second.id());
            assertThat(names(late)).containsExactly("Scheduled", "Late", "Pending", "Running", "Completed");
        } finally {
            release.countDown();
            runner.stop();
        }
    }

    @Test
    void stoppingCancelsTheRunsStillRunningAndPausesTheDeployment(FakeClock clock) {
        release = new CountDownLatch(1);
        Runner runner = Runner.builder()
                .add(blocking, Deployment.named("blocking").schedules(Schedule.interval(Duration.ofMinutes(1))))
                .build().start();
        clock.advance(Duration.ofMinutes(1));
        FlowRunHandle<?> running = runner.running().get(0);
        runner.stop();
        assertThat(running.await().state().type()).isEqualTo(StateType.CANCELLED);
        DeploymentRecord d = deployments().get("blocking").orElseThrow();
        assertThat(d.paused()).isTrue();
        assertThat(deployments().scheduledRuns(d.id(), 10)).as("no runs pile up while nobody serves it").isEmpty();
        runner.awaitStop(); // returns: stopped
    }
}
