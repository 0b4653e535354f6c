package dev.baton.store.jdbc;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskRun;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile inputs of issue 13 as real flow runs, each beside a healthy neighbour running at
 * the same time in the same process (so their events share batches): a task name of 1,000
 * characters, a NUL in a task name, a log line or a failure message, and one 17 MB log line. Run
 * against any store (embedded, PostgreSQL, client mode through a server); {@link #assertRecorded}
 * then counts what the history holds: both flow runs whole, the hostile text cleaned. In the
 * test jar: the client's tests run them too.
 */
public final class HostileRuns {
    /** What the hostile flow run does beside its ordinary steps. */
    public enum Case { LONG_TASK_NAME, NUL_TASK_NAME, NUL_LOG_LINE, NUL_FAILURE_MESSAGE, HUGE_LOG_LINE }

    /** The neighbour's task runs, each logging one line. */
    public static final int NEIGHBOUR_TASKS = 20;
    /** The hostile flow run's task runs: four steps and the one with the hostile text. */
    public static final int HOSTILE_TASKS = 5;
    static final int HUGE_CHARS = 17_000_000;

    /** The two flow runs of one case, as they ran. */
    public record Runs(Case hostileCase, FlowRun<Integer> hostile, FlowRun<Integer> neighbour) {}

    private HostileRuns() {}

    /** Runs the hostile flow run of {@code c} and its neighbour at once, both recorded through {@code runtime}. */
    public static Runs run(Case c, BatonRuntime runtime) throws Exception {
        return recordingRunLogs(() -> runBoth(c, runtime));
    }

    private static Runs runBoth(Case c, BatonRuntime runtime) throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        Task1<Integer, Integer> tick = Task.named("tick").of(i -> {
            Baton.logger().info("tick {}", i);
            if (i == NEIGHBOUR_TASKS / 2) halfway.countDown();
            return i;
        });
        Flow0<Integer> neighbour = Flow.named("neighbour").of(() -> {
            for (int i = 0; i < NEIGHBOUR_TASKS; i++) tick.call(i);
            return NEIGHBOUR_TASKS;
        });
        Task1<Integer, Integer> step = Task.named("step").of(i -> {
            Baton.logger().info("step {}", i);
            return i;
        });
        Task0<Integer> bad = hostileTask(c);
        Flow0<Integer> hostile = Flow.named("hostile").of(() -> {
            step.call(0);
            step.call(1);
            // the hostile event lands among the neighbour's: one batch in client mode
            halfway.await(60, TimeUnit.SECONDS);
            bad.submit().await();
            step.call(2);
            step.call(3);
            return HOSTILE_TASKS;
        });
        CompletableFuture<FlowRun<Integer>> other = CompletableFuture.supplyAsync(() -> {
            return neighbour.on(runtime).run();
        }, r -> Thread.ofPlatform().name("neighbour").start(r));
        FlowRun<Integer> h = hostile.on(runtime).run();
        return new Runs(c, h, other.get(120, TimeUnit.SECONDS));
    }

    /**
     * Runs {@code body} with the run loggers at INFO, so their lines are recorded (the tests'
     * configuration has them at WARN), and not printed: a 17 MB line on the console helps no one.
     */
    public static <T> T recordingRunLogs(java.util.concurrent.Callable<T> body) throws Exception {
        List<ch.qos.logback.classic.Logger> loggers = List.of(
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.baton.flow_runs"),
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.baton.task_runs"));
        List<ch.qos.logback.classic.Level> before = loggers.stream().map(l -> l.getLevel()).toList();
        for (ch.qos.logback.classic.Logger l : loggers) {
            l.setLevel(ch.qos.logback.classic.Level.INFO);
            l.setAdditive(false);
        }
        try {
            return body.call();
        } finally {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).setLevel(before.get(i));
                loggers.get(i).setAdditive(true);
            }
        }
    }

    private static Task0<Integer> hostileTask(Case c) {
        return switch (c) {
            case LONG_TASK_NAME -> Task.named("n".repeat(1_000)).of(() -> 1);
            case NUL_TASK_NAME -> Task.named("nul\u0000name").of(() -> 1);
            case NUL_LOG_LINE -> Task.named("logs").of(() -> {
                Baton.logger().info("a\u0000b");
                return 1;
            });
            case NUL_FAILURE_MESSAGE -> Task.named("fails").of(() -> {
                throw new IllegalStateException("boom\u0000");
            });
            case HUGE_LOG_LINE -> Task.named("huge").of(() -> {
                Baton.logger().info("h".repeat(HUGE_CHARS));
                return 1;
            });
        };
    }

    /** Asserts that {@code history} holds both flow runs of {@code runs} whole, with the hostile text cleaned. */
    public static void assertRecorded(RunHistory history, Runs runs) {
        FlowRunDetail n = assertWhole(history, runs.neighbour(), NEIGHBOUR_TASKS);
        FlowRunDetail h = assertWhole(history, runs.hostile(), HOSTILE_TASKS);
        List<String> neighbourLines = messages(history, n.run().id());
        for (int i = 0; i < NEIGHBOUR_TASKS; i++) {
            String tick = "tick " + i;
            assertThat(neighbourLines).as("the neighbour's log").anyMatch(m -> m.endsWith(tick));
        }
        List<String> lines = messages(history, h.run().id());
        for (int i = 0; i < 4; i++) {
            String step = "step " + i;
            assertThat(lines).as("the hostile flow run's log").anyMatch(m -> m.endsWith(step));
        }
        TaskRunDetail bad = h.taskRuns().get(2);
        switch (runs.hostileCase()) {
            case LONG_TASK_NAME -> {
                assertThat(bad.name()).hasSize(600).startsWith("nnnn").endsWith(" chars]");
                assertThat(bad.taskName()).hasSize(500).endsWith(" chars]");
            }
            case NUL_TASK_NAME -> {
                assertThat(bad.name()).isEqualTo("nul\uFFFDname-0");
                assertThat(bad.taskName()).isEqualTo("nul\uFFFDname");
            }
            case NUL_LOG_LINE -> assertThat(lines).anyMatch(m -> m.endsWith("a\uFFFDb"));
            case NUL_FAILURE_MESSAGE -> assertThat(bad.history().get(bad.history().size() - 1).message())
                    .contains("boom\uFFFD").doesNotContain("\u0000");
            case HUGE_LOG_LINE -> assertThat(lines).anySatisfy(m -> assertThat(m).hasSize(100_000)
                    .contains("hhhhhhhh").endsWith(" chars]"));
        }
    }

    /** The flow run as recorded: its states and every task run's, as they ran. */
    private static FlowRunDetail assertWhole(RunHistory history, FlowRun<Integer> run, int tasks) {
        FlowRunDetail d = history.flowRun(run.id()).orElseThrow(() -> new AssertionError("flow run '" + run.name()
                + "' (" + run.flowName() + ") is not recorded"));
        assertThat(types(d.history())).as(run.flowName() + "'s states").isEqualTo(typesOf(run.history()));
        assertThat(d.run().state().type()).isEqualTo(run.state().type());
        assertThat(d.taskRuns()).as(run.flowName() + "'s task runs").hasSize(tasks);
        List<TaskRun> local = run.taskRuns();
        for (int i = 0; i < tasks; i++) {
            TaskRunDetail t = d.taskRuns().get(i);
            assertThat(t.id()).isEqualTo(local.get(i).id());
            assertThat(types(t.history())).as(t.name()).isEqualTo(typesOf(local.get(i).history()));
        }
        return d;
    }

    private static List<String> messages(RunHistory history, UUID flowRunId) {
        List<String> all = new ArrayList<>();
        for (int offset = 0; ; offset += LogFilter.MAX_LIMIT) {
            List<LogLine> page = history.logs(new LogFilter(flowRunId, null, offset, LogFilter.MAX_LIMIT)).items();
            page.forEach(l -> all.add(l.message()));
            if (page.size() < LogFilter.MAX_LIMIT) return all;
        }
    }

    private static List<String> types(List<StateRecord> history) {
        return history.stream().map(s -> s.type().name()).toList();
    }

    private static List<String> typesOf(List<State> history) {
        return history.stream().map(s -> s.type().name()).toList();
    }
}
