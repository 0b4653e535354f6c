package dev.baton.internal.engine;

/** A task or flow body seen through its arity: the typed API adapts each lambda to this. Serializable, so
 * distributed executors can ship a task body (a flow body never leaves its process). */
@FunctionalInterface
public interface Invocable extends java.io.Serializable {
    /** Calls the body with its resolved arguments; an async body returns a CompletionStage. */
    Object invoke(Object[] args) throws Exception;
}
