package dev.baton.internal.engine;

/** A task or flow body seen through its arity: the typed API adapts each lambda to this. */
@FunctionalInterface
public interface Invocable {
    /** Calls the body with its resolved arguments; an async body returns a CompletionStage. */
    Object invoke(Object[] args) throws Exception;
}
