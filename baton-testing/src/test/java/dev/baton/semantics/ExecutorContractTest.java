package dev.baton.semantics;

import dev.baton.BodyCall;
import dev.baton.ConcurrencyLimits;
import dev.baton.Executor;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.TaskCall;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.semantics.Traces.PATIENCE;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor contract: an executor is handed a body call once a task run may start (RUNNING,
 * slots held), one per attempt, and only reports how the body ended. The engine keeps the waits
 * (a tag's slot, a retry's delay), the timeouts and the retries, so a run that must wait never
 * reaches the executor, and an executor that runs bodies elsewhere needs nothing of the engine
 * but the call.
 */
@BatonTest
class ExecutorContractTest {

    /** What an executor saw: each call with the run's state when it was handed over. */
    static final class Recording {
        final List<String> handed = new CopyOnWriteArrayList<>();

        void note(BodyCall call) {
            TaskRun run = call.taskRun();
            handed.add(run.name() + " " + run.state().type());
        }
    }

    /** Runs each body on one platform thread of its own pool, recording what it was handed. */
    static final class OneThread implements Executor {
        final Recording recording = new Recording();
        final ExecutorService thread = Executors.newSingleThreadExecutor();

        @Override
        public String name() {
            return "one-thread";
        }

        @Override
        public Session open(FlowRun<?> flowRun) {
            return call -> {
                recording.note(call);
                thread.execute(call::runHere);
            };
        }
    }

    /**
     * Runs each body "elsewhere": the call travels as bytes to another thread, which runs
     * {@link TaskCall#runOnWorker()}, and its outcome comes back as bytes, the way a cluster does.
     */
    static final class Elsewhere implements Executor {
        final Recording recording = new Recording();
        /** The thread each call was handed over on. */
        final List<String> handedOn = new CopyOnWriteArrayList<>();
        private final AtomicInteger answers = new AtomicInteger();

        @Override
        public String name() {
            return "elsewhere";
        }

        @Override
        public Session open(FlowRun<?> flowRun) {
            return call -> {
                recording.note(call);
                handedOn.add(Thread.currentThread().getName());
                TaskCall sent = call.toTaskCall();
                byte[] shipped = bytes(sent);
                Thread.ofPlatform().name("answer-" + answers.getAndIncrement()).start(() -> {
                    try {
                        TaskCall there = (TaskCall) TaskCall.deserialize(shipped, null);
                        byte[] answer = bytes(there.runOnWorker());
                        call.succeeded(sent.result(TaskCall.deserialize(answer, null)));
                    } catch (Throwable t) {
                        call.failed(t);
                    }
                });
            };
        }

