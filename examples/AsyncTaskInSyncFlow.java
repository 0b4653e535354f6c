import dev.baton.AsyncTask1;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the seed warns about: an async task called from a synchronous flow. The call fails
 * with "Your task is async, but your flow is synchronous. Async tasks may only be called
 * from async flows.", the flow run ends Failed, and the program exits with status 1.
 *
 * <pre>./baton run examples/AsyncTaskInSyncFlow.java</pre>
 */
public class AsyncTaskInSyncFlow {
    static final AsyncTask1<List<Integer>, Integer> sum = Task.named("sum")
            .async(values -> CompletableFuture.completedFuture(values.stream().mapToInt(Integer::intValue).sum()));

    static final Flow0<Void> syncFlow = Flow.named("sync_flow")
            .procedure(() -> sum.call(List.of(1, 2, 3)));

    public static void main(String[] args) {
        FlowRun<Void> run = syncFlow.run();
        System.err.println(run.state().cause().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage())
                .orElse(run.state().toString()));
        System.exit(run.state().isCompleted() ? 0 : 1);
    }
}
