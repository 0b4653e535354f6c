package dev.baton.benchmarks;

import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.hazelcast.HazelcastExecutor;

import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The distributed executor's overhead and speedup: one case per JVM, on a local cluster of two
 * worker JVMs with one thread each (as dask-bench's LocalCluster). Like dask-bench, only the
 * task runs are timed: inside the flow run, after the cluster is up and a warm-up batch ran (by
 * default {@code --warmup 10000} no-op task runs, a chain of a fifth of that, and 10 of the case's
 * own: the JIT of three JVMs needs thousands of calls to settle). Extra JVM options for the
 * workers (JFR, GC flags) may be given in {@code BATON_BENCH_WORKER_JAVA_OPTS}; {@code -Dbench.workers=1}
 * runs the cluster with one worker (what the cpu case's speedup is on one worker, for comparison).
 *
 * <pre>
 * java -Xmx1g -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.baton.benchmarks.HazelcastBenchmark \
 *     --case fanout|chain|sleep50ms|cpu --tasks N [--warmup N]
 * </pre>
 *
 * <ul>
 *   <li>{@code fanout}: N independent no-op task runs, submitted at once, then gathered.</li>
 *   <li>{@code chain}: N task runs, each taking the previous one's future.</li>
 *   <li>{@code sleep50ms}: N task runs sleeping 50 ms; also prints the speedup over running them one after another.</li>
 *   <li>{@code cpu}: N task runs of about 20 ms of CPU each; also prints the speedup over one core, from the
 *       same function timed in this process.</li>
 * </ul>
 *
 * <p>Output: {@code bench case=<c> executor=hazelcast tasks=<N> wall_s=<x> per_task_us=<y> peak_heap_mb=<z>}
 * (peak heap of this, the flow run's, process), and {@code bench case=<c> executor=hazelcast speedup=<s>}.
 */
public final class HazelcastBenchmark {
    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);
    private static final Task1<Integer, Integer> NAP = Task.named("nap").of(x -> {
        Thread.sleep(50);
        return x;
    });
    private static final Task2<Long, Long, Long> BURN = Task.named("burn").of(HazelcastBenchmark::burn);
    private static final long CPU_TASK_NANOS = 20_000_000;

    private HazelcastBenchmark() {}

    public static void main(String[] args) {
        String caseName = null;
        int tasks = -1, warmup = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--case" -> caseName = args[++i];
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (caseName == null || tasks < 1) usage("--case and --tasks are required");
        if (!List.of("fanout", "chain", "sleep50ms", "cpu").contains(caseName)) usage("unknown case '" + caseName + "'");
        // the JIT of three JVMs (this one and two workers) needs thousands of task runs to settle
        if (warmup < 0) warmup = 10_000;
        System.exit(run(caseName, tasks, warmup));
    }

    private static void usage(String problem) {
        System.err.println("HazelcastBenchmark: " + problem);
        System.err.println("usage: HazelcastBenchmark --case fanout|chain|sleep50ms|cpu --tasks N [--warmup N]");
        System.exit(2);
    }

    /** What the flow run measured. */
    private record Measure(long nanos, long peakBytes, String problem, double oneCpuTaskNanos) {}

    private static int run(String caseName, int n, int warmup) {
        long iterations = caseName.equals("cpu") ? calibrate() : 0;
        double oneTask = caseName.equals("cpu") ? timeInProcess(iterations) : 0;
        HazelcastExecutor.Builder cluster = HazelcastExecutor.builder().workers(Integer.getInteger("bench.workers", 2)).threadsPerWorker(1);
        String workerOptions = System.getenv("BATON_BENCH_WORKER_JAVA_OPTS"); // e.g. JFR flags
        if (workerOptions != null && !workerOptions.isBlank()) cluster.jvmOptions(workerOptions.trim().split("\\s+"));
        HazelcastExecutor executor = cluster.build();
        Flow0<Measure> flow = Flow.named("bench_" + caseName).executor(executor).of(() -> {
            // warm-up: the JIT of the three JVMs on the paths every task run takes, then the case's own task
            String problem = verify("fanout", warmup, iterations, once("fanout", warmup, iterations));
            if (problem == null) problem = verify("chain", warmup / 5, iterations, once("chain", warmup / 5, iterations));
            if (problem == null && !caseName.equals("fanout") && !caseName.equals("chain")) {
                problem = verify(caseName, 10, iterations, once(caseName, 10, iterations));
            }
            if (problem != null) return new Measure(0, 0, "warm-up: " + problem, oneTask);
            System.gc();
            List<MemoryPoolMXBean> pools = HeapPools.all();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            Object results = once(caseName, n, iterations);
            long elapsed = System.nanoTime() - start;
            long peak = 0;
            for (MemoryPoolMXBean p : pools) peak += p.getPeakUsage().getUsed();
            return new Measure(elapsed, peak, verify(caseName, n, iterations, results), oneTask);
        });
        FlowRun<Measure> run = flow.run();
        if (!run.state().isCompleted()) return fail("flow run ended " + run.state());
        Measure m = run.result();
        if (m.problem() != null) return fail(m.problem());
        for (TaskRun t : run.taskRuns()) { // warm-up included
            List<State> h = t.history();
            if (h.size() != 3 || h.get(0).type() != StateType.PENDING || h.get(1).type() != StateType.RUNNING
                    || h.get(2).type() != StateType.COMPLETED) {
                return fail("task run " + t.name() + " has history " + h + ", expected [Pending, Running, Completed]");
            }
        }
        double wallS = m.nanos() / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "bench case=%s executor=hazelcast tasks=%d wall_s=%.3f per_task_us=%.1f peak_heap_mb=%d",
                caseName, n, wallS, m.nanos() / 1e3 / n, Math.round(m.peakBytes() / (1024.0 * 1024.0))));
        if (caseName.equals("sleep50ms")) {
            System.out.println(String.format(Locale.ROOT, "bench case=sleep50ms executor=hazelcast speedup=%.2f", n * 0.05 / wallS));
        } else if (caseName.equals("cpu")) {
            System.out.println(String.format(Locale.ROOT, "bench case=cpu executor=hazelcast speedup=%.2f one_task_ms=%.1f",
                    n * m.oneCpuTaskNanos() / m.nanos(), m.oneCpuTaskNanos() / 1e6));
        }
        return 0;
    }

    /** Runs {@code n} task runs of the case in the current flow run and returns what they gave: a sum, a last value, or all. */
    private static Object once(String caseName, int n, long iterations) {
        switch (caseName) {
            case "fanout", "sleep50ms" -> {
                Task1<Integer, Integer> task = caseName.equals("fanout") ? INC : NAP;
                List<TaskFuture<Integer>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) futures.add(task.submit(i));
                long sum = 0;
                for (TaskFuture<Integer> f : futures) sum += f.result();
                return sum;
            }
            case "chain" -> {
                TaskFuture<Integer> f = INC.submit(0);
                for (int i = 1; i < n; i++) f = INC.submit(f);
                return (long) f.result();
            }
            default -> {
                List<TaskFuture<Long>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) futures.add(BURN.submit(iterations, (long) i + 1));
                long[] results = new long[n];
                for (int i = 0; i < n; i++) results[i] = futures.get(i).result();
                return results;
            }
        }
    }

    /** Null if {@code results} of {@link #once} are right (checked outside the timed span: burn() here takes CPU). */
    private static String verify(String caseName, int n, long iterations, Object results) {
        return switch (caseName) {
            case "fanout", "sleep50ms" -> {
                long expected = caseName.equals("fanout") ? (long) n * (n + 1) / 2 : (long) n * (n - 1) / 2;
                yield results.equals(expected) ? null : "sum of results is " + results + ", expected " + expected;
            }
            case "chain" -> results.equals((long) n) ? null : "last result of the chain is " + results + ", expected " + n;
            default -> {
                long[] r = (long[]) results;
                for (int i = 0; i < n; i++) if (r[i] != burn(iterations, i + 1)) yield "burn(" + (i + 1) + ") gave a wrong result";
                yield null;
            }
        };
    }

    /** CPU work that the JIT cannot skip: a xorshift chain, each step depending on the last. */
    static long burn(long iterations, long seed) {
        long x = seed;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Iterations of {@link #burn} that take about 20 ms here, once compiled. */
    private static long calibrate() {
        for (int i = 0; i < 20; i++) burn(1_000_000, i); // compiled first, so the rounds below time compiled code
        long iterations = 1_000_000;
        for (int round = 0; round < 8; round++) {
            long t = System.nanoTime();
            burn(iterations, 1);
            long took = Math.max(1, System.nanoTime() - t);
            iterations = Math.max(1, iterations * CPU_TASK_NANOS / took);
        }
        return iterations;
    }

    /** The median time of one cpu task run in this process, on one core. */
    private static double timeInProcess(long iterations) {
        long[] t = new long[7];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            burn(iterations, i + 1);
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    private static int fail(String message) {
        System.err.println("HazelcastBenchmark FAILED: " + message);
        return 1;
    }
}
