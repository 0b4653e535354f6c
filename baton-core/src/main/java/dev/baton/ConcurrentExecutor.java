package dev.baton;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs task runs in parallel on virtual threads, as soon as each is ready; {@code submit}
 * returns at once. An optional maximum caps how many task runs of one flow run execute at
 * the same time; the rest wait in a queue, in submission order.
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
     */
    private static final class VirtualThreadSession implements Session {
        private final Queue<ReadyTaskRun> ready = new ConcurrentLinkedQueue<>();
        private final AtomicInteger running = new AtomicInteger();
        private final int max;
        private final ThreadFactory threads;

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
            while (!ready.isEmpty()) {
                int r = running.get();
                if (r >= max) return;
                if (running.compareAndSet(r, r + 1)) {
                    threads.newThread(this::drain).start();
                    return;
                }
            }
        }

        private void drain() {
            while (true) {
                ReadyTaskRun next = ready.poll();
                if (next == null) {
                    running.decrementAndGet();
                    // a submission may have slipped in between poll and decrement
                    startRunnerIfNeeded();
                    return;
                }
                next.run();
            }
        }
    }
}
