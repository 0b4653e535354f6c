package dev.baton.client;

import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.internal.engine.EngineServices;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A flow process in client mode, started by {@link ManyProcessesTest} with {@code baton.api.url}
 * set, so the engine picks {@link ApiRunStore} by itself. Runs {@code FLOWS} flow runs of
 * {@code TASKS} chained task runs at once from as many threads and prints {@code store=<class>}
 * and a {@code run=<id>} line per flow run.
 */
public final class ClientProcess {
    private ClientProcess() {}

    public static void main(String[] args) throws Exception {
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
}
