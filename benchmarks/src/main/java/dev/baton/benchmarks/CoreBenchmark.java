package dev.baton.benchmarks;

import dev.baton.ConcurrentExecutor;
import dev.baton.Executor;
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

import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end engine overhead: one case per JVM, one result line on stdout.
 *
 * <pre>
 * java -Xmx1g -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.baton.benchmarks.CoreBenchmark \
 *     --case fanout|chain --executor sequential|concurrent --tasks N [--warmup N] [--verbose]
 * </pre>
 *
 * <ul>
 *   <li>{@code fanout}: N independent no-op task runs ({@code x -> x + 1}) submitted in one flow,
 *       their futures kept in a list, then gathered with {@code result()}.</li>
 *   <li>{@code chain}: N task runs, each taking the previous one's future as its argument
 *       ({@code f = inc.submit(f)}); the last result is gathered.</li>
 * </ul>
 *
 * The timed span is the whole flow run: from calling {@code run()} to its return (every task run
 * has settled by then). Before it, one smaller warm-up flow of the same case runs in the same JVM.
 * Results and every task run's state history are checked after the timed run; any mismatch
 * exits with status 1 and a message on stderr.
 *
 * <p>Output: {@code bench case=<c> executor=<e> tasks=<N> wall_s=<x> per_task_us=<y> peak_heap_mb=<z>}.
 */
public final class CoreBenchmark {

    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);

    private CoreBenchmark() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("CoreBenchmark: " + e.getMessage());
            System.err.println("usage: CoreBenchmark --case fanout|chain --executor sequential|concurrent --tasks N"
                    + " [--warmup N] [--verbose]");
            System.exit(2);
        }
    }

    private static int run(String[] args) {
        String caseName = null, executorName = null;
        int tasks = -1, warmup = -1;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--case" -> caseName = Args.value(args, ++i, "--case");
                case "--executor" -> executorName = Args.value(args, ++i, "--executor");
                case "--tasks" -> tasks = Args.positive(Args.value(args, ++i, "--tasks"), "--tasks");
                case "--warmup" -> warmup = Args.positive(Args.value(args, ++i, "--warmup"), "--warmup");
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (caseName == null || executorName == null || tasks < 0) {
            throw new IllegalArgumentException("--case, --executor and --tasks are required");
        }
        if (!caseName.equals("fanout") && !caseName.equals("chain")) {
            throw new IllegalArgumentException("--case must be fanout or chain, got '" + caseName + "'");
        }
        if (!executorName.equals("sequential") && !executorName.equals("concurrent")) {
            throw new IllegalArgumentException("--executor must be sequential or concurrent, got '" + executorName + "'");
        }
        // Large enough for C2 to compile the hot path, small enough to leave little behind in the
        // run store (the default in-memory store keeps finished flow runs, so the warm-up run's
        // records stay reachable and are part of the heap measured below).
        if (warmup < 0) warmup = Math.max(1_000, Math.min(tasks / 2, 50_000));

        Executor executor = executorName.equals("sequential") ? new SequentialExecutor() : new ConcurrentExecutor();
        boolean fanout = caseName.equals("fanout");

        // ----- warm-up -----
        FlowRun<Long> warm = flowOf(fanout, executor, warmup).run();
        String problem = verify(warm, fanout, warmup);
        if (problem != null) return fail("warm-up: " + problem);
        warm = null;

        // ----- timed run -----
        Flow0<Long> flow = flowOf(fanout, executor, tasks);
        System.gc();
        List<MemoryPoolMXBean> heapPools = HeapPools.all();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        FlowRun<Long> run = flow.run();
        long elapsed = System.nanoTime() - start;
        // Peak heap: for each heap memory pool (G1: Eden, Survivor, Old Gen) the highest occupancy
        // the JVM saw since the reset just before run(), summed. Occupancy includes garbage not yet
        // collected, so this is an upper bound on what the run needed (the pools' peaks need not
        // coincide), and it includes what was live before the run (the JVM's own data and the
        // warm-up flow run kept by the run store). Whether the run fits in 1 GiB at all is proven
        // by the -Xmx1g the run script gives the JVM: it would die with OutOfMemoryError otherwise.
        long peakBytes = 0;
        for (MemoryPoolMXBean p : heapPools) peakBytes += p.getPeakUsage().getUsed();

        problem = verify(run, fanout, tasks);
        if (problem != null) return fail(problem);

        double wallS = elapsed / 1e9;
        double perTaskUs = elapsed / 1e3 / tasks;
        System.out.println(String.format(Locale.ROOT,
                "bench case=%s executor=%s tasks=%d wall_s=%.3f per_task_us=%.3f peak_heap_mb=%d",
                caseName, executorName, tasks, wallS, perTaskUs, Math.round(peakBytes / (1024.0 * 1024.0))));

        if (verbose) {
            System.gc();
            long retained = 0;
            for (MemoryPoolMXBean p : heapPools) retained += p.getUsage().getUsed();
            System.err.println(String.format(Locale.ROOT,
                    "  warmup=%d; heap used after GC with the finished run still referenced: %d MiB (%.0f B/task run)",
                    warmup, retained / (1024 * 1024), (double) retained / tasks));
            System.err.println("  " + run.state() + ", history " + run.history());
        }
        return 0;
    }

    /** The flow of one case: it returns the sum of all gathered results (fanout) or the last one (chain). */
    private static Flow0<Long> flowOf(boolean fanout, Executor executor, int n) {
        Flow.Builder b = Flow.named(fanout ? "bench_fanout" : "bench_chain").executor(executor);
        if (fanout) {
            return b.of(() -> {
                List<TaskFuture<Integer>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) futures.add(INC.submit(i));
                long sum = 0;
                for (TaskFuture<Integer> f : futures) sum += f.result();
                return sum;
            });
        }
        return b.of(() -> {
            TaskFuture<Integer> f = INC.submit(0);
            for (int i = 1; i < n; i++) f = INC.submit(f);
            return (long) f.result();
        });
    }

    /** Null if the run is right, else what is wrong. */
    private static String verify(FlowRun<Long> run, boolean fanout, int n) {
        if (!run.state().isCompleted()) {
            return "flow run ended " + run.state() + " instead of Completed";
        }
        long expected = fanout ? (long) n * (n + 1) / 2 : n;
        long actual = run.result();
        if (actual != expected) {
            return (fanout ? "sum of results" : "last result of the chain") + " is " + actual + ", expected " + expected;
        }
        List<TaskRun> taskRuns = run.taskRuns();
        if (taskRuns.size() != n) return "flow run has " + taskRuns.size() + " task runs, expected " + n;
        for (TaskRun t : taskRuns) {
            List<State> h = t.history();
            if (h.size() != 3 || h.get(0).type() != StateType.PENDING || h.get(1).type() != StateType.RUNNING
                    || h.get(2).type() != StateType.COMPLETED) {
                return "task run " + t.name() + " has history " + h + ", expected [Pending, Running, Completed]";
            }
        }
        return null;
    }

    private static int fail(String message) {
        System.err.println("CoreBenchmark FAILED: " + message);
        return 1;
    }
}
