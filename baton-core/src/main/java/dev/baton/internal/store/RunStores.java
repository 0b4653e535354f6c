package dev.baton.internal.store;

/**
 * Chooses the store a new flow run records to: the one installed for the current thread
 * (and the threads it starts), else the process default. Tests install a fresh store per
 * test this way without touching other threads' runs.
 */
public final class RunStores {
    private static volatile RunStore processDefault = new InMemoryRunStore(1_000);
    private static final InheritableThreadLocal<RunStore> OVERRIDE = new InheritableThreadLocal<>();

    private RunStores() {}

    /** The store for flow runs started on this thread now. */
    public static RunStore current() {
        RunStore s = OVERRIDE.get();
        return s != null ? s : processDefault;
    }

    /** Makes {@code store} this thread's store (and its future child threads'); null restores the default. */
    public static void useOnThisThread(RunStore store) {
        if (store == null) OVERRIDE.remove();
        else OVERRIDE.set(store);
    }

    /** Replaces the process-wide default store. */
    public static void setProcessDefault(RunStore store) {
        processDefault = java.util.Objects.requireNonNull(store, "store");
    }
}
