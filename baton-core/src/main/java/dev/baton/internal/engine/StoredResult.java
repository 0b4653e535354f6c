package dev.baton.internal.engine;

import dev.baton.PersistedResult;
import dev.baton.internal.results.ResultRef;
import dev.baton.internal.results.ResultStore;

/** A persisted result as a completed state carries it: the reference, and the store to read it from. */
record StoredResult(ResultStore store, ResultRef ref) implements PersistedResult {
    @Override
    public String location() {
        return store.file(ref).toString();
    }

    @Override
    public String serializer() {
        return ref.serializer();
    }

    @Override
    public Object load() {
        return store.read(ref);
    }

    @Override
    public String toString() {
        return "PersistedResult[" + ref + "]";
    }
}
