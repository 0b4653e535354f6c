package dev.baton.semantics;

import dev.baton.AsyncFlow0;
import dev.baton.AsyncTask0;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README ("Timeouts"): "For async tasks the attempt's stage is cancelled." In
 * AsyncTaskAttempts.startAttempt (then TaskAttempts.startAsyncAttempt) the timeout only completes the engine's own {@code outcome}
 * future; the stage the body returned is left running (neither done nor cancelled), so work it
 * drives is never told to stop. (Plain async tasks, by contrast, do get their stage completed
 * exceptionally on cancellation: TaskRunInFlight.interruptBody.) Fix: on timeout (and on
 * cancellation) also cancel the body's stage, e.g. {@code stage.toCompletableFuture().cancel(true)}.
 */
@BatonTest
class AsyncTaskTimeoutBugTest {

    @Test
    void aTimedOutAsyncAttemptCancelsTheBodysStage() {
        AtomicReference<CompletableFuture<String>> body = new AtomicReference<>();
        AsyncTask0<String> task = Task.named("slow").timeout(Duration.ofMillis(100)).async(() -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            body.set(f);
            return f;
        });
        AsyncFlow0<Void> flow = Flow.named("f").async(() -> task.call().handle((v, t) -> null));

        FlowRun<Void> run = flow.run();

        assertThat(run.taskRuns().get(0).state().name()).isEqualTo("TimedOut");
        assertThat(body.get()).as("the attempt's stage").isDone();
        assertThat(body.get().isCancelled() || body.get().isCompletedExceptionally()).isTrue();
    }
}
