package dev.baton;

import dev.baton.internal.engine.EngineAccess;
import dev.baton.internal.engine.EngineServices;
import dev.baton.internal.engine.TagLimits;
import dev.baton.internal.results.BatonHome;
import dev.baton.spi.InMemoryRunStore;
import dev.baton.spi.RunStore;
import dev.baton.spi.RunStoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * What flow runs work with besides the user's code: where they are recorded (the run store),
 * the clock they live by, the Baton home directory (persisted results and the task cache), and
 * this JVM's concurrency limits by tag. Immutable once built.
 *
 * <p>Nothing needs configuring: {@link #defaults()} is what a flow uses when nothing else is
 * said, built from the environment as {@code ./baton run} documents it (the run store of the
 * provider on the class path, the embedded database under {@code BATON_HOME} or the API server
 * of {@code BATON_API_URL}; the system clock). Tests and applications that embed Baton build
 * their own and run flows on it, explicitly or for a stretch of code:
 *
 * <pre>{@code
 * try (BatonRuntime runtime = BatonRuntime.builder().home(dir).inMemoryStore().build()) {
 *     FlowRun<Integer> run = etl.on(runtime).run(day);       // this run only
 *     try (BatonRuntime.Scope scope = runtime.makeCurrent()) {
 *         etl.run(day);                                       // every flow started on this thread (and threads it starts)
 *     }
 * }
 * }</pre>
 *
 * A flow run called inside another flow run (a subflow) runs on its parent's runtime.
 */
public final class BatonRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonRuntime.class);
    private static final InheritableThreadLocal<BatonRuntime> CURRENT = new InheritableThreadLocal<>();
    private static volatile BatonRuntime defaults;

    static {
        EngineAccess.install(runtime -> runtime.services);
    }

    /** The engine's view of this runtime. */
    final EngineServices services;
    private final boolean ownsStore;
    private final boolean isDefaults;

    private BatonRuntime(RunStore store, boolean ownsStore, Clock clock, Path home, TagLimits limits, boolean isDefaults) {
        this.services = new EngineServices(store, clock, home, limits);
        this.ownsStore = ownsStore;
        this.isDefaults = isDefaults;
    }

    /**
     * The runtime of this process when nothing else is said: the run store of the provider on
     * the class path opened at {@link #defaultHome()} (if it cannot be opened, a warning says why
     * and runs are kept in memory, the last 1,000), the system clock. Made on first use.
     */
    public static BatonRuntime defaults() {
        BatonRuntime d = defaults;
        if (d == null) {
            synchronized (BatonRuntime.class) {
                if (defaults == null) {
                    Path home = defaultHome();
                    defaults = new BatonRuntime(defaultStore(home), false, Clock.system(), home, new TagLimits(), true);
                }
                d = defaults;
            }
        }
        return d;
    }

    /** The runtime a flow started on this thread now runs on: the one made current here ({@link #makeCurrent}), else {@link #defaults()}. */
    public static BatonRuntime current() {
        BatonRuntime r = CURRENT.get();
        return r != null ? r : defaults();
    }

    /**
     * The Baton home directory when none is given: the system property {@code baton.home}, else
     * the environment variable {@code BATON_HOME}, else {@code ~/.baton}.
     */
    public static Path defaultHome() {
        return BatonHome.path();
    }

    /** A builder starting from nothing: the system clock, {@link #defaultHome()}, the class path's run store. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this runtime: its store (which the new runtime does not own, so
     * closing it leaves the store open), clock, home and concurrency limits.
     */
    public Builder toBuilder() {
        Builder b = new Builder().store(services.store()).clock(services.clock()).home(services.home());
        b.limits.putAll(services.tagLimits().all());
        return b;
    }

    /** Where runs are recorded. */
    public RunStore store() {
        return services.store();
    }

    /** The time runs live by: state times, retry delays, timeouts, cache expiry. */
    public Clock clock() {
        return services.clock();
    }

    /** The Baton home directory: persisted results and the task cache live under it. */
    public Path home() {
        return services.home();
    }

    /**
     * Makes this the runtime of flows started on this thread, and on threads it starts, until
     * the scope is closed (which restores the one before). For tests and code that calls flows
     * it does not own; {@code flow.on(runtime)} says it for one flow.
     */
    public Scope makeCurrent() {
        BatonRuntime before = CURRENT.get();
        CURRENT.set(this);
        Thread owner = Thread.currentThread();
        return () -> {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("A BatonRuntime scope must be closed on the thread that opened it ("
                        + owner.getName() + "), not " + Thread.currentThread().getName());
            }
            if (before == null) CURRENT.remove();
            else CURRENT.set(before);
        };
    }

    /**
     * Closes the run store this runtime opened itself (one given to {@link Builder#store} is the
     * caller's to close). The {@link #defaults()} runtime is not closed: its store closes as the
     * process exits.
     */
    @Override
    public void close() {
        if (isDefaults || !ownsStore) return;
        if (services.store() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the run store {} failed: {}", services.store(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "BatonRuntime[store=" + services.store().getClass().getSimpleName() + ", home=" + services.home() + "]";
    }

    /** A stretch of code during which a runtime is the current one; closing it restores the one before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Builds a {@link BatonRuntime}; every part has a default, so {@code builder().build()} works. */
    public static final class Builder {
        private RunStore store;
        private boolean inMemory;
        private Clock clock = Clock.system();
        private Path home;
        private final Map<String, Integer> limits = new LinkedHashMap<>();

        private Builder() {}

        /** Records runs in {@code store}, which stays the caller's: the runtime never closes it. */
        public Builder store(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.inMemory = false;
            return this;
        }

        /** Keeps runs in this JVM's memory only, all of them: for tests and short-lived programs. */
        public Builder inMemoryStore() {
            this.store = null;
            this.inMemory = true;
            return this;
        }

        /** The clock runs live by (default: {@link Clock#system()}); tests pass a fake one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The Baton home directory (default: {@link #defaultHome()}); created when first needed. */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * At most {@code limit} task runs carrying {@code tag} run at once on this runtime (0 holds
         * them all); see {@link ConcurrencyLimits}.
         */
        public Builder concurrencyLimit(String tag, int limit) {
            if (tag == null || tag.isBlank()) {
                throw new IllegalArgumentException("A concurrency limit needs a non-blank tag, got "
                        + (tag == null ? "null" : "\"" + tag + "\""));
            }
            if (limit < 0) {
                throw new IllegalArgumentException("The concurrency limit of tag '" + tag + "' must be 0 or more, got "
                        + limit);
            }
            limits.put(tag, limit);
            return this;
        }

        /**
         * The runtime. Without {@link #store} or {@link #inMemoryStore}, it opens the run store of
         * the provider on the class path at its home (the embedded database, or the API server of
         * {@code BATON_API_URL}) and closes it when closed.
         *
         * @throws IllegalStateException if that store cannot be opened (the reason says why)
         */
        public BatonRuntime build() {
            Path h = home != null ? home : defaultHome();
            TagLimits tagLimits = new TagLimits();
            limits.forEach(tagLimits::set);
            if (store != null) return new BatonRuntime(store, false, clock, h, tagLimits, false);
            if (inMemory) return new BatonRuntime(InMemoryRunStore.unbounded(), true, clock, h, tagLimits, false);
            RunStoreProvider provider = provider();
            if (provider == null) {
                throw new IllegalStateException("No run store provider is on the class path (baton-store-jdbc or"
                        + " baton-client provide one): add one, or build with store(...) or inMemoryStore()");
            }
            try {
                return new BatonRuntime(provider.open(h), true, clock, h, tagLimits, false);
            } catch (Exception e) {
                throw new IllegalStateException(provider.getClass().getName() + " could not open the run store at "
                        + h + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
        }
    }

    /** The run store provider of highest precedence on the class path, or null. */
    private static RunStoreProvider provider() {
        RunStoreProvider chosen = null;
        for (RunStoreProvider p : ServiceLoader.load(RunStoreProvider.class, BatonRuntime.class.getClassLoader())) {
            if (p.precedence() >= 0 && (chosen == null || p.precedence() > chosen.precedence())) chosen = p;
        }
        return chosen;
    }

    private static RunStore defaultStore(Path home) {
        String from = "the run store provider";
        try {
            RunStoreProvider chosen = provider();
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
}
