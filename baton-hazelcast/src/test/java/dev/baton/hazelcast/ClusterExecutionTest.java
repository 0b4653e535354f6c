package dev.baton.hazelcast;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.AsyncTask1;
import dev.baton.Baton;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import org.example.untrusted.UntrustedTasks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task runs on a cluster of two worker JVMs started as {@code ./baton worker hazelcast} starts
 * them ({@link HazelcastWorker}'s main), reached with {@link HazelcastExecutor#connect}: one
 * cluster for every test here. The workers allow no package besides Baton's (the test classes
 * are in {@code dev.baton.}): {@code org.example.} is refused.
 */
class ClusterExecutionTest {
    private static final String CLUSTER = "baton-test-" + UUID.randomUUID();
    private static final List<WorkerProcess> workers = new ArrayList<>();
    private static HazelcastExecutor executor;

    @BeforeAll
    static void startCluster() throws Exception {
        try {
            WorkerProcess first = WorkerProcess.start(CLUSTER, WorkerProcess.testClassPath(), List.of(), "--threads", "2");
            workers.add(first);
            WorkerProcess second = WorkerProcess.start(CLUSTER, WorkerProcess.testClassPath(), List.of(first.address),
                    "--threads", "2");
            workers.add(second);
            first.awaitReady(60);
            second.awaitReady(60);
        } catch (Exception | Error e) {
            WorkerProcess.closeAll(workers);
            throw e;
        }
        executor = HazelcastExecutor.builder().connect(CLUSTER, workers.get(0).address, workers.get(1).address).build();
    }

    @AfterAll
    static void stopCluster() {
        WorkerProcess.closeAll(workers);
    }

    /** Where a task body ran, and when. */
    record Ran(long pid, long startMillis, long endMillis, int value) implements Serializable {}

    private static final Task2<Integer, Long, Ran> WORK = Task.named("work").of((x, sleepMillis) -> {
        long start = System.currentTimeMillis();
        Thread.sleep(sleepMillis);
        return new Ran(ProcessHandle.current().pid(), start, System.currentTimeMillis(), x);
    });
    private static final Task2<Ran, Ran, Ran> JOIN = Task.named("join").of((a, b) -> {
        long start = System.currentTimeMillis();
        return new Ran(ProcessHandle.current().pid(), start, System.currentTimeMillis(), a.value() + b.value());
    });

    private static final Task1<Ran, Ran> STEP = Task.named("step").of(a -> {
        long start = System.currentTimeMillis();
        Thread.sleep(200);
        return new Ran(ProcessHandle.current().pid(), start, System.currentTimeMillis(), a.value() + 10);
    });

