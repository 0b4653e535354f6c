package dev.baton.benchmarks;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.SequentialExecutor;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.store.jdbc.JdbcRunStore;

import java.io.IOException;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The fanout case with the full run history persisted: N no-op task runs in one flow on the
 * {@link SequentialExecutor}, every task run and state written to the embedded database (a fresh
 * one in a temporary Baton home) or to the database {@code --url} names. One case per JVM, one
 * line on stdout in {@link CoreBenchmark}'s format, with {@code case=fanout-persisted}.
 *
 * <pre>
 * java -Xmx1g -cp 'benchmarks/target/classes:benchmarks/target/lib/*:baton-store-jdbc/target/classes' \
 *     dev.baton.benchmarks.PersistedBenchmark --tasks N [--url JDBC_URL] [--warmup N] [--verbose]
 * </pre>
 *
 * The timed span is {@code run()}: it returns once the store has written everything of the flow
 * run, so the time includes making the history durable. Afterwards a second store instance over the
 * same database reads the run back, and every task run must be there with [Pending, Running, Completed].
 */
public final class PersistedBenchmark {

    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);

    private PersistedBenchmark() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IOException e) {
            System.err.println("PersistedBenchmark FAILED: " + e);
            System.exit(1);
        } catch (IllegalArgumentException e) {
            System.err.println("PersistedBenchmark: " + e.getMessage());
            System.err.println("usage: PersistedBenchmark --tasks N [--url JDBC_URL] [--warmup N] [--verbose]");
            System.exit(2);
        }
    }

    private static int run(String[] args) throws IOException {
        int tasks = -1, warmup = -1;
        String url = null;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks" -> tasks = Args.positive(Args.value(args, ++i, "--tasks"), "--tasks");
                case "--warmup" -> warmup = Args.positive(Args.value(args, ++i, "--warmup"), "--warmup");
                case "--url" -> url = Args.value(args, ++i, "--url");
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (tasks < 0) throw new IllegalArgumentException("--tasks is required");
        if (warmup < 0) warmup = Math.max(1_000, Math.min(tasks / 2, 50_000));

        Path home = Files.createTempDirectory("baton-bench-home-");
        long elapsed, peakBytes;
        try {
            JdbcRunStore.Builder builder = JdbcRunStore.builder();
            if (url == null) builder.embedded(home);
            else builder.url(url);
            UUID runId;
            try (JdbcRunStore store = builder.build()) {
                BatonRuntime runtime = BatonRuntime.builder().store(store).home(home).build();
                if (verbose) System.err.println("  database: " + store.description());

                // ----- warm-up, through the same store -----
                FlowRun<Long> warm = fanout(warmup).on(runtime).run();
                if (!warm.state().isCompleted() || warm.result() != (long) warmup * (warmup + 1) / 2) {
                    return fail("warm-up run ended " + warm.state());
                }
                warm = null;

                // ----- timed run -----
                Flow0<Long> flow = fanout(tasks);
                System.gc();
                List<MemoryPoolMXBean> heapPools = HeapPools.all();
                heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
                long start = System.nanoTime();
                FlowRun<Long> run = flow.on(runtime).run();
                elapsed = System.nanoTime() - start;
                // as in CoreBenchmark: the sum of each heap pool's peak occupancy since the reset
                peakBytes = 0;
                for (MemoryPoolMXBean p : heapPools) peakBytes += p.getPeakUsage().getUsed();
                if (!run.state().isCompleted()) return fail("flow run ended " + run.state() + " instead of Completed");
                long expected = (long) tasks * (tasks + 1) / 2;
                if (run.result() != expected) return fail("sum of results is " + run.result() + ", expected " + expected);
                if (store.lostEvents() > 0) return fail(store.lostEvents() + " run events were lost");
                runId = run.id();
            }

            // ----- read back through a new store over the same database -----
            JdbcRunStore.Builder again = JdbcRunStore.builder();
            if (url == null) again.embedded(home);
            else again.url(url);
            long readStart = System.nanoTime();
            try (JdbcRunStore reader = again.build()) {
                FlowRun<?> stored = reader.flowRun(runId).orElse(null);
                if (stored == null) return fail("flow run " + runId + " is not in the database");
                String problem = verify(stored, tasks);
                if (problem != null) return fail(problem);
            }
            if (verbose) {
                System.err.printf(Locale.ROOT, "  read back and checked %d task runs in %.1f s%n", tasks,
                        (System.nanoTime() - readStart) / 1e9);
            }
        } finally {
            deleteRecursively(home);
        }

        System.out.println(String.format(Locale.ROOT,
                "bench case=fanout-persisted executor=sequential tasks=%d wall_s=%.3f per_task_us=%.3f peak_heap_mb=%d",
                tasks, elapsed / 1e9, elapsed / 1e3 / tasks, Math.round(peakBytes / (1024.0 * 1024.0))));
        return 0;
    }

    private static Flow0<Long> fanout(int n) {
        return Flow.named("bench_fanout_persisted").executor(new SequentialExecutor()).of(() -> {
            List<TaskFuture<Integer>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) futures.add(INC.submit(i));
            long sum = 0;
            for (TaskFuture<Integer> f : futures) sum += f.result();
            return sum;
        });
    }

    /** Null if the stored run is complete and right, else what is wrong. */
    private static String verify(FlowRun<?> run, int n) {
        List<State> flowHistory = run.history();
        if (flowHistory.size() != 3 || !run.state().isCompleted()) {
            return "stored flow run has history " + flowHistory + ", expected [Pending, Running, Completed]";
        }
        List<TaskRun> taskRuns = run.taskRuns();
        if (taskRuns.size() != n) return "stored flow run has " + taskRuns.size() + " task runs, expected " + n;
        for (int i = 0; i < n; i++) {
            TaskRun t = taskRuns.get(i);
            List<State> h = t.history();
            if (h.size() != 3 || h.get(0).type() != StateType.PENDING || h.get(1).type() != StateType.RUNNING
                    || h.get(2).type() != StateType.COMPLETED) {
                return "stored task run " + t.name() + " has history " + h + ", expected [Pending, Running, Completed]";
            }
            if (!t.name().equals("inc-" + i)) return "stored task run " + i + " is named " + t.name();
        }
        return null;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("PersistedBenchmark: could not delete " + dir + ": " + e);
        }
    }

    private static int fail(String message) {
        System.err.println("PersistedBenchmark FAILED: " + message);
        return 1;
    }
}