        private static byte[] bytes(Object o) {
            try (ByteArrayOutputStream b = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
                out.flush();
                return b.toByteArray();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    @Test
    void aRunWaitingForATagSlotIsNotHandedToTheExecutor() {
        ConcurrencyLimits.set("db", 1);
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        Task0<String> first = Task.named("first").tags("db").of(() -> {
            holding.countDown();
            release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return "first";
        });
        Task0<String> second = Task.named("second").tags("db").of(() -> "second");
        OneThread executor = new OneThread();
        AtomicInteger secondSubmitted = new AtomicInteger();
        FlowRunHandle<List<String>> handle = Flow.named("f").executor(executor).of(() -> {
            var a = first.submit();
            Traces.await(holding, "the first run holds the tag's slot");
            var b = second.submit();
            secondSubmitted.incrementAndGet();
            return List.of(a.result(), b.result());
        }).start();

        Traces.until(() -> secondSubmitted.get() == 1, "the second run was submitted");
        // on the old contract the second run was handed over and sat on the executor's only thread
        assertThat(executor.recording.handed).containsExactly("first-0 RUNNING");
        release.countDown();
        FlowRun<List<String>> run = handle.await(PATIENCE).orElseThrow();

        assertThat(run.result()).containsExactly("first", "second");
        assertThat(executor.recording.handed).containsExactly("first-0 RUNNING", "second-0 RUNNING");
        executor.thread.shutdown();
    }

    @Test
    void eachAttemptIsOneBodyCallOfARunAlreadyRunning(FakeClock clock) {
        AtomicInteger attempts = new AtomicInteger();
        Task0<Integer> flaky = Task.named("flaky").retries(2).retryDelay(Duration.ofMinutes(5)).of(() -> {
            if (attempts.incrementAndGet() < 3) throw new IllegalStateException("attempt " + attempts.get());
            return attempts.get();
        });
        OneThread executor = new OneThread();

        FlowRun<Integer> run = Flow.named("f").executor(executor).of(() -> flaky.submit().result()).run();

        assertThat(run.result()).isEqualTo(3);
        assertThat(executor.recording.handed).containsExactly("flaky-0 RUNNING", "flaky-0 RUNNING", "flaky-0 RUNNING");
        assertThat(names(run.taskRuns().get(0))).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying",
                "AwaitingRetry", "Retrying", "Completed");
        executor.thread.shutdown();
    }

    /** Counts the attempts of the body shipped "elsewhere": a copy of the lambda runs there, static fields are shared. */
    private static final AtomicInteger SHIPPED_ATTEMPTS = new AtomicInteger();

    @Test
    void anExecutorRunningBodiesElsewhereNeedsOnlyTheCall(FakeClock clock) {
        SHIPPED_ATTEMPTS.set(0);
        Task1<Integer, Integer> square = Task.named("square").retries(1).of(x -> {
            LoggerFactory.getLogger("user").info("squaring {}", x);
            if (SHIPPED_ATTEMPTS.incrementAndGet() == 1) throw new IllegalStateException("first attempt fails");
            return x * x;
        });
        Elsewhere executor = new Elsewhere();

        FlowRun<Integer> run = Flow.named("f").executor(executor).of(() -> square.submit(7).result()).run();

        assertThat(run.result()).isEqualTo(49);
        assertThat(executor.recording.handed).containsExactly("square-0 RUNNING", "square-0 RUNNING");
        assertThat(run.taskRuns().get(0).state().type()).isEqualTo(StateType.COMPLETED);
    }

    @Test
    void aTimeoutStopsACallThatNeverAnswersThroughItsStop(FakeClock clock) {
        CountDownLatch handed = new CountDownLatch(1), stopped = new CountDownLatch(1);
        Executor silent = new Executor() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public Session open(FlowRun<?> flowRun) {
                return call -> {
                    call.onStop(stopped::countDown);
                    handed.countDown(); // and never reports
                };
            }
        };
        Task0<String> stuck = Task.named("stuck").timeout(Duration.ofSeconds(30)).of(() -> "never runs");

        FlowRunHandle<String> handle = Flow.named("f").executor(silent).of(() -> stuck.submit().result()).start();
        Traces.await(handed, "the call was handed over");
        clock.advance(Duration.ofSeconds(30));
        FlowRun<String> run = handle.await(PATIENCE).orElseThrow();

        Traces.await(stopped, "the executor's stop ran");
        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(taskRun.state().name()).isEqualTo("TimedOut");
        assertThat(taskRun.state().message().orElseThrow()).isEqualTo("Task run 'stuck-0' exceeded its timeout of 30 s");
    }

    private static final CountDownLatch CONTINUATION_ATTACHED = new CountDownLatch(1);

    @Test
    void anOutcomeReportedOnTheExecutorsThreadBeginsTheNextRunThereButWakesCallersElsewhere() {
        Task1<Integer, Integer> first = Task.named("first").of(x -> {
            CONTINUATION_ATTACHED.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return x + 1;
        });
        Task1<Integer, Integer> second = Task.named("second").of(x -> x * 10);
        Elsewhere executor = new Elsewhere();

        FlowRun<List<String>> run = Flow.named("f").executor(executor).of(() -> {
            var a = first.submit(1);
            var b = second.submit(a);
            var continuedOn = a.toCompletionStage().thenApply(v -> Thread.currentThread().getName()).toCompletableFuture();
            CONTINUATION_ATTACHED.countDown();
            return List.of(String.valueOf(b.result()), continuedOn.join());
        }).run();

        assertThat(run.result().get(0)).isEqualTo("20");
        // the second run began on the thread that reported the first one's outcome: no hand-off between them
        assertThat(executor.handedOn.get(1)).isEqualTo("answer-0");
        // but the caller's continuation did not run there
        assertThat(run.result().get(1)).doesNotStartWith("answer-");
    }
}
