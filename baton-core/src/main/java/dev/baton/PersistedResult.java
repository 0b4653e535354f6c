package dev.baton;

/**
 * A result written to result storage: where it is, and how to read it back. The completed
 * state of a run with a persisted result carries one, so {@link State#result()} works on the
 * run's record after the fact, in another thread or after the futures are gone.
 */
public interface PersistedResult {

    /** Where the result is stored (a path under the result storage directory). */
    String location();

    /** The name of the serializer that wrote it ({@code json}, {@code java}). */
    String serializer();

    /**
     * Reads the value back.
     *
     * @throws ResultSerializationException if it cannot be read back
     */
    Object load();
}
