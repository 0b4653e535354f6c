package dev.baton.internal.engine;

import dev.baton.Clock;
import dev.baton.internal.results.BatonHome;
import dev.baton.internal.results.ResultCache;
import dev.baton.internal.results.ResultStore;
import dev.baton.orchestration.Policy;
import dev.baton.spi.RunStore;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine works with besides the user's code: the run store, the clock, the Baton
 * home (result storage and the cache), the tag concurrency limits (this JVM's, and those the
 * store keeps: see {@link EngineSlots}), and the orchestration policies built from them: the
 * engine's side of a {@link dev.baton.BatonRuntime}, which makes it. A flow run takes the services
 * of the runtime it is started on; a subflow run, its parent's.
 */
public final class EngineServices {
    private final RunStore store;
    private final Clock clock;
    private final Path home;
    private final TagLimits tagLimits;
    private final EngineSlots slots;
    private volatile ResultStore results;
    private volatile ResultCache cache;
    private final Policy taskRunPolicy, flowRunPolicy;

    public EngineServices(RunStore store, Clock clock, Path home, TagLimits tagLimits) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.home = Objects.requireNonNull(home, "home");
        this.tagLimits = Objects.requireNonNull(tagLimits, "tagLimits");
        this.slots = new EngineSlots(tagLimits, Objects.requireNonNull(store.concurrencySlots(),
                "the store's concurrency slots"));
        this.taskRunPolicy = Policy.forTaskRuns(clock, slots, new EngineCache(this));
        this.flowRunPolicy = Policy.forFlowRuns(clock);
        store.onCancellationRequested(RunningFlowRuns::cancel);
    }

    public RunStore store() { return store; }

    public Clock clock() { return clock; }

    public Path home() { return home; }

    public TagLimits tagLimits() { return tagLimits; }

    /**
     * Whether a task run with {@code tags} may need concurrency slots, so it must propose RUNNING
     * to the task run policy; false at no cost for an untagged run, and without I/O for any run.
     */
    boolean slotsMayApply(Set<String> tags) { return slots.mayLimit(tags); }

    /** The rules that decide the transitions of task runs with options (plain ones take the fast path). */
    public Policy taskRunPolicy() { return taskRunPolicy; }

    /** The rules that decide the transitions of flow runs. */
    public Policy flowRunPolicy() { return flowRunPolicy; }

    /** Result storage under the home directory, made on first use. */
    public ResultStore results() {
        ResultStore r = results;
        if (r == null) {
            synchronized (this) {
                if (results == null) results = new ResultStore(BatonHome.resultsDirectory(home));
                r = results;
            }
        }
        return r;
    }

    /** The task result cache under the home directory, made on first use. */
    public ResultCache cache() {
        ResultCache c = cache;
        if (c == null) {
            synchronized (this) {
                if (cache == null) cache = new ResultCache(BatonHome.cacheDirectory(home), results());
                c = cache;
            }
        }
        return c;
    }
}