    @Test
    void resultsComeBackAndDependenciesOrderTaskRunsAcrossWorkers() {
        FlowRun<List<Ran>> run = Flow.named("diamond").executor(executor).of(() -> {
            TaskFuture<Ran> a = WORK.submit(1, 300L);
            TaskFuture<Ran> b = STEP.submit(a);
            TaskFuture<Ran> c = STEP.submit(a);
            TaskFuture<Ran> d = JOIN.submit(b, c);
            return List.of(a.result(), b.result(), c.result(), d.result());
        }).run();

        assertThat(run.state().isCompleted()).as("%s", run.state()).isTrue();
        Ran a = run.result().get(0), b = run.result().get(1), c = run.result().get(2), d = run.result().get(3);
        assertThat(d.value()).isEqualTo(22);
        assertThat(b.startMillis()).isGreaterThanOrEqualTo(a.endMillis());
        assertThat(c.startMillis()).isGreaterThanOrEqualTo(a.endMillis());
        assertThat(d.startMillis()).isGreaterThanOrEqualTo(Math.max(b.endMillis(), c.endMillis()));
        // b and c, ready together, went to different workers (the least loaded each time)
        assertThat(b.pid()).isNotEqualTo(c.pid());
        assertThat(workerPids()).contains(a.pid(), b.pid(), c.pid(), d.pid());
        assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.history()).extracting(State::type)
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED));
    }

    @Test
    void independentTaskRunsSpreadOverBothWorkers() {
        FlowRun<Set<Long>> run = Flow.named("spread").executor(executor).of(() -> {
            List<TaskFuture<Ran>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) futures.add(WORK.submit(i, 200L));
            Set<Long> pids = new HashSet<>();
            for (TaskFuture<Ran> f : futures) pids.add(f.result().pid());
            return pids;
        }).run();

        assertThat(run.result()).containsExactlyInAnyOrderElementsOf(workerPids());
    }

    private static final AsyncTask1<Integer, Integer> TRIPLE_LATER = Task.named("triple_later")
            .async(x -> CompletableFuture.supplyAsync(() -> x * 3).thenApply(y -> y + 0));

    @Test
    void asyncTasksRunOnWorkers() {
        FlowRun<List<Integer>> run = Flow.named("async_on_cluster").executor(executor)
                .async(() -> TRIPLE_LATER.call(2).thenCompose(six -> dev.baton.Async.allOf(TRIPLE_LATER.call(six),
                        TRIPLE_LATER.call(10))))
                .run();

        assertThat(run.state().isCompleted()).as("%s", run.state()).isTrue();
        assertThat(run.result()).containsExactly(18, 30);
        assertThat(run.taskRuns()).hasSize(3).allSatisfy(t -> assertThat(t.state().isCompleted()).isTrue());
    }

    /** Not serializable: what the tests below try to send or return. */
    static final class Unshippable {
        final int value;

        Unshippable(int value) {
            this.value = value;
        }
    }

    @Test
    void aTaskWhoseLambdaCapturesSomethingUnserializableFailsNamingTheTaskRun() {
        Unshippable captured = new Unshippable(1);
        Task1<Integer, Integer> capturing = Task.named("capturing").of(x -> x + captured.value);

        TaskRun taskRun = onlyTaskRun(Flow.named("captures").executor(executor).of(() -> capturing.submit(1).result()).run());

        assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
        // the executor says it, naming where the call was to go
        assertThat(taskRun.state().message().orElseThrow())
                .contains("Task run 'capturing-0' cannot be sent to the cluster at " + List.of(workers.get(0).address, workers.get(1).address))
                .contains("its body (or what its lambda captures) is not serializable: NotSerializableException: "
                        + Unshippable.class.getName());
    }

    private static final Task1<Unshippable, Integer> TAKES_UNSHIPPABLE = Task.named("takes_unshippable").of(u -> u.value);

    @Test
    void aNonSerializableArgumentFailsTheTaskRunNamingIt() {
        TaskRun taskRun = onlyTaskRun(Flow.named("bad_argument").executor(executor)
                .of(() -> TAKES_UNSHIPPABLE.submit(new Unshippable(3)).result()).run());

        assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
        assertThat(taskRun.state().message().orElseThrow())
                .contains("Task run 'takes_unshippable-0' cannot be sent to the cluster at " + List.of(workers.get(0).address, workers.get(1).address))
                .contains("its arguments hold an object of type " + Unshippable.class.getName()
                        + ", which is not java.io.Serializable");
    }

    private static final Task1<Integer, Unshippable> RETURNS_UNSHIPPABLE = Task.named("returns_unshippable")
            .of(Unshippable::new);

    @Test
    void aNonSerializableResultFailsTheTaskRunNamingIt() {
        TaskRun taskRun = onlyTaskRun(Flow.named("bad_result").executor(executor)
                .of(() -> RETURNS_UNSHIPPABLE.submit(4).result().value).run());

        assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
        assertThat(taskRun.state().message().orElseThrow())
                .containsPattern("Task run 'returns_unshippable-0' finished on worker \\[127.0.0.1]:\\d+ but its result"
                        + " could not travel back: an object of type " + Unshippable.class.getName().replace("$", "\\$")
                        + " is not java.io.Serializable");
    }

    @Test
    void aTaskFromAPackageTheWorkersDoNotAllowIsRefused() {
        TaskRun taskRun = onlyTaskRun(Flow.named("untrusted").executor(executor)
                .of(() -> UntrustedTasks.DOUBLE.submit(2).result()).run());

        assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
        assertThat(taskRun.state().message().orElseThrow())
                .containsPattern("Task run 'untrusted_double-0' was refused by worker \\[127.0.0.1]:\\d+: its"
                        + " deserialization filter does not allow class org.example.untrusted.UntrustedTasks. Allow its"
                        + " package on the workers \\(./baton worker hazelcast --allow org.example.untrusted.\\)");
    }

    private static final Task1<Integer, Integer> LOGS = Task.named("logs").of(x -> {
        Baton.logger().info("hello from pid {}", ProcessHandle.current().pid());
        Baton.logger().warn("careful with {}", x);
        return x;
    });

    @Test
    void logLinesWrittenOnAWorkerReachTheFlowRunsLog() {
        Logger taskRuns = (Logger) LoggerFactory.getLogger("dev.baton.task_runs");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        taskRuns.addAppender(appender);
        FlowRun<Integer> run;
        try {
            run = Flow.named("logging").executor(executor).of(() -> LOGS.submit(5).result()).run();
        } finally {
            taskRuns.detachAppender(appender);
        }

        assertThat(run.state().isCompleted()).as("%s %s", run.state(), run.taskRuns().get(0).state()).isTrue();
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("Task run 'logs-0' - hello from pid \\d+")
                        .doesNotContain(String.valueOf(ProcessHandle.current().pid())))
                .anySatisfy(l -> assertThat(l).isEqualTo("Task run 'logs-0' - careful with 5"));
        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().contains("careful"))
                .singleElement().satisfies(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
    }

    @Test
    void retriesRunTheTaskAgainOnTheCluster(@TempDir Path dir) {
        Task1<String, Integer> flaky = Task.named("flaky").retries(2).retryDelay(Duration.ofMillis(10)).of(d -> {
            Path attempts = Path.of(d, "attempts");
            int n = Files.exists(attempts) ? Integer.parseInt(Files.readString(attempts)) + 1 : 1;
            Files.writeString(attempts, String.valueOf(n));
            if (n < 3) throw new IllegalStateException("attempt " + n + " fails");
            return n;
        });

        FlowRun<Integer> run = Flow.named("retrying").executor(executor).of(() -> flaky.submit(dir.toString()).result()).run();

        assertThat(run.state().isCompleted()).as("%s", run.state()).isTrue();
        assertThat(run.result()).isEqualTo(3);
        assertThat(onlyTaskRun(run).history()).extracting(State::name)
                .containsSubsequence("Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed");
    }

    @Test
    void aTimeoutFailsTheTaskRunAndInterruptsItsBodyOnTheWorker(@TempDir Path dir) throws Exception {
        Task1<String, Integer> slow = Task.named("slow").timeout(Duration.ofSeconds(1)).of(d -> {
            try {
                Thread.sleep(30_000);
                return 1;
            } catch (InterruptedException e) {
                Files.writeString(Path.of(d, "interrupted"), "yes");
                throw e;
            }
        });
        long start = System.nanoTime();

        FlowRun<Integer> run = Flow.named("timing_out").executor(executor).of(() -> slow.submit(dir.toString()).result()).run();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        TaskRun taskRun = onlyTaskRun(run);
        assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
        assertThat(taskRun.state().name()).isEqualTo("TimedOut");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(dir.resolve("interrupted")) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(dir.resolve("interrupted")).as("the body on the worker was interrupted").exists();
    }

    /** What a clean-up task on a worker saw of its upstream's state. */
    record Seen(long pid, StateType type, String causeClass, String causeMessage, String causeTopFrame, Object value)
            implements Serializable {}

    private static final Task1<State, Seen> CLEANUP = Task.named("cleanup").of(s -> {
        Throwable cause = s.cause().orElse(null);
        return new Seen(ProcessHandle.current().pid(), s.type(), cause == null ? null : cause.getClass().getName(),
                cause == null ? null : cause.getMessage(), cause == null ? null : cause.getStackTrace()[0].toString(),
                s.result());
    });

    private static final Task1<Integer, Integer> LOAD = Task.named("load").of(x -> {
        if (x < 0) throw new IllegalStateException("disk gone: " + x);
        return x * 2;
    });

    /** An exception Java serialization cannot write: a field holds a plain Object. */
    static final class LoadError extends RuntimeException {
        @SuppressWarnings({"unused", "serial"})
        private final Object lock = new Object();

        LoadError(String message) {
            super(message);
        }
    }

    private static final Task1<Integer, Integer> LOAD_UNSERIALIZABLE = Task.named("load_unserializable").of(x -> {
        throw new LoadError("no route to " + x);
    });

    private static TaskRun taskRun(FlowRun<?> run, String taskName) {
        return run.taskRuns().stream().filter(t -> t.name().startsWith(taskName + "-")).findFirst().orElseThrow();
    }

    @Test
    void allowFailureHandsTheFailedStateToATaskRunOnAWorker() {
        FlowRun<Seen> run = Flow.named("clean_up").executor(executor)
                .of(() -> CLEANUP.submit(Baton.allowFailure(LOAD.submit(-1))).result()).run();

        assertThat(taskRun(run, "load").state().type()).isEqualTo(StateType.FAILED);
        assertThat(taskRun(run, "cleanup").state().isCompleted()).as("%s", taskRun(run, "cleanup").state()).isTrue();
        Seen seen = run.result();
        assertThat(workerPids()).contains(seen.pid());
        assertThat(seen.type()).isEqualTo(StateType.FAILED);
        assertThat(seen.causeClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(seen.causeMessage()).isEqualTo("disk gone: -1");
        assertThat(seen.causeTopFrame()).contains(ClusterExecutionTest.class.getName());
    }

    @Test
    void aFailureWhoseExceptionCannotBeSerializedReachesTheCleanUpWithItsTypeMessageAndStack() {
        FlowRun<Seen> run = Flow.named("clean_up_unserializable").executor(executor)
                .of(() -> CLEANUP.submit(Baton.allowFailure(LOAD_UNSERIALIZABLE.submit(7))).result()).run();

        assertThat(taskRun(run, "cleanup").state().isCompleted()).as("%s", taskRun(run, "cleanup").state()).isTrue();
        Seen seen = run.result();
        assertThat(seen.type()).isEqualTo(StateType.FAILED);
        assertThat(seen.causeMessage()).contains(LoadError.class.getName()).contains("no route to 7");
        assertThat(seen.causeTopFrame()).contains(ClusterExecutionTest.class.getName());
    }

    @Test
    void allowFailureHandsACompletedStateWithItsValueToATaskRunOnAWorker() {
        FlowRun<Seen> run = Flow.named("clean_up_after_success").executor(executor)
                .of(() -> CLEANUP.submit(Baton.allowFailure(LOAD.submit(4))).result()).run();

        Seen seen = run.result();
        assertThat(seen.type()).isEqualTo(StateType.COMPLETED);
        assertThat(seen.value()).isEqualTo(8);
        assertThat(seen.causeClass()).isNull();
    }

    private static TaskRun onlyTaskRun(FlowRun<?> run) {
        assertThat(run.taskRuns()).hasSize(1);
        return run.taskRuns().get(0);
    }

    private static Set<Long> workerPids() {
        Set<Long> pids = new HashSet<>();
        for (WorkerProcess w : workers) pids.add(w.pid());
        return pids;
    }
}
