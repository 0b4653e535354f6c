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

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The distributed executor's overhead and speedup: one case per JVM, on a local cluster of two
 * worker JVMs with one thread each (as dask-bench's LocalCluster). Like dask-bench, only the
 * task runs are timed: inside the flow run, after the cluster is up and warm. Dask runs on
 * Python, which has no JIT; three JVMs do, and on two cores their compiler threads take the CPU
 * the task runs should have. So the figures are of warm JVMs: a warm-up of {@code --warmup}
 * no-op task runs (default 25,000) sent all at once, as many again in a chain (one round trip
 * each, as a worker busy with long task runs sees them, and spread over the workers), then
 * {@code --warmup-rounds} rounds of the case's own (default 5, as JMH's warm-up iterations; 1 for
 * sleep50ms), then a second's pause for the compiler queues to drain, and longer if this process's
 * JIT has compiled in the last half second. The case then runs
 * {@code --rounds} times (default 5) and the median round is reported, with the fastest and
 * slowest. Each round's progress line on stderr says how long this process's JIT compiled meanwhile.
 * Extra JVM options for the workers (JFR, GC flags) may be given in {@code BATON_BENCH_WORKER_JAVA_OPTS};
 * {@code -Dbench.workers=1} runs the cluster with one worker (what the cpu case's speedup is on one worker);
 * {@code -Dbench.trace=true} also prints when each timed round starts (for per-thread CPU samplers).
 *
 * <pre>
 * java -Xmx1g -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.baton.benchmarks.HazelcastBenchmark \
 *     --case fanout|chain|sleep50ms|cpu --tasks N [--warmup N] [--warmup-rounds W] [--rounds R]
 * </pre>
 *
 * <ul>
 *   <li>{@code fanout}: N independent no-op task runs, submitted at once, then gathered.</li>
 *   <li>{@code chain}: N task runs, each taking the previous one's future.</li>
 *   <li>{@code sleep50ms}: N task runs sleeping 50 ms; also prints the speedup over running them one after another.</li>
 *   <li>{@code cpu}: N task runs of about 20 ms of CPU each; also prints the speedup over one core: the
 *       median time of the same task in this process, on one core, timed as each round's results are checked
 *       (while the workers are idle).</li>
 * </ul>
 *
 * <p>Output: {@code bench case=<c> executor=hazelcast tasks=<N> wall_s=<x> per_task_us=<y> peak_heap_mb=<z> rounds=<R>
 * min_us=<fastest> max_us=<slowest>} (the median round; peak heap of this, the flow run's, process), and for
 * sleep50ms and cpu {@code bench case=<c> executor=hazelcast speedup=<s> min=<slowest round's> max=<fastest round's>}.
 */
public final class HazelcastBenchmark {
    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);
    private static final Task1<Integer, Integer> NAP = Task.named("nap").of(x -> {
        Thread.sleep(50);
        return x;
    });
    private static final Task2<Long, Long, Long> BURN = Task.named("burn").of(HazelcastBenchmark::burn);
    private static final long CPU_TASK_NANOS = 20_000_000;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private HazelcastBenchmark() {}

    public static void main(String[] args) {
        String caseName = null;
        int tasks = -1, warmup = -1, warmupRounds = -1, rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--case" -> caseName = args[++i];
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (caseName == null || tasks < 1) usage("--case and --tasks are required");
        if (rounds < 1) usage("--rounds must be at least 1");
        if (!List.of("fanout", "chain", "sleep50ms", "cpu").contains(caseName)) usage("unknown case '" + caseName + "'");
        // the JIT of three JVMs (this one and two workers) needs thousands of task runs to settle; the
        // chain's round trips are shared by the workers, and a worker compiles code run 10,000 times
        if (warmup < 0) warmup = 25_000;
        // and rounds of the case itself, as JMH's warm-up iterations; sleep50ms's take 10 s each, and sleeps need no JIT
        if (warmupRounds < 0) warmupRounds = caseName.equals("sleep50ms") ? 1 : 5;
        System.exit(run(caseName, tasks, warmup, warmupRounds, rounds));
    }

    private static void usage(String problem) {
        System.err.println("HazelcastBenchmark: " + problem);
        System.err.println("usage: HazelcastBenchmark --case fanout|chain|sleep50ms|cpu --tasks N [--warmup N] [--warmup-rounds W] [--rounds R]");
        System.exit(2);
    }

    /** What the flow run measured: each round's time, sorted. */
    private record Measure(long[] nanos, long peakBytes, String problem, double oneCpuTaskNanos) {
        long median() {
            return nanos[nanos.length / 2];
        }
    }

    private static int run(String caseName, int n, int warmup, int warmupRounds, int rounds) {
        long iterations = caseName.equals("cpu") ? calibrate() : 0;
        // the cpu case's one-core time: its task timed here, on one core, as each round's results are checked
        List<Long> inProcess = new ArrayList<>();
        HazelcastExecutor.Builder cluster = HazelcastExecutor.builder().workers(Integer.getInteger("bench.workers", 2)).threadsPerWorker(1);
        String workerOptions = System.getenv("BATON_BENCH_WORKER_JAVA_OPTS"); // e.g. JFR flags
        if (workerOptions != null && !workerOptions.isBlank()) cluster.jvmOptions(workerOptions.trim().split("\\s+"));
        HazelcastExecutor executor = cluster.build();
        Flow0<Measure> flow = Flow.named("bench_" + caseName).executor(executor).of(() -> {
            // warm-up: the JIT of the three JVMs on the paths every task run takes (batched and one
            // round trip at a time), then the case's own task
            String problem = verify("fanout", warmup, iterations, once("fanout", warmup, iterations));
            if (problem == null) problem = verify("chain", warmup, iterations, once("chain", warmup, iterations));
            for (int r = 0; r < warmupRounds && problem == null; r++) {
                problem = verify(caseName, n, iterations, once(caseName, n, iterations));
            }
            if (problem != null) return new Measure(null, 0, "warm-up: " + problem, 0);
            System.gc();
            try {
                Thread.sleep(1_000); // the compiler threads finish what the warm-up queued (the workers' too)
                awaitQuietJit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Measure(null, 0, "interrupted", 0);
            }
            List<MemoryPoolMXBean> pools = HeapPools.all();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long[] nanos = new long[rounds];
            System.err.printf(Locale.ROOT, "HazelcastBenchmark: %s warm, timing %d rounds of %d task runs%n", caseName, rounds, n);
            for (int r = 0; r < rounds; r++) {
                if (Boolean.getBoolean("bench.trace")) System.err.printf("HazelcastBenchmark: round %d starts at %d ms%n", r + 1, ManagementFactory.getRuntimeMXBean().getUptime());
                long jit = JIT.getTotalCompilationTime();
                long start = System.nanoTime();
                Object results = once(caseName, n, iterations);
                nanos[r] = System.nanoTime() - start;
                System.err.printf(Locale.ROOT, "HazelcastBenchmark: round %d took %.1f ms (the JIT compiled for %d ms in this process meanwhile)%n",
                        r + 1, nanos[r] / 1e6, JIT.getTotalCompilationTime() - jit);
                problem = verify(caseName, n, iterations, results, inProcess);
                if (problem != null) return new Measure(null, 0, "round " + (r + 1) + ": " + problem, 0);
            }
            long peak = 0;
            for (MemoryPoolMXBean p : pools) peak += p.getPeakUsage().getUsed();
            Arrays.sort(nanos);
            return new Measure(nanos, peak, null, median(inProcess));
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
        long median = m.median(), fastest = m.nanos()[0], slowest = m.nanos()[m.nanos().length - 1];
        System.out.println(String.format(Locale.ROOT,
                "bench case=%s executor=hazelcast tasks=%d wall_s=%.3f per_task_us=%.1f peak_heap_mb=%d rounds=%d min_us=%.1f max_us=%.1f",
                caseName, n, median / 1e9, median / 1e3 / n, Math.round(m.peakBytes() / (1024.0 * 1024.0)), rounds,
                fastest / 1e3 / n, slowest / 1e3 / n));
        if (caseName.equals("sleep50ms") || caseName.equals("cpu")) {
            double serial = caseName.equals("sleep50ms") ? 50e6 : m.oneCpuTaskNanos(); // one task run's time, alone
            System.out.println(String.format(Locale.ROOT, "bench case=%s executor=hazelcast speedup=%.2f min=%.2f max=%.2f%s",
                    caseName, n * serial / median, n * serial / slowest, n * serial / fastest,
                    caseName.equals("cpu") ? String.format(Locale.ROOT, " one_task_ms=%.1f", serial / 1e6) : ""));
        }
        return 0;
    }

    /** Waits (at most 10 s) until this process's JIT has not compiled for half a second: its queue is empty. */
    private static void awaitQuietJit() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L, last = JIT.getTotalCompilationTime(), quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < 500_000_000L) {
            Thread.sleep(50);
            long now = JIT.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
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
        return verify(caseName, n, iterations, results, new ArrayList<>());
    }

    /** As above; for the cpu case, adds how long each check of a result took (one core, this process) to {@code took}. */
    private static String verify(String caseName, int n, long iterations, Object results, List<Long> took) {
        return switch (caseName) {
            case "fanout", "sleep50ms" -> {
                long expected = caseName.equals("fanout") ? (long) n * (n + 1) / 2 : (long) n * (n - 1) / 2;
                yield results.equals(expected) ? null : "sum of results is " + results + ", expected " + expected;
            }
            case "chain" -> results.equals((long) n) ? null : "last result of the chain is " + results + ", expected " + n;
            default -> {
                long[] r = (long[]) results;
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    long expected = burn(iterations, i + 1);
                    took.add(System.nanoTime() - start);
                    if (r[i] != expected) yield "burn(" + (i + 1) + ") gave a wrong result";
                }
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

    private static double median(List<Long> nanos) {
        if (nanos.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static int fail(String message) {
        System.err.println("HazelcastBenchmark FAILED: " + message);
        return 1;
    }
}
