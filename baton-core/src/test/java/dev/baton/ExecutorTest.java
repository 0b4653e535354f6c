package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.baton.Support.completed;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sequential and concurrent executors, and flow runs running in parallel. */
class ExecutorTest {

    // ----- sequential -----

    @Test
    void sequentialExecutorRunsEachTaskAtSubmitOnTheCallersThreadInOrder() {
        Queue<String> events = new ConcurrentLinkedQueue<>();
        Task1<Integer, Integer> work = Task.named("work").of(i -> {
            events.add("run " + i + " on " + Thread.currentThread().getName());
            return i;
        });
        Flow0<Void> flow = Flow.named("seq").procedure(() -> {
            String me = Thread.currentThread().getName();
            for (int i = 0; i < 3; i++) {
                events.add("submit " + i + " on " + me);
                TaskFuture<Integer> f = work.submit(i);
                events.add("returned " + i + " done=" + f.isDone() + " " + f.state());
            }
        });
        String me = Thread.currentThread().getName();

        completed(flow.run());

        assertThat(events).containsExactly(
                "submit 0 on " + me, "run 0 on " + me, "returned 0 done=true Completed()",
                "submit 1 on " + me, "run 1 on " + me, "returned 1 done=true Completed()",
                "submit 2 on " + me, "run 2 on " + me, "returned 2 done=true Completed()");
    }

    @Test
    void sequentialExecutorRunsTasksOneAtATime() {
        AtomicInteger running = new AtomicInteger(), max = new AtomicInteger();
        Task0<Integer> work = Task.named("work").of(() -> {
            max.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
            return 1;
        });
        Flow0<Void> flow = Flow.named("seq").procedure(() -> {
            for (int i = 0; i < 10; i++) work.submit();
        });

        completed(flow.run());

        assertThat(max.get()).isEqualTo(1);
    }

    @Test
    void sequentialExecutorDescribesItself() {
        assertThat(new SequentialExecutor().name()).isEqualTo("sequential");
        assertThat(new SequentialExecutor()).hasToString("SequentialExecutor");
    }

    // ----- concurrent -----

