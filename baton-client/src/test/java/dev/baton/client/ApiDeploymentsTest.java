package dev.baton.client;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Deployment;
import dev.baton.Flow;
import dev.baton.Flow1;
import dev.baton.Runner;
import dev.baton.Schedule;
import dev.baton.StateType;
import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;
import dev.baton.spi.StateRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's deployments through the client ({@link ApiClient#deployments()},
 * {@link ApiRunStore#deployments()}) against a real server over HTTP: read and written as on the
 * database, bad input refused with the server's message as an {@link IllegalArgumentException},
 * runs claimed exactly once by clients claiming at once, and a {@link Runner} in client mode
 * serving a flow whose scheduled and ad-hoc runs the server records from Scheduled to Completed.
 */
class ApiDeploymentsTest {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    /** The parameters of flow etl as its deployments keep them: written as the server writes them back. */
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"day\":{\"type\":\"string\","
            + "\"format\":\"date\"}},\"required\":[\"day\"],\"additionalProperties\":false}";

    /** Served by the runner in client mode: greets, in its log, whom its parameter names. */
    static final Flow1<String, String> greet = Flow.named("greet").parameterNames("name").of(name -> {
        String greeting = "Hello, " + name + "!";
        Baton.logger().info(greeting);
        return greeting;
    });

    @TempDir
    Path home;
    ApiServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home.resolve("server")).build());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
        server.close();
    }

    private ApiClient client() {
        ApiClient api = ApiClient.connect(server.url(), null);
        toClose.add(api);
        return api;
    }

    static DeploymentRecord deployment(String name, String pool, Schedule... schedules) {
        return new DeploymentRecord(UUID.randomUUID(), name, "etl", "com.acme.Flows#etl", "loads the day",
                DeploymentJson.parameters(Map.of("day", "2026-01-01")), SCHEMA, List.of(schedules),
                Set.of("nightly"), pool, null, false, T0, T0);
    }

    static ScheduledRun scheduled(DeploymentRecord d, Instant due) {
        return new ScheduledRun(UUID.randomUUID(), "run-" + due.getEpochSecond(), d.id(), d.flowName(),
                d.parameters(), due, "scheduled/" + d.id() + "/test/" + due, List.of(new StateRecord(
                StateType.SCHEDULED, "Scheduled", T0, null, due, null)));
    }

    @Test
    void deploymentsAreWrittenAndReadThroughTheClientAsOnTheDatabase() {
        Deployments deployments = client().deployments();
        Schedule paris = Schedule.cron("0 2 * * *", "Europe/Paris");
        Schedule anchored = Schedule.interval(Duration.ofDays(1),
                ZonedDateTime.parse("2026-01-05T09:00+01:00[Europe/Paris]")).withParameters(Map.of("rows", 9));
        DeploymentRecord nightly = deployment("nightly", null, paris, anchored, Schedule.rrule(
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18", "America/New_York"));
        assertThat(deployments.put(nightly)).as("stored as given, schedules and all").isEqualTo(nightly);
        assertThat(deployments.get("nightly")).contains(nightly);
        assertThat(deployments.get(nightly.id())).contains(nightly);

        Instant later = T0.plusSeconds(60);
        DeploymentRecord changed = new DeploymentRecord(UUID.randomUUID(), "nightly", "etl", null, null, "{}",
                null, List.of(), Set.of(), "default", 3, false, later, later);
        DeploymentRecord stored = deployments.put(changed);
        assertThat(stored.id()).as("an update keeps its id").isEqualTo(nightly.id());
        assertThat(stored.created()).isEqualTo(T0);
        assertThat(stored.concurrencyLimit()).isEqualTo(3);
        deployments.put(deployment("adhoc", null));
        assertThat(deployments.list()).extracting(DeploymentRecord::name).containsExactly("adhoc", "nightly");

        assertThat(deployments.setPaused("nightly", true, later)).hasValueSatisfying(d -> assertThat(d.paused())
                .isTrue());
        assertThat(deployments.setPaused("nightly", false, later)).hasValueSatisfying(d -> assertThat(d.paused())
                .isFalse());
        assertThat(deployments.setPaused("none", true, later)).isEmpty();
        assertThat(deployments.get("none")).isEmpty();
        assertThat(deployments.get("n".repeat(300))).as("a name no deployment can have").isEmpty();
        assertThat(deployments.delete("nul\u0000")).isFalse();
        assertThat(deployments.get(UUID.randomUUID())).isEmpty();
        assertThat(deployments.delete("adhoc")).isTrue();
        assertThat(deployments.delete("adhoc")).isFalse();
        assertThat(deployments.list()).extracting(DeploymentRecord::name).containsExactly("nightly");

        // its runs: created once, listed soonest first, found until claimed, claimed once
        List<ScheduledRun> runs = List.of(scheduled(stored, T0.plusSeconds(120)), scheduled(stored, T0),
                scheduled(stored, T0.plusSeconds(60)));
        assertThat(deployments.addScheduledRuns(runs)).isEqualTo(3);
        assertThat(deployments.addScheduledRuns(runs)).isZero();
        assertThat(deployments.addScheduledRuns(List.of())).isZero();
        assertThat(deployments.scheduledRuns(stored.id(), 2)).extracting(ScheduledRun::due)
                .containsExactly(T0, T0.plusSeconds(60));
        assertThat(deployments.scheduledRuns(stored.id(), 0)).isEmpty();
        assertThat(deployments.scheduledRuns(UUID.randomUUID(), 5)).as("no such deployment: no runs").isEmpty();
        assertThat(deployments.scheduledRun(runs.get(1).id())).contains(runs.get(1));
        assertThat(deployments.markLate(T0.plusSeconds(30), T0.plusSeconds(45))).isEqualTo(1);
        List<ScheduledRun> claimed = deployments.claimDue(List.of(stored.id()), T0.plusSeconds(90), 5, "test pid 1");
        assertThat(claimed).extracting(ScheduledRun::id).containsExactly(runs.get(1).id(), runs.get(2).id());
        assertThat(claimed.get(0).history()).extracting(StateRecord::name).containsExactly("Scheduled", "Late",
                "Pending");
        assertThat(deployments.scheduledRun(runs.get(1).id())).isEmpty();
        assertThat(deployments.claimDue(List.of(stored.id()), T0.plusSeconds(90), 5, "test pid 2")).isEmpty();
        assertThat(deployments.claimDue(List.of(), T0, 5, "p")).isEmpty();
    }

    @Test
    void badInputIsAnIllegalArgumentExceptionWithTheServersMessage() {
        Deployments deployments = client().deployments();
        assertThatThrownBy(() -> deployments.put(deployment("pooled", "p".repeat(201))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Field 'workPool' is 201 characters long; at most 200 are allowed");
        DeploymentRecord d = deployments.put(deployment("ok", null));
        ScheduledRun running = new ScheduledRun(UUID.randomUUID(), "r", d.id(), "etl", d.parameters(), T0, null,
                List.of(new StateRecord(StateType.RUNNING, "Running", T0, null, null, null)));
        assertThatThrownBy(() -> deployments.addScheduledRuns(List.of(running)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must have a history ending in a SCHEDULED state");
        ScheduledRun tomorrow = Scheduling.adHoc(d, "{\"day\":\"tomorrow\"}", T0, T0);
        assertThatThrownBy(() -> deployments.addScheduledRuns(List.of(tomorrow)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Run [0] of deployment 'ok': Parameter 'day' of flow 'etl' is \"tomorrow\", which is not a"
                        + " date (yyyy-mm-dd)");
        assertThat(deployments.scheduledRuns(d.id(), 10)).as("not created").isEmpty();
        assertThatThrownBy(() -> deployments.scheduledRuns(d.id(), 100_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'limit' must be 0 to 10000");
        assertThatThrownBy(() -> deployments.claimDue(List.of(d.id()), T0, -1, "p"))
                .isInstanceOf(IllegalArgumentException.class);

        // no server: an ApiException saying so, not an empty answer
        server.close();
        assertThatThrownBy(deployments::list).isInstanceOf(ApiException.class)
                .hasMessageContaining("No Baton API server answered");
    }

    @Test
    void clientsClaimingAtOnceThroughTheServerClaimEachDueRunExactlyOnce() throws Exception {
        DeploymentRecord d = client().deployments().put(deployment("busy", null));
        List<ScheduledRun> runs = new ArrayList<>();
        for (int i = 0; i < 120; i++) runs.add(scheduled(d, T0.plusSeconds(i)));
        assertThat(client().deployments().addScheduledRuns(runs)).isEqualTo(120);
        int clients = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<UUID>>> each = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Deployments own = client().deployments(); // its own HTTP client
                String process = "claimer-" + c;
                each.add(pool.submit(() -> {
                    go.await();
                    List<UUID> mine = new ArrayList<>();
                    while (true) {
                        List<ScheduledRun> got = own.claimDue(List.of(d.id()), T0.plusSeconds(3600), 5, process);
                        if (got.isEmpty()) return mine;
                        got.forEach(r -> mine.add(r.id()));
                    }
                }));
            }
            go.countDown();
            List<UUID> all = new ArrayList<>();
            for (Future<List<UUID>> f : each) all.addAll(f.get());
            assertThat(all).hasSize(120);
            assertThat(new HashSet<>(all)).as("no run claimed twice").hasSize(120);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRunnerInClientModeServesAFlowWhoseRunsTheServerRecordsFromScheduledToCompleted() throws Exception {
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(server.url(), null), new ApiRunStore.Options(1_000_000,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(200)));
        toClose.add(store);
        assertThat(store.deployments()).as("client mode keeps its deployments on the server").isPresent();
        BatonRuntime runtime = BatonRuntime.builder().store(store).home(home.resolve("client")).build();
        ApiClient api = client();
        Runner runner = Runner.builder().runtime(runtime).pollInterval(Duration.ofMillis(200))
                .add(greet, Deployment.named("greet-api").parameter("name", "world")
                        .schedules(Schedule.interval(Duration.ofSeconds(2))))
                .build().start();
        try {
            DeploymentRecord d = api.deployments().get("greet-api").orElseThrow(() -> new AssertionError(
                    "the runner registered its deployment on the server"));
            assertThat(d.workPool()).as("served by its process").isNull();

            // an ad-hoc run, as `baton deployment run greet-api --param name=Baton` makes it
            Instant now = Instant.now();
            ScheduledRun adHoc = Scheduling.adHoc(d, DeploymentJson.merged(d.parameters(), Map.of("name", "Baton")),
                    now, now);
            assertThat(api.deployments().addScheduledRuns(List.of(adHoc))).isEqualTo(1);
            FlowRunDetail done = await("the ad-hoc run completed on the server", () -> api.flowRun(adHoc.id())
                    .filter(r -> r.run().state() != null && r.run().state().isFinal()));
            assertThat(done.history()).extracting(StateRecord::name)
                    .containsExactly("Scheduled", "Pending", "Running", "Completed");
            assertThat(done.run().name()).isEqualTo(adHoc.name());
            assertThat(api.logs(new LogFilter(adHoc.id(), null, 0, 100)).items()).extracting(LogLine::message)
                    .contains("Hello, Baton!");

            // a run its schedule made (every 2 s), claimed and run by the runner
            FlowRunFilter completed = new FlowRunFilter(Set.of(StateType.COMPLETED), null, null, null, null, 0, 10);
            FlowRunDetail scheduled = await("a scheduled run completed on the server", () -> api.flowRuns(completed)
                    .items().stream().filter(r -> r.flowName().equals("greet") && !r.id().equals(adHoc.id()))
                    .findFirst().flatMap(r -> api.flowRun(r.id())));
            assertThat(scheduled.history()).extracting(StateRecord::name)
                    .containsExactly("Scheduled", "Pending", "Running", "Completed");
            assertThat(scheduled.history().get(0).scheduledTime().getEpochSecond() % 2).as("due on the interval")
                    .isZero();
            assertThat(api.logs(new LogFilter(scheduled.run().id(), null, 0, 100)).items())
                    .extracting(LogLine::message).contains("Hello, world!");
        } finally {
            runner.stop();
        }
        assertThat(api.deployments().get("greet-api")).hasValueSatisfying(d -> assertThat(d.paused())
                .as("stopping pauses what it served").isTrue());
        assertThat(api.deployments().scheduledRuns(api.deployments().get("greet-api").orElseThrow().id(), 10))
                .as("pausing dropped its scheduled runs").isEmpty();
    }

    @Test
    void aLongRunClaimedInClientModeGetsHeartbeatsAndIsNotFoundCrashed() throws Exception {
        server.close();
        server = ApiServer.start(ServerOptions.builder().port(0).batonHome(home.resolve("server"))
                .crashTimeout(Duration.ofSeconds(2)).build());
        ApiRunStore store = ApiRunStore.open(ApiSettings.of(server.url(), null), new ApiRunStore.Options(1_000_000,
                Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofMillis(200)));
        toClose.add(store);
        BatonRuntime runtime = BatonRuntime.builder().store(store).home(home.resolve("client")).build();
        ApiClient api = client();
        try (Runner runner = Runner.builder().runtime(runtime).pollInterval(Duration.ofMillis(200))
                .add(slow, Deployment.named("slow")).build().start()) {
            DeploymentRecord d = api.deployments().get("slow").orElseThrow();
            Instant now = Instant.now();
            ScheduledRun run = Scheduling.adHoc(d, d.parameters(), now, now);
            api.deployments().addScheduledRuns(List.of(run));
            // silent for 4 s, twice the crash timeout, but for the heartbeats of the process that claimed it
            FlowRunDetail done = await("the slow run finished", () -> api.flowRun(run.id())
                    .filter(r -> r.run().state() != null && r.run().state().isFinal()));
            assertThat(done.history()).extracting(StateRecord::name)
                    .containsExactly("Scheduled", "Pending", "Running", "Completed");
        }
    }

    /** Sleeps 4 s without a state or a log line: only heartbeats say that its process is alive. */
    static final dev.baton.Flow0<String> slow = Flow.named("slow").of(() -> {
        Thread.sleep(4_000);
        return "done";
    });

    private static <T> T await(String what, Supplier<Optional<T>> check) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = check.get();
            if (value.isPresent()) return value.get();
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
