package dev.baton.spi;

import dev.baton.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue between the engine's threads and a store's consumer: events come out in the order put,
 * numbered; a full buffer holds producers back until the consumer takes it; callers wait for what
 * they put to be handled, up to a timeout or a give-up condition; close and drain leave nothing
 * behind unsaid. Threads meet on latches and on each other's state, never on sleeps.
 */
class RunEventQueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    /** Every thread a test starts, so a test finds the one waiting in the queue among them. */
    private final Set<Thread> started = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> start(r, false));
    private final State running = State.running();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void eventsComeOutInTheOrderPutWithTheirKindSubjectStateAndSequence() throws Exception {
        RunEventQueue queue = new RunEventQueue(16);
        queue.putUninterruptibly(RunEventKind.FLOW_RUN_CREATED, "flow", null);
        queue.putUninterruptibly(RunEventKind.TASK_RUN_STATE, "task", running);
        assertThat(queue.offer(RunEventKind.LOG, "line", null)).isTrue();

        RunEventQueue.Buffer b = queue.take(null);
        assertThat(b.size()).isEqualTo(3);
        assertThat(List.of(b.kind(0), b.kind(1), b.kind(2)))
                .containsExactly(RunEventKind.FLOW_RUN_CREATED, RunEventKind.TASK_RUN_STATE, RunEventKind.LOG);
        assertThat(List.of(b.subject(0), b.subject(1), b.subject(2))).containsExactly("flow", "task", "line");
        assertThat(b.state(0)).isNull();
        assertThat(b.state(1)).isSameAs(running);
        assertThat(List.of(b.sequence(0), b.sequence(1), b.sequence(2))).containsExactly(1L, 2L, 3L);
        assertThat(b.lastSequence()).isEqualTo(3);
        assertThat(queue.enqueued()).isEqualTo(3);

        // put while the consumer holds the first buffer: the next take has them, numbered on
        queue.putUninterruptibly(RunEventKind.FLOW_RUN_STATE, "flow", running);
        queue.putUninterruptibly(RunEventKind.FLOW_RUN_FINISHED, "flow", null);
        RunEventQueue.Buffer next = queue.take(b);
        assertThat(subjectsAndSequences(next)).containsExactly("flow#4", "flow#5");
        assertThat(b.size()).as("handed back: emptied for reuse").isZero();
    }

    @Test
    void manyProducersEachKeepTheirOwnOrderAndNothingIsLostOrRepeated() throws Exception {
        RunEventQueue queue = new RunEventQueue(64); // small: producers wait for the consumer many times
        int producers = 4, each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) queue.putUninterruptibly(RunEventKind.LOG, new int[] {id, i}, null);
                return null;
            });
        }
        start.countDown();
        int[] nextOf = new int[producers];
        long seen = 0;
        RunEventQueue.Buffer b = null;
        while (seen < (long) producers * each) {
            b = queue.take(b, LONG, () -> false);
            assertThat(b).as("events within 30 s").isNotNull();
            for (int i = 0; i < b.size(); i++) {
                int[] e = (int[]) b.subject(i);
                assertThat(e[1]).isEqualTo(nextOf[e[0]]++);
                assertThat(b.sequence(i)).isEqualTo(++seen);
            }
            queue.handled(b.lastSequence());
        }
        assertThat(queue.pending()).isZero();
    }

    @Test
    void aBufferGrowsAsItFillsUpToItsCapacity() throws Exception {
        RunEventQueue queue = new RunEventQueue(5_000); // more than a buffer's first size
        for (int i = 0; i < 5_000; i++) assertThat(queue.offer(RunEventKind.LOG, i, null)).isTrue();
        assertThat(queue.offer(RunEventKind.LOG, "one too many", null)).isFalse();
        RunEventQueue.Buffer b = queue.take(null);
        assertThat(b.size()).isEqualTo(5_000);
        for (int i = 0; i < 5_000; i++) assertThat(b.subject(i)).isEqualTo(i);
    }

    @Test
    void aFullBufferHoldsProducersBackUntilTheConsumerTakesIt() throws Exception {
        RunEventQueue queue = new RunEventQueue(2);
        queue.putUninterruptibly(RunEventKind.LOG, 1, null);
        queue.putUninterruptibly(RunEventKind.LOG, 2, null);
        assertThat(queue.offer(RunEventKind.LOG, 3, null)).as("full").isFalse();

        CountDownLatch put = new CountDownLatch(1);
        Thread producer = start(() -> {
            queue.putUninterruptibly(RunEventKind.LOG, 3, null);
            put.countDown();
        }, true);
        awaitWaiting(producer);
        assertThat(put.getCount()).as("still waiting for room").isEqualTo(1);

        RunEventQueue.Buffer first = queue.take(null); // the full buffer goes to the consumer: room again
        assertThat(put.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(subjects(first)).containsExactly(1, 2);

        // both buffers full (the consumer holds one, the other is full): waits again
        queue.putUninterruptibly(RunEventKind.LOG, 4, null);
        CountDownLatch put5 = new CountDownLatch(1);
        Thread another = start(() -> {
            queue.putUninterruptibly(RunEventKind.LOG, 5, null);
            put5.countDown();
        }, true);
        awaitWaiting(another);
        assertThat(put5.getCount()).isEqualTo(1);
        RunEventQueue.Buffer second = queue.take(first);
        assertThat(put5.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(subjects(second)).containsExactly(3, 4);
        assertThat(subjects(queue.take(second))).containsExactly(5);
    }

    @Test
    void anInterruptedPutGivesUpButAnUninterruptiblePutQueuesAndKeepsTheInterrupt() throws Exception {
        RunEventQueue queue = new RunEventQueue(1);
        queue.putUninterruptibly(RunEventKind.LOG, "fills it", null);

        Future<Boolean> interruptible = threads.submit(() -> queue.put(RunEventKind.LOG, "given up", null));
        Thread waiting = awaitAnyWaitingThread(queue);
        waiting.interrupt();
        assertThatThrownBy(() -> interruptible.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedException.class);

        AtomicBoolean interruptKept = new AtomicBoolean();
        CountDownLatch put = new CountDownLatch(1);
        Thread producer = start(() -> {
            queue.putUninterruptibly(RunEventKind.LOG, "queued all the same", null);
            interruptKept.set(Thread.currentThread().isInterrupted());
            put.countDown();
        }, true);
        awaitWaiting(producer);
        producer.interrupt();
        awaitWaiting(producer); // still waiting for room
        assertThat(put.getCount()).isEqualTo(1);
        RunEventQueue.Buffer b = queue.take(null);
        assertThat(put.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptKept).isTrue();
        assertThat(subjects(b)).containsExactly("fills it");
        assertThat(subjects(queue.take(b))).containsExactly("queued all the same");
    }

    @Test
    void takeWaitsUpToItsTimeoutOrUntilStopHoldsWhenWoken() throws Exception {
        RunEventQueue queue = new RunEventQueue(4);
        assertThat(queue.take(null, Duration.ofMillis(20), () -> false)).as("nothing came").isNull();
        assertThat(queue.take(null, LONG, () -> true)).as("stop holds: no wait").isNull();

        AtomicBoolean stop = new AtomicBoolean();
        Future<RunEventQueue.Buffer> taking = threads.submit(() -> queue.take(null, LONG, stop::get));
        awaitAnyWaitingThread(queue);
        stop.set(true);
        queue.wake();
        assertThat(taking.get(30, TimeUnit.SECONDS)).isNull();

        Future<RunEventQueue.Buffer> waitingForEvents = threads.submit(() -> queue.take(null, LONG, () -> false));
        awaitAnyWaitingThread(queue);
        queue.putUninterruptibly(RunEventKind.LOG, "arrives", null);
        assertThat(subjects(waitingForEvents.get(30, TimeUnit.SECONDS))).containsExactly("arrives");
    }

    @Test
    void awaitHandledReturnsOnceTheConsumerGotThereAndNeverGoesBack() throws Exception {
        RunEventQueue queue = new RunEventQueue(8);
        for (int i = 1; i <= 3; i++) queue.putUninterruptibly(RunEventKind.LOG, i, null);
        assertThat(queue.pending()).isEqualTo(3);

        Future<Boolean> waiter = threads.submit(() -> queue.awaitHandled(3, LONG, () -> false));
        awaitAnyWaitingThread(queue);
        queue.handled(2);
        assertThat(queue.pending()).isEqualTo(1);
        queue.handled(3);
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();

        queue.handled(1); // behind what was said: changes nothing
        assertThat(queue.handledThrough()).isEqualTo(3);
        assertThat(queue.pending()).isZero();
        assertThat(queue.awaitHandled(3, Duration.ZERO, () -> true)).as("there already").isTrue();
    }

    @Test
    void awaitHandledGivesUpWhenItsTimeoutRunsOut() throws Exception {
        RunEventQueue queue = new RunEventQueue(8);
        queue.putUninterruptibly(RunEventKind.LOG, 1, null);
        assertThat(queue.awaitHandled(1, Duration.ZERO, () -> false)).isFalse();
        assertThat(queue.awaitHandled(1, Duration.ofMillis(20), () -> false)).isFalse();
        assertThat(queue.awaitHandledUninterruptibly(1, Duration.ofMillis(20), () -> false)).isFalse();
    }

    @Test
    void awaitHandledGivesUpWhenItsConditionHoldsAskedWhenWoken() throws Exception {
        RunEventQueue queue = new RunEventQueue(8);
        queue.putUninterruptibly(RunEventKind.LOG, 1, null);
        assertThat(queue.awaitHandled(1, LONG, () -> true)).as("holds already: no wait").isFalse();

        AtomicBoolean giveUp = new AtomicBoolean();
        CountDownLatch asked = new CountDownLatch(1);
        Future<Boolean> waiter = threads.submit(() -> queue.awaitHandled(1, LONG, () -> {
            asked.countDown();
            return giveUp.get();
        }));
        assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
        awaitAnyWaitingThread(queue);
        giveUp.set(true);
        queue.wake();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void awaitHandledIsInterruptibleOrKeepsTheInterruptForLater() throws Exception {
        RunEventQueue queue = new RunEventQueue(8);
        queue.putUninterruptibly(RunEventKind.LOG, 1, null);

        Future<Boolean> interruptible = threads.submit(() -> queue.awaitHandled(1, LONG, () -> false));
        awaitAnyWaitingThread(queue).interrupt();
        assertThatThrownBy(() -> interruptible.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedException.class);

        AtomicBoolean interruptKept = new AtomicBoolean();
        Future<Boolean> uninterruptible = threads.submit(() -> {
            boolean handled = queue.awaitHandledUninterruptibly(1, LONG, () -> false);
            interruptKept.set(Thread.currentThread().isInterrupted());
            return handled;
        });
        Thread waiting = awaitAnyWaitingThread(queue);
        waiting.interrupt();
        awaitWaiting(waiting); // waits on
        queue.handled(1);
        assertThat(uninterruptible.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptKept).isTrue();
    }

    @Test
    void aClosedQueueRefusesEventsReleasesWaitingProducersAndHandsOutWhatIsLeft() throws Exception {
        RunEventQueue queue = new RunEventQueue(1);
        queue.putUninterruptibly(RunEventKind.LOG, "before", null);
        Future<Boolean> waitingForRoom = threads.submit(() -> queue.put(RunEventKind.LOG, "too late", null));
        awaitAnyWaitingThread(queue);

        queue.close();
        assertThat(waitingForRoom.get(30, TimeUnit.SECONDS)).as("refused").isFalse();
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.putUninterruptibly(RunEventKind.LOG, "after", null)).isFalse();
        assertThat(queue.offer(RunEventKind.LOG, "after", null)).isFalse();
        assertThat(queue.enqueued()).isEqualTo(1);

        RunEventQueue.Buffer b = queue.take(null);
        assertThat(subjects(b)).containsExactly("before");
        assertThat(queue.take(b)).as("closed and empty: no wait").isNull();
        assertThat(queue.take(null, LONG, () -> false)).isNull();
        queue.close(); // again: nothing changes
        assertThat(queue.take(null)).isNull();
    }

    @Test
    void aConsumerWaitingForEventsIsToldOfTheClose() throws Exception {
        RunEventQueue queue = new RunEventQueue(4);
        Future<RunEventQueue.Buffer> taking = threads.submit(() -> queue.take(null));
        awaitAnyWaitingThread(queue);
        queue.close();
        assertThat(taking.get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void drainClosesAndHandsOverWhatNobodyTookWhileTheConsumerHoldsABuffer() throws Exception {
        RunEventQueue queue = new RunEventQueue(4);
        queue.putUninterruptibly(RunEventKind.LOG, 1, null);
        queue.putUninterruptibly(RunEventKind.LOG, 2, null);
        RunEventQueue.Buffer held = queue.take(null); // the consumer stops with this one, never handed back
        queue.putUninterruptibly(RunEventKind.LOG, 3, null);
        queue.putUninterruptibly(RunEventKind.LOG, 4, null);

        RunEventQueue.Buffer rest = queue.drain();
        assertThat(subjects(held)).containsExactly(1, 2);
        assertThat(subjectsAndSequences(rest)).containsExactly("3#3", "4#4");
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.offer(RunEventKind.LOG, 5, null)).isFalse();
        assertThat(queue.drain()).as("nothing more").isNull();
        assertThat(queue.take(null)).isNull();
    }

    @Test
    void drainOfAnEmptyQueueClosesIt() {
        RunEventQueue queue = new RunEventQueue(4);
        assertThat(queue.drain()).isNull();
        assertThat(queue.putUninterruptibly(RunEventKind.LOG, 1, null)).isFalse();
    }

    @Test
    void aBufferCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new RunEventQueue(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, got 0");
    }

    // ----- helpers -----

    private static List<Object> subjects(RunEventQueue.Buffer b) {
        List<Object> subjects = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) subjects.add(b.subject(i));
        return subjects;
    }

    private static List<String> subjectsAndSequences(RunEventQueue.Buffer b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) out.add(b.subject(i) + "#" + b.sequence(i));
        return out;
    }

    private Thread start(Runnable r, boolean now) {
        Thread t = Thread.ofPlatform().daemon().unstarted(r);
        started.add(t);
        if (now) t.start();
        return t;
    }

    /** Returns once {@code t} waits in a call on the queue. */
    private static void awaitWaiting(Thread t) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!waitsInTheQueue(t)) {
            assertThat(t.isAlive()).as(t + " alive").isTrue();
            assertThat(System.nanoTime() - deadline).as(t + " waiting within 30 s").isNegative();
            Thread.onSpinWait();
        }
    }

    /** The thread of this test's that waits in a call on the queue (a test has one at a time). */
    private Thread awaitAnyWaitingThread(RunEventQueue queue) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (true) {
            for (Thread t : started) if (waitsInTheQueue(t)) return t;
            assertThat(System.nanoTime() - deadline).as("a thread waiting in " + queue + " within 30 s").isNegative();
            Thread.onSpinWait();
        }
    }

    private static boolean waitsInTheQueue(Thread t) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) return false;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(RunEventQueue.class.getName())) return true;
        }
        return false;
    }
}
