package dev.baton;

import java.io.Serializable;

/**
 * One call of a task's body with its resolved arguments, as a distributed {@link Executor}
 * ships it: serializable (if the task's body and arguments are), run on a worker with
 * {@link #runOnWorker()}, and turned back into the task's value in the flow run's process
 * with {@link #result(Object)}. States, retries, timeouts and caching stay with the engine.
 */
public interface TaskCall extends Serializable {

    /** The name of the task run this call belongs to, for messages. */
    String taskRunName();

    /** True for async tasks: the worker waits for the body's stage. */
    boolean isAsync();

    /**
     * False if the task asked not to run again when the worker running it is lost
     * ({@code Task.named(...).rerunOnWorkerLoss(false)}): the run then crashes instead.
     */
    boolean rerunOnWorkerLoss();

    /**
     * On a worker: runs the body and returns what to hand back to {@link #result(Object)}: the
     * value or the failure, and the run's log lines. Never throws for the task's own failure.
     */
    Object runOnWorker();

    /**
     * In the flow run's process: the task's value from what {@link #runOnWorker()} returned, or
     * the task's failure, thrown. Writes the log lines the body wrote on the worker to the run's log.
     */
    Object result(Object outcome) throws Exception;

    /**
     * Reads one object (a call, or what {@link #runOnWorker()} returned) that a distributed
     * executor wrote with an {@link java.io.ObjectOutputStream}, under {@code filter} (null: the
     * JVM-wide filter alone). Classes resolve with the thread's context class loader first, so the
     * classes of an application's own loader (a script run by {@code baton run}, a web
     * application) are found; Baton's own wrappers resolve without a lookup.
     */
    static Object deserialize(byte[] bytes, java.io.ObjectInputFilter filter)
            throws java.io.IOException, ClassNotFoundException {
        return dev.baton.internal.results.ContextObjectInputStream.readObject(bytes, filter);
    }
}
