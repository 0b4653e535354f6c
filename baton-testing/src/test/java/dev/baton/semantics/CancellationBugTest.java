package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask0;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.testing.BatonTest;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/** Cancellation cases where the engine disagrees with the README's "Cancellation" section. */
@BatonTest
class CancellationBugTest {

    /**
     * README: "running task runs are interrupted and end Cancelled ... A task body that ignores
     * interrupts runs to its end, but its result is not used." TaskRunFuture.run (and
     * TaskAttempts.succeed) complete the run with the body's value without checking
     * engine.isCancelling(), so the run ends Completed (and onCompletion hooks fire) inside a
     * Cancelled flow run. Fix: in complete()/succeed(), settle Cancelled when the engine is cancelling.
     */
    @Test
    void aTaskIgnoringTheInterruptStillEndsCancelled() {
        CountDownLatch started = new CountDownLatch(1), interruptSeen = new CountDownLatch(1);
        Task0<String> stubborn = Task.named("stubborn").of(() -> {
            started.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ignored) {
                interruptSeen.countDown(); // ignores it and returns a value anyway
            }
            return "late value";
        });
        Flow0<Void> flow = Flow.named("etl").executor(new ConcurrentExecutor()).procedure(stubborn::submit);

        FlowRunHandle<Void> handle = flow.start();
        Traces.await(started, "the task started");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        Traces.await(interruptSeen, "the body was interrupted");
        assertThat(run.state().isCancelled()).isTrue();
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
    }

    /**
     * AsyncTaskAttempts.startAttempt (then TaskAttempts.startAsyncAttempt): between async attempts the run is untracked (untrackRunning
     * in the outcome's whenComplete) and waits for its retry in a virtual thread that no one knows
     * of, so cancel() does not interrupt that wait: the flow run stays Cancelling for the whole
     * retry delay, then startAttempt begins another attempt (Retrying; the body runs again)
     * before the run is finally Cancelled. Fix: track the waiting thread (engine.trackRunning(run,
     * thread)) during the delay so cancel() interrupts it, and check engine.isCancelling() at the
     * start of startAttempt.
     */
    @Test
    void anAsyncRunAwaitingARetryIsCancelledAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        AsyncTask0<String> task = Task.named("flaky").retries(1).retryDelay(Duration.ofSeconds(30)).async(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        });
        AsyncFlow0<String> flow = Flow.named("etl").async(task::call);

        FlowRunHandle<String> handle = flow.start();
        Traces.until(() -> !handle.flowRun().taskRuns().isEmpty()
                && handle.flowRun().taskRuns().get(0).state().name().equals("AwaitingRetry"), "the task awaits its retry");
        handle.cancel();
        Optional<FlowRun<String>> finished = handle.await(PATIENCE);

        assertThat(finished).as("cancelled without waiting out the 30 s delay").isPresent();
        assertThat(calls).as("no attempt after the cancellation").hasValue(1);
        assertThat(names(finished.get().taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Cancelled");
    }

    /**
     * A child flow run does not learn that its parent is cancelling: the parent's cancel()
     * interrupts only the parent's body thread, which is waiting in the child's awaitTaskRuns; the
     * child (not cancellable, so its task runs are not even tracked) ends
     * Crashed('Flow run 'x' was interrupted while 1 task runs were still running') and returns
     * while its task run is still Running and never interrupted. Fix: make a child cancellable when
     * its parent is, and cascade cancel() to running child engines (or have isCancelling() consult
     * the parent).
     */
    @Test
    void cancellingAParentCancelsItsChildFlowRunAndItsTasks(RecordedRuns runs) {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Task0<String> task = Task.named("long").of(() -> {
            started.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "x";
        });
        Flow0<Void> child = Flow.named("child").executor(new ConcurrentExecutor()).procedure(task::submit);
        Flow0<Void> parent = Flow.named("parent").procedure(child::run);

        FlowRunHandle<Void> handle = parent.start();
        Traces.await(started, "the child's task started");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        FlowRun<?> childRun = runs.flowRuns("child").get(0);
        assertThat(run.state().isCancelled()).isTrue();
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(childRun.state().isCancelled()).isTrue();
        assertThat(names(childRun.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
        Traces.await(interrupted, "the child's task body was interrupted");
    }

    @Test
    void cancellingAParentCancelsItsSequentialChildsTaskRun(RecordedRuns runs) {
        CountDownLatch started = new CountDownLatch(1);
        Task0<String> task = Task.named("long").of(() -> {
            started.countDown();
            Thread.sleep(10_000);
            return "x";
        });
        Flow0<Void> child = Flow.named("child").procedure(task::submit);
        Flow0<Void> parent = Flow.named("parent").procedure(child::run);

        FlowRunHandle<Void> handle = parent.start();
        Traces.await(started, "the child's task started");
        handle.cancel();
        FlowRun<Void> run = handle.await();

        FlowRun<?> childRun = runs.flowRuns("child").get(0);
        assertThat(names(childRun.taskRuns().get(0))).containsExactly("Pending", "Running", "Cancelled");
        assertThat(childRun.state().isCancelled()).isTrue();
        assertThat(run.taskRuns().get(0).state().isCancelled()).isTrue();
        assertThat(run.state().isCancelled()).isTrue();
    }
}
