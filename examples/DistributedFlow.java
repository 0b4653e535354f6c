import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.hazelcast.HazelcastExecutor;

import java.util.Collections;
import java.util.List;

/**
 * The seed's parallel example on a cluster, as the seed's DaskExecutor does it: HazelcastExecutor
 * starts a local cluster of two worker JVMs for the flow run, ships each task run to a worker,
 * and stops them when the run ends. AAAA and BBBB interleave; the task runs take about 7.5 s.
 *
 * <pre>./baton run examples/DistributedFlow.java</pre>
 */
public class DistributedFlow {
    static final Task1<List<String>, Void> printValues = Task.named("print_values")
            .procedure(values -> {
                for (String value : values) {
                    Thread.sleep(500);
                    System.out.print(value + "\r");
                    System.out.flush();
                }
            });

    static final Flow0<Void> distributedFlow = Flow.named("distributed_flow")
            .executor(new HazelcastExecutor())
            .procedure(() -> {
                long start = System.nanoTime();
                var a = printValues.submit(Collections.nCopies(15, "AAAA"));
                var b = printValues.submit(Collections.nCopies(10, "BBBB"));
                a.await();
                b.await();
                System.out.printf("%ntask runs done in %.1f s%n", (System.nanoTime() - start) / 1e9);
            });

    public static void main(String[] args) {
        long start = System.nanoTime();
        FlowRun<Void> run = distributedFlow.run();
        System.out.printf("%n%s in %.1f s (with starting and stopping the cluster)%n", run.state(), (System.nanoTime() - start) / 1e9);
        System.exit(run.state().isCompleted() ? 0 : 1);
    }
}
