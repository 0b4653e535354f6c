package dev.baton;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * With the SequentialExecutor, a task run that becomes ready when its upstream settles is run inside
 * the upstream's settle() call (TaskRunFuture.settle -> completion -> upstreamSettled -> ready ->
 * FlowRunEngine.execute -> SequentialExecutor runs it at once). A chain of async task runs that
 * complete synchronously therefore recurses once per link; at a few hundred links the stack
 * overflows, the StackOverflowError is swallowed by CompletableFuture, a run stays Running forever
 * and flow.run() never returns.
 */
class AsyncChainBugTest {

    @Test
    void longChainOfAsyncTaskRunsFinishes() throws Exception {
        AsyncTask0<Integer> start = Task.named("start").async(() -> Async.sleep(Duration.ofMillis(20)).thenApply(v -> 0));
        AsyncTask1<Integer, Integer> inc = Task.named("inc").async(x -> CompletableFuture.completedFuture(x + 1));
        AsyncFlow0<Integer> flow = Flow.named("chain").async(() -> {
            TaskFuture<Integer> f = start.submit();
            for (int i = 0; i < 2_000; i++) f = inc.submit(f);
            return f.toCompletionStage();
        });
        FutureTask<FlowRun<Integer>> running = new FutureTask<>(flow::run);
        Thread.ofPlatform().daemon().start(running);

        FlowRun<Integer> run;
        try {
            run = running.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("flow run did not finish: a task run of the chain is stuck");
            return;
        } catch (ExecutionException e) {
            throw e;
        }
        assertThat(run.state()).hasToString("Completed()");
        assertThat(run.result()).isEqualTo(2_000);
    }
}
