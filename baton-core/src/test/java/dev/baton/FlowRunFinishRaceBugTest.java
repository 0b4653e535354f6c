package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FlowRunEngine refuses new task runs only once {@code finished} is set, which happens after it has
 * waited for its task runs AND closed the executor session. A task submitted in that window (here:
 * while Session.close() runs) is accepted after the engine stopped waiting, so flow.run() returns a
 * final state while that task run is still Running.
 */
class FlowRunFinishRaceBugTest {

    @Test
    void runReturnsOnlySettledTaskRuns() throws Exception {
        CountDownLatch closing = new CountDownLatch(1), letClose = new CountDownLatch(1), releaseTask = new CountDownLatch(1);
        Executor slowToClose = new Executor() {
            @Override
            public String name() {
                return "slow-to-close";
            }

            @Override
            public Session open(FlowRun<?> flowRun) {
                return new Session() {
                    @Override
                    public void run(BodyCall call) {
                        Thread.ofVirtual().start(call::runHere);
                    }

                    @Override
                    public void close() {
                        closing.countDown();
                        try {
                            letClose.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                };
            }
        };
        Task0<String> late = Task.named("late").of(() -> {
            releaseTask.await(10, TimeUnit.SECONDS);
            return "x";
        });
        CompletableFuture<Void> trigger = new CompletableFuture<>();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        AsyncFlow0<String> flow = Flow.named("f").executor(slowToClose).async(() -> {
            Async.allOf(List.of(trigger)).thenRun(() -> { // not returned: fires whenever the test says
                try {
                    late.submit();
                } catch (Throwable t) {
                    refused.set(t);
                }
            });
            return CompletableFuture.completedFuture("done");
        });
        FutureTask<FlowRun<String>> running = new FutureTask<>(flow::run);
        Thread.ofPlatform().daemon().start(running);

        assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();
        trigger.complete(null);           // the continuation submits 'late' while the session closes
        letClose.countDown();
        FlowRun<String> run = running.get(10, TimeUnit.SECONDS);
        List<String> statesAtReturn = run.taskRuns().stream().map(t -> t.name() + " " + t.state()).toList();
        releaseTask.countDown();

        assertThat(statesAtReturn).allSatisfy(s -> assertThat(s).doesNotEndWith("Running()").doesNotEndWith("Pending()"));
        assertThat(refused.get() != null || !statesAtReturn.isEmpty()).isTrue();
    }
}
