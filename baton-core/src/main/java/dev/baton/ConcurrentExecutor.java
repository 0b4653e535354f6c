package dev.baton;

import java.util.concurrent.ThreadFactory;

/**
 * Runs task bodies in parallel, each on a virtual thread of its own, as soon as its run is
 * ready; {@code submit} returns at once. An optional maximum caps how many task runs of one flow
 * run execute at the same time; the engine holds the rest back, in the order they became ready.
 * A task run that waits before it starts, for a slot of a tag's concurrency limit or for its next
 * retry, does not count meanwhile.
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
    @Override
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
        ThreadFactory threads = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();
        return call -> threads.newThread(call::runHere).start();
    }

    @Override
    public String toString() {
        return maxConcurrency == Integer.MAX_VALUE ? "ConcurrentExecutor" : "ConcurrentExecutor(maxConcurrency=" + maxConcurrency + ")";
    }
}
