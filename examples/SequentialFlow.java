import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;

import java.util.Collections;
import java.util.List;

/**
 * The seed's example on the default SequentialExecutor: each task run blocks until it is
 * done, so AAAA is printed fifteen times, then BBBB ten times (about 12.5 s).
 *
 * <pre>./baton run examples/SequentialFlow.java</pre>
 */
public class SequentialFlow {
    static final Task1<List<String>, Void> printValues = Task.named("print_values")
            .procedure(values -> {
                for (String value : values) {
                    Thread.sleep(500);
                    System.out.print(value + "\r");
                    System.out.flush();
                }
            });

    static final Flow0<Void> sequentialFlow = Flow.named("sequential_flow")   // SequentialExecutor by default
            .procedure(() -> {
                printValues.submit(Collections.nCopies(15, "AAAA"));
                printValues.submit(Collections.nCopies(10, "BBBB"));
            });

    public static void main(String[] args) {
        long start = System.nanoTime();
        FlowRun<Void> run = sequentialFlow.run();
        System.out.printf("%n%s in %.1f s%n", run.state(), (System.nanoTime() - start) / 1e9);
        System.exit(run.state().isCompleted() ? 0 : 1);
    }
}
