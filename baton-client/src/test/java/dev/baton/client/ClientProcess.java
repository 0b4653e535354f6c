package dev.baton.client;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A flow process in client mode, started by {@link ManyProcessesTest} with {@code baton.api.url}
 * set, so the engine picks {@link ApiRunStore} by itself. Runs {@code FLOWS} flow runs of
 * {@code TASKS} chained task runs at once from as many threads and prints {@code store=<class>}
 * and a {@code run=<id>} line per flow run.
 *
 * <p>With the argument {@code hang} (started by {@link CrashDetectionTest}) it runs one flow run
 * whose first task run completes, whose second blocks forever and whose third waits for the
 * second; it prints {@code flow_run=<id>}, then {@code blocked} once the second task run runs,
 * and never ends by itself.
 *
 * <p>With {@code tagged} (started by {@link ClientOutageTest}) it runs one flow run of three task
 * runs tagged {@code io} and one untagged, and prints {@code run=<id>}, {@code state=<state>} and
 * {@code run_ms=<how long run() took>}. With {@code stepped N} it runs one flow run of {@code N}
 * task runs, one after the other, each waiting for a line on stdin before it ends; it prints
 * {@code flow_run=<id>}, {@code step=<i>} after each and {@code state=<state>} at the end.
 */
public final class ClientProcess {
    private ClientProcess() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hang")) {
            hang();
            return;
        }
        if (args.length > 0 && args[0].equals("tagged")) {
            tagged();
            return;
        }
        if (args.length > 1 && args[0].equals("stepped")) {
            stepped(Integer.parseInt(args[1]));
            return;
        }
        int flows = Integer.parseInt(args[0]);
        int tasks = Integer.parseInt(args[1]);
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        var flow = Flow.named("many_processes").of(() -> {
            TaskFuture<Integer> f = inc.submit(0);
            for (int i = 1; i < tasks; i++) f = inc.submit(f);
            return f.result();
        });
        System.out.println("store=" + dev.baton.BatonRuntime.defaults().store().getClass().getName());
        try (ExecutorService threads = Executors.newFixedThreadPool(flows)) {
            List<Future<FlowRun<Integer>>> runs = new ArrayList<>();
            for (int i = 0; i < flows; i++) runs.add(threads.submit(flow::run));
            for (Future<FlowRun<Integer>> r : runs) {
                FlowRun<Integer> run = r.get();
                if (run.result() != tasks) throw new IllegalStateException("wrong result " + run.result());
                System.out.println("run=" + run.id());
            }
        }
    }

    private static void tagged() {
        Task1<Integer, Integer> io = Task.named("io_task").tags("io").of(x -> x + 1);
        Task1<Integer, Integer> plain = Task.named("plain").of(x -> x * 2);
        var flow = Flow.named("tagged").of(() -> plain.call(io.call(io.call(io.call(0)))));
        long start = System.nanoTime();
        FlowRun<Integer> run = flow.run();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("run=" + run.id());
        System.out.println("state=" + run.state().type());
        System.out.println("run_ms=" + ms);
        System.out.flush();
    }

    private static void stepped(int steps) throws Exception {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        Task1<Integer, Integer> step = Task.named("step").tags("io").of(i -> {
            if (in.readLine() == null) throw new IllegalStateException("stdin closed");
            return i;
        });
        var flow = Flow.named("stepped").of(() -> {
            for (int i = 0; i < steps; i++) {
                step.call(i);
                System.out.println("step=" + i);
                System.out.flush();
            }
            return steps;
        });
        FlowRunHandle<Integer> run = flow.start();
        System.out.println("flow_run=" + run.id());
        System.out.flush();
        System.out.println("state=" + run.await().state().type());
        System.out.flush();
    }

    private static void hang() throws InterruptedException {
        Task0<Integer> quick = Task.named("quick").of(() -> 1);
        Task0<Integer> block = Task.named("block").of(() -> {
            System.out.println("blocked");
            System.out.flush();
            new CountDownLatch(1).await();
            return 2;
        });
        Task1<Integer, Integer> after = Task.named("after").of(x -> x + 1);
        var flow = Flow.named("hangs").executor(new ConcurrentExecutor()).of(() -> {
            quick.call();
            return after.submit(block.submit()).result();
        });
        FlowRunHandle<Integer> run = flow.start();
        System.out.println("flow_run=" + run.id());
        System.out.flush();
        run.await();
    }
}
