package dev.baton.internal.engine;

/**
 * Where code is running: inside a flow run's body ({@link FlowRunEngine}) or inside one of
 * its task runs ({@link TaskRunScope}). Each thread has its own current scope, so flow runs
 * started from several threads never see each other.
 */
public abstract sealed class RunScope permits FlowRunEngine, TaskRunScope, RemoteTaskScope {
    private static final ThreadLocal<RunScope> CURRENT = new ThreadLocal<>();

    /** The scope of the calling thread, or null outside any run. */
    public static RunScope current() {
        return CURRENT.get();
    }

    /** Makes {@code scope} current and returns the previous scope, for {@link #exit}. */
    static RunScope enter(RunScope scope) {
        RunScope previous = CURRENT.get();
        CURRENT.set(scope);
        return previous;
    }

    /** Restores the scope {@link #enter} returned. */
    static void exit(RunScope previous) {
        CURRENT.set(previous);
    }

    /** Whether what this scope's code prints to {@code System.out} goes to its run logger (the flow's {@code logPrints}). */
    public boolean logsPrints() {
        FlowRunEngine engine = engine();
        return engine != null && engine.record().flow().options().logPrints();
    }

    /** The engine of the flow run this scope belongs to. */
    abstract FlowRunEngine engine();

    /** The task run of this scope, or null in a flow body (and on a worker, where only its name is known). */
    abstract TaskRunScope currentTaskRun();

    /** The name of the task run whose body runs in this scope, or null in a flow body. */
    abstract String taskRunName();

    /** The prefix of this scope's log lines: {@code Flow run 'x' - } or {@code Task run 'y' - }. */
    public abstract String logPrefix();

    /** Key-value pairs that identify this scope's run in structured logs. */
    public abstract void describeTo(java.util.function.BiConsumer<String, Object> keyValues);
}
