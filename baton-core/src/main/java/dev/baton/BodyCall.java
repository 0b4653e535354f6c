package dev.baton;

/**
 * One attempt of a task run's body, as the engine hands it to an {@link Executor.Session}: the
 * run's upstream runs have completed, its arguments are resolved, and the engine has let it start
 * (it is RUNNING: concurrency slots held, no cached result). What comes before and after the body
 * (states, waits, timeouts, retries, the cache, hooks) stays the engine's.
 *
 * <p>The executor runs the call, now or later, here or elsewhere, and reports how it ended exactly
 * once: {@link #runHere()} runs the body on the calling thread and reports by itself; an executor
 * that runs bodies in other processes ships {@link #toTaskCall()} and reports the answer with
 * {@link #succeeded} or {@link #failed}. A report after the first, or after the engine gave up on
 * the call (a timeout, a cancellation), changes nothing.
 *
 * <p>{@link #succeeded} and {@link #failed} may be called on any thread, such as the one that
 * received a worker's answer. The engine settles the run there and begins the runs that were
 * waiting for it (handing their calls to the executor), so a chain of task runs needs no thread
 * hand-off; none of the user's code runs there (the caller's continuations, a task's hooks go to
 * threads of their own), and nothing there waits for long.
 */
public interface BodyCall {

    /** The record of the run. */
    TaskRun taskRun();

    /**
     * Runs the body on the calling thread, in the task run's scope (its log lines name the run),
     * and reports its outcome: when the body returns, or for an async task when its stage
     * completes. Never throws for the task's failure.
     */
    void runHere();

    /**
     * The call as a message for a worker in another process.
     *
     * @throws IllegalArgumentException if the task's body (or what its lambda captures) is not
     *                                  serializable; the message says which task run
     */
    TaskCall toTaskCall();

    /** Reports the value the body returned elsewhere (what {@link TaskCall#result(Object)} gave). */
    void succeeded(Object value);

    /**
     * Reports that the call failed: the body's own exception, or a {@link TaskRunCrashedException}
     * if it could not be run anywhere.
     */
    void failed(Throwable failure);

    /**
     * Registers what stops the call if the engine gives up on it (its timeout, the flow run's
     * cancellation); for a call run elsewhere, e.g. cancelling the remote call. A call run with
     * {@link #runHere()} needs none: its thread is interrupted.
     */
    void onStop(Runnable stop);
}
