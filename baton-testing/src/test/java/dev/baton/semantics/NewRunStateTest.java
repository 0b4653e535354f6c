package dev.baton.semantics;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run has a state from the moment it can be seen anywhere (its handle, its flow run's task
 * runs, the run store): Pending first, never null. The races are short, so each test repeats
 * the moment many times while another thread looks.
 */
@BatonTest
class NewRunStateTest {
    private static final int STARTS = 300;

    /** Runs {@code look} in a loop on another thread until {@code work} is done. */
    private static void whileLooking(Runnable look, Runnable work) throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!done.get()) look.run();
        });
        try {
            work.run();
        } finally {
            done.set(true);
            watcher.join();
        }
    }

    @Test
    void aStartedFlowRunIsPendingFromTheMomentStartReturns() {
        Flow1<Integer, Integer> flow = Flow.named("quick").of(x -> x);
        List<FlowRunHandle<Integer>> handles = new ArrayList<>();
        List<State> seen = new ArrayList<>();

        for (int i = 0; i < STARTS; i++) {
            FlowRunHandle<Integer> handle = flow.start(i);
            seen.add(handle.state());
            handles.add(handle);
        }

        assertThat(seen).doesNotContainNull();
        for (FlowRunHandle<Integer> h : handles) {
            FlowRun<Integer> run = h.await();
            assertThat(run.history().getFirst().name()).isEqualTo("Pending");
        }
    }

    @Test
    void aTaskRunListedInItsFlowRunAlwaysHasAState() throws InterruptedException {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Void> flow = Flow.named("many").executor(new ConcurrentExecutor()).procedure(() -> {
            for (int i = 0; i < 5_000; i++) inc.submit(i);
        });
        ConcurrentLinkedQueue<String> stateless = new ConcurrentLinkedQueue<>();
        List<FlowRunHandle<Void>> handle = new ArrayList<>(1);

        whileLooking(() -> {
            FlowRunHandle<Void> h;
            synchronized (handle) {
                h = handle.isEmpty() ? null : handle.getFirst();
            }
            if (h == null) return;
            List<TaskRun> runs = h.flowRun().taskRuns();
            for (int i = Math.max(0, runs.size() - 4); i < runs.size(); i++) { // the newest: where a state could be missing
                if (runs.get(i).state() == null) stateless.add(runs.get(i).name());
            }
        }, () -> {
            FlowRunHandle<Void> h = flow.start();
            synchronized (handle) {
                handle.add(h);
            }
            h.await();
        });

        assertThat(stateless).as("task runs listed without a state").isEmpty();
        assertThat(handle.getFirst().flowRun().taskRuns()).hasSize(5_000)
                .allSatisfy(t -> assertThat(t.history().getFirst().type()).isEqualTo(StateType.PENDING));
    }

    @Test
    void theRunStoreNeverHoldsAFlowRunWithoutAState(RecordedRuns recorded) throws InterruptedException {
        Flow1<Integer, Integer> flow = Flow.named("quick").of(x -> x);
        ConcurrentLinkedQueue<String> stateless = new ConcurrentLinkedQueue<>();
        List<FlowRunHandle<Integer>> handles = new ArrayList<>();

        whileLooking(() -> {
            for (FlowRun<?> r : recorded.flowRuns()) if (r.state() == null) stateless.add(r.name());
        }, () -> {
            for (int i = 0; i < STARTS; i++) handles.add(flow.start(i));
            handles.forEach(FlowRunHandle::await);
        });

        assertThat(stateless).as("flow runs recorded without a state").isEmpty();
        assertThat(recorded.flowRuns()).hasSize(STARTS);
    }
}
