package dev.baton;

import dev.baton.internal.engine.RunnerSlot;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs task runs in parallel on virtual threads, as soon as each is ready; {@code submit}
 * returns at once. An optional maximum caps how many task runs of one flow run execute at
 * the same time; the rest wait in a queue, in submission order. A task run that waits before it
 * starts, for a slot of a tag's concurrency limit or for its next retry, does not count meanwhile.
 *
 * <pre>{@code
 * Flow.named("crawl").executor(new ConcurrentExecutor(32)).of(...)
 * }</pre>
 */
public final class ConcurrentExecutor implements Executor {
    private final int maxConcurrency;

    /** An executor with no limit on concurrent task runs. */
    public ConcurrentExecutor() {
        this.maxConcurrency = Integer.MAX_VALUE;
    }

    /**
     * An executor running at most {@code maxConcurrency} task runs of a flow run at once.
     *
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     */
    public ConcurrentExecutor(int maxConcurrency) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("ConcurrentExecutor needs maxConcurrency >= 1, got " + maxConcurrency
                    + "; use new ConcurrentExecutor() for no limit");
        }
        this.maxConcurrency = maxConcurrency;
    }

    /** The most task runs of one flow run that execute at once ({@code Integer.MAX_VALUE}: no limit). */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    @Override
    public String name() {
        return "concurrent";
    }

    @Override
    public Session open(FlowRun<?> flowRun) {
        // unnamed, and without copies of inheritable thread locals: both cost more than a no-op task
        return new VirtualThreadSession(maxConcurrency, Thread.ofVirtual().inheritInheritableThreadLocals(false).factory());
    }

    @Override
    public String toString() {
        return maxConcurrency == Integer.MAX_VALUE ? "ConcurrentExecutor" : "ConcurrentExecutor(maxConcurrency=" + maxConcurrency + ")";
    }

    /**
     * Ready runs go to a queue; up to {@code max} virtual threads drain it. Without a limit
     * every submission starts a thread, so blocking tasks never wait for each other.
     *
     * <p>With a limit, each draining thread holds one of the {@code max} slots, and lends it to the
     * task runs it runs ({@link RunnerSlot}): a run that waits before it starts (for a tag's
     * concurrency slot, for its retry to be due) gives it back, so another thread drains the queue
     * meanwhile, and takes one again before it starts, ahead of the runs still queued.
     */
    private static final class VirtualThreadSession implements Session, RunnerSlot {
        private final Queue<ReadyTaskRun> ready = new ConcurrentLinkedQueue<>();
        private final AtomicInteger running = new AtomicInteger();
        private final int max;
        private final ThreadFactory threads;
        /** Runs that gave their slot back and wait to take one again: they come before the queue. */
        private final AtomicInteger reclaiming = new AtomicInteger();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition slotFreed = lock.newCondition();

        VirtualThreadSession(int max, ThreadFactory threads) {
            this.max = max;
            this.threads = threads;
        }

        @Override
        public void submit(ReadyTaskRun taskRun) {
            ready.add(taskRun);
            startRunnerIfNeeded();
        }

        private void startRunnerIfNeeded() {
            while (!ready.isEmpty() && reclaiming.get() == 0) {
                int r = running.get();
                if (r >= max) return;
                if (running.compareAndSet(r, r + 1)) {
                    threads.newThread(this::drain).start();
                    return;
                }
            }
        }

        private void drain() {
            if (max != Integer.MAX_VALUE) RunnerSlot.lendToThisThread(this); // no limit: no slot to give back
            while (true) {
                ReadyTaskRun next = reclaiming.get() == 0 ? ready.poll() : null; // a waiting run takes this slot
                if (next == null) {
                    freeSlot();
                    // a submission may have slipped in between poll and decrement
                    startRunnerIfNeeded();
                    return;
                }
                next.run();
            }
        }

        @Override
        public void giveBack() {
            freeSlot();
            startRunnerIfNeeded();
        }

        @Override
        public void takeAgain() {
            reclaiming.incrementAndGet();
            boolean interrupted = false;
            lock.lock();
            try {
                while (true) {
                    int r = running.get();
                    if (r < max && running.compareAndSet(r, r + 1)) break;
                    try {
                        slotFreed.await();
                    } catch (InterruptedException e) {
                        interrupted = true; // the run sees it once it has its slot
                    }
                }
            } finally {
                lock.unlock();
                reclaiming.decrementAndGet();
            }
            if (interrupted) Thread.currentThread().interrupt();
            startRunnerIfNeeded(); // runs queued while this one waited go on if slots are left
        }

        /** Frees the calling thread's slot and wakes a run waiting to take one again, if any. */
        private void freeSlot() {
            running.decrementAndGet();
            if (reclaiming.get() > 0) {
                lock.lock();
                try {
                    slotFreed.signal();
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
