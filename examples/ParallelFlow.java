import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;

import java.util.Collections;
import java.util.List;

/**
 * The seed's parallel example: two task runs on the ConcurrentExecutor. The terminal switches
 * between AAAA and BBBB while both run; the flow takes about 7.5 s, not 12.5 s.
 *
 * <pre>./baton run examples/ParallelFlow.java</pre>
 */
public class ParallelFlow {
    static final Task1<List<String>, Void> printValues = Task.named("print_values")
            .procedure(values -> {
                for (String value : values) {
                    Thread.sleep(500);
                    System.out.print(value + "\r");
                    System.out.flush();
                }
            });

    static final Flow0<Void> parallelFlow = Flow.named("parallel_flow")
            .executor(new ConcurrentExecutor())   // the distributed executor plugs in here
            .procedure(() -> {
                printValues.submit(Collections.nCopies(15, "AAAA"));
                printValues.submit(Collections.nCopies(10, "BBBB"));
            });

    public static void main(String[] args) {
        long start = System.nanoTime();
        FlowRun<Void> run = parallelFlow.run();
        System.out.printf("%n%s in %.1f s%n", run.state(), (System.nanoTime() - start) / 1e9);
        System.exit(run.state().isCompleted() ? 0 : 1);
    }
}
