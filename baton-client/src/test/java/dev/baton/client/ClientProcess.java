package dev.baton.client;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.internal.engine.EngineServices;

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
 */
public final class ClientProcess {
    private ClientProcess() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hang")) {
            hang();
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
        System.out.println("store=" + EngineServices.processDefault().store().getClass().getName());
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