    @Test
    void concurrentExecutorRunsTasksAtTheSameTime() {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Task1<String, String> meet = Task.named("meet").of(s -> {
            bothRunning.await(10, TimeUnit.SECONDS); // only passes if the other task is running too
            return s;
        });
        Flow0<List<String>> flow = Flow.named("par").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<String> a = meet.submit("AAAA"), b = meet.submit("BBBB");
            return List.of(a.result(), b.result());
        });

        FlowRun<List<String>> run = completed(flow.run());

        assertThat(run.result()).containsExactly("AAAA", "BBBB");
        assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.state().name()).isEqualTo("Completed"));
    }

    @Test
    void concurrentExecutorRunsTasksOnVirtualThreads() {
        Task0<Thread> where = Task.named("where").of(Thread::currentThread);
        Flow0<List<Thread>> flow = Flow.named("vt").executor(new ConcurrentExecutor())
                .of(() -> List.of(Thread.currentThread(), where.call()));

        List<Thread> threads = completed(flow.run()).result();

        assertThat(threads.get(1).isVirtual()).isTrue();
        assertThat(threads.get(1)).isNotSameAs(threads.get(0));
        assertThat(threads.get(0)).isSameAs(Thread.currentThread());
    }

    @Test
    void concurrentSubmitReturnsBeforeTheTaskFinishes() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<String> blocked = Task.named("blocked").of(() -> {
            release.await();
            return "done";
        });
        AtomicReference<Boolean> doneAtSubmit = new AtomicReference<>();
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<String> f = blocked.submit();
            doneAtSubmit.set(f.isDone());
            release.countDown();
            return f.result();
        });

        assertThat(flow.call()).isEqualTo("done");
        assertThat(doneAtSubmit.get()).isFalse();
    }

    @Test
    void maxConcurrencyIsNeverExceeded() throws Exception {
        // bodies wait at a gate the test opens one body at a time, and only once two are inside again:
        // so two always overlap (a maximum of 2 is seen for certain), and the 18 queued runs, all
        // submitted, have every chance to start too if the cap does not hold
        AtomicInteger running = new AtomicInteger(), max = new AtomicInteger(), finished = new AtomicInteger();
        java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(0);
        CountDownLatch allSubmitted = new CountDownLatch(1);
        Task1<Integer, Integer> work = Task.named("work").of(i -> {
            max.accumulateAndGet(running.incrementAndGet(), Math::max);
            gate.acquire();
            running.decrementAndGet();
            finished.incrementAndGet();
            return i;
        });
        Flow0<List<Integer>> flow = Flow.named("capped").executor(new ConcurrentExecutor(2)).of(() -> {
            List<TaskFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) fs.add(work.submit(i));
            allSubmitted.countDown();
            return fs.stream().map(TaskFuture::result).toList();
        });

        FlowRunHandle<List<Integer>> handle = flow.start();
        try {
            assertThat(allSubmitted.await(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (int done = 0; done < 20; done++) {
                int left = 20 - done;
                Eventually.until(() -> running.get() >= Math.min(2, left), "two bodies run at once");
                gate.release();
                int next = done + 1;
                Eventually.until(() -> finished.get() >= next, "a released body finishes");
            }
        } finally {
            gate.release(20); // a failed wait must not leave the bodies blocked
        }
        FlowRun<List<Integer>> run = completed(handle.await(Eventually.PATIENCE).orElseThrow());

        assertThat(run.result()).hasSize(20).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        assertThat(max.get()).isEqualTo(2);
    }

    @Test
    void maxConcurrencyOneStartsQueuedRunsInSubmissionOrder() {
        Queue<Integer> order = new ConcurrentLinkedQueue<>();
        Task1<Integer, Integer> work = Task.named("work").of(i -> {
            order.add(i);
            return i;
        });
        Flow0<Void> flow = Flow.named("one").executor(new ConcurrentExecutor(1)).procedure(() -> {
            for (int i = 0; i < 10; i++) work.submit(i);
        });

        completed(flow.run());

        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void zeroMaxConcurrencyIsRejected() {
        assertThatThrownBy(() -> new ConcurrentExecutor(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ConcurrentExecutor needs maxConcurrency >= 1, got 0; use new ConcurrentExecutor() for no limit");
    }

    @Test
    void negativeMaxConcurrencyIsRejected() {
        assertThatThrownBy(() -> new ConcurrentExecutor(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ConcurrentExecutor needs maxConcurrency >= 1, got -3");
    }

    @Test
    void concurrentExecutorDescribesItself() {
        assertThat(new ConcurrentExecutor().name()).isEqualTo("concurrent");
        assertThat(new ConcurrentExecutor().maxConcurrency()).isEqualTo(Integer.MAX_VALUE);
        assertThat(new ConcurrentExecutor()).hasToString("ConcurrentExecutor");
        assertThat(new ConcurrentExecutor(8).maxConcurrency()).isEqualTo(8);
        assertThat(new ConcurrentExecutor(8)).hasToString("ConcurrentExecutor(maxConcurrency=8)");
    }

    @Test
    void oneConcurrentExecutorServesSeveralFlowRunsWithItsLimitPerRun() throws Exception {
        // a limit of 1 per flow run; two flow runs sharing the executor still meet at the barrier
        CyclicBarrier both = new CyclicBarrier(2);
        ConcurrentExecutor shared = new ConcurrentExecutor(1);
        Task1<Integer, Integer> meet = Task.named("meet").of(i -> {
            both.await(10, TimeUnit.SECONDS);
            return i;
        });
        Flow1<Integer, Integer> flow = Flow.named("shared").executor(shared).of(meet::call);

        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<FlowRun<Integer>> a = threads.submit(() -> flow.run(1));
            Future<FlowRun<Integer>> b = threads.submit(() -> flow.run(2));
            assertThat(completed(a.get(20, TimeUnit.SECONDS)).result()).isEqualTo(1);
            assertThat(completed(b.get(20, TimeUnit.SECONDS)).result()).isEqualTo(2);
        }
    }

    // ----- flow runs in parallel -----

    @Test
    void flowRunsStartedFromSeveralThreadsRunInParallelWithIsolatedContexts() throws Exception {
        int n = 4;
        CyclicBarrier allBodiesRunning = new CyclicBarrier(n);
        Task2<String, Integer, String> tag = Task.named("tag").of((who, i) -> who + "#" + i);
        Flow1<String, List<String>> flow = Flow.named("worker").of(who -> {
            List<String> out = new ArrayList<>();
            out.add(tag.call(who, 0));
            allBodiesRunning.await(10, TimeUnit.SECONDS); // every flow run is inside its body at once
            out.add(tag.call(who, 1));
            out.add(tag.submit(who, 2).result());
            return out;
        });

        List<FlowRun<List<String>>> runs = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(n)) {
            List<Future<FlowRun<List<String>>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String who = "w" + i;
                futures.add(threads.submit(() -> flow.run(who)));
            }
            for (Future<FlowRun<List<String>>> f : futures) runs.add(completed(f.get(20, TimeUnit.SECONDS)));
        }

        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < n; i++) {
            FlowRun<List<String>> run = runs.get(i);
            String who = "w" + i;
            ids.add(run.id());
            assertThat(run.parameters()).containsExactly(who);
            assertThat(run.result()).containsExactly(who + "#0", who + "#1", who + "#2");
            assertThat(runNames(run.taskRuns())).containsExactly("tag-0", "tag-1", "tag-2");
            assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.flowRunId()).isEqualTo(run.id()));
            assertThat(run.parentFlowRunId()).isEmpty();
        }
        assertThat(ids).hasSize(n);
    }

    @Test
    void concurrentFlowRunsWithConcurrentExecutorsKeepTheirOwnTaskRuns() throws Exception {
        int n = 3;
        CyclicBarrier allTasksRunning = new CyclicBarrier(n * 2);
        Task1<Integer, Integer> meet = Task.named("meet").of(i -> {
            allTasksRunning.await(10, TimeUnit.SECONDS); // 2 task runs of each of 3 flow runs at once
            return i;
        });
        Flow1<Integer, Integer> flow = Flow.named("fan").executor(new ConcurrentExecutor()).of(base -> {
            TaskFuture<Integer> a = meet.submit(base), b = meet.submit(base + 1);
            return a.result() + b.result();
        });

        try (ExecutorService threads = Executors.newFixedThreadPool(n)) {
            List<Future<FlowRun<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int base = i * 10;
                futures.add(threads.submit(() -> flow.run(base)));
            }
            for (int i = 0; i < n; i++) {
                FlowRun<Integer> run = completed(futures.get(i).get(20, TimeUnit.SECONDS));
                assertThat(run.result()).isEqualTo(i * 20 + 1);
                assertThat(runNames(run.taskRuns())).containsExactly("meet-0", "meet-1");
            }
        }
    }
}
