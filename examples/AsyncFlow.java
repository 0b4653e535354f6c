import dev.baton.Async;
import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask1;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The seed's async example. An async task's body returns a CompletionStage; Async.sleep
 * yields without holding a thread, so the two gathered task runs take turns and the flow
 * prints {@code 1 2 a 6 b 7 c 8 d 9}.
 *
 * <pre>./baton run examples/AsyncFlow.java</pre>
 */
public class AsyncFlow {
    static final AsyncTask1<List<?>, Void> printValues = Task.named("print_values")
            .async(values -> {
                CompletionStage<Void> done = CompletableFuture.completedFuture(null);
                for (Object value : values) {
                    done = done.thenCompose(x -> Async.sleep(Duration.ofSeconds(1)))   // yield
                            .thenRun(() -> {
                                System.out.print(value + " ");
                                System.out.flush();
                            });
                }
                return done;
            });

    static final AsyncFlow0<List<Void>> asyncFlow = Flow.named("async_flow")
            .async(() -> printValues.call(List.of(1, 2))                 // runs immediately
                    .thenCompose(done -> Async.allOf(                   // asynchronously gather the tasks
                            printValues.call(List.of("a", "b", "c", "d")),
                            printValues.call(List.of("6", "7", "8", "9")))));

    public static void main(String[] args) {
        FlowRun<List<Void>> run = asyncFlow.run();
        System.out.println();
        System.out.println(run.state());
        System.exit(run.state().isCompleted() ? 0 : 1);
    }
}
