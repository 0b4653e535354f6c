package dev.baton.internal.engine;

import dev.baton.Clock;
import dev.baton.internal.orchestration.Policy;
import dev.baton.internal.results.BatonHome;
import dev.baton.internal.results.ResultCache;
import dev.baton.internal.results.ResultStore;
import dev.baton.internal.store.InMemoryRunStore;
import dev.baton.spi.RunStore;
import dev.baton.spi.RunStoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * What the engine works with besides the user's code: the run store, the clock, the Baton
 * home (result storage and the cache), the tag concurrency limits (this JVM's, and those the
 * store keeps: see {@link EngineSlots}), and the orchestration policies built from them. A flow run takes the
 * services of the thread that starts it (installed for that thread and its children, as
 * tests do), else the process default.
 */
public final class EngineServices {
    private static final Logger LOG = LoggerFactory.getLogger(EngineServices.class);
    private static volatile EngineServices processDefault;
    private static final InheritableThreadLocal<EngineServices> OVERRIDE = new InheritableThreadLocal<>();

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

    /** The services for flow runs started on this thread now. */
    public static EngineServices current() {
        EngineServices s = OVERRIDE.get();
        return s != null ? s : processDefault();
    }

    /**
     * The process-wide services: the store of the {@link RunStoreProvider} on the class path (else
     * an in-memory store of the last 1,000 flow runs), the system clock, BATON_HOME.
     */
    public static EngineServices processDefault() {
        EngineServices s = processDefault;
        if (s == null) {
            synchronized (EngineServices.class) {
                if (processDefault == null) {
                    Path home = BatonHome.path();
                    processDefault = new EngineServices(defaultStore(home), Clock.system(), home, new TagLimits());
                }
                s = processDefault;
            }
        }
        return s;
    }

    private static RunStore defaultStore(Path home) {
        String from = "the run store provider";
        try {
            RunStoreProvider chosen = null;
            for (RunStoreProvider p : ServiceLoader.load(RunStoreProvider.class, EngineServices.class.getClassLoader())) {
                if (p.precedence() >= 0 && (chosen == null || p.precedence() > chosen.precedence())) chosen = p;
            }
            if (chosen != null) {
                from = chosen.getClass().getName();
                return chosen.open(home);
            }
        } catch (Exception | ServiceConfigurationError | LinkageError e) {
            // the reason, not a stack trace: a database locked by another process is no bug
            LOG.warn("Flow runs are kept in memory only (the last 1,000 of this process): {} could not open the run"
                    + " store: {}", from, e.getMessage() != null ? e.getMessage() : e.toString());
            LOG.debug("Run store failure", e);
        }
        return new InMemoryRunStore(1_000);
    }

    /** Makes {@code services} this thread's (and its future child threads'); null restores the default. */
    public static void useOnThisThread(EngineServices services) {
        if (services == null) OVERRIDE.remove();
        else OVERRIDE.set(services);
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
