package dev.baton.internal.store;

import java.nio.file.Path;

/**
 * Makes the process-wide run store: a durable store module registers one under
 * {@code META-INF/services/dev.baton.internal.store.RunStoreProvider}, and the engine opens it
 * on the first flow run of the process. Without one (or if it fails to open) runs are kept
 * in memory.
 */
public interface RunStoreProvider {

    /**
     * Opens the store for this process.
     *
     * @param batonHome the Baton home directory ({@code BATON_HOME}), which may not exist yet
     * @throws Exception if the store cannot be opened; the engine then keeps runs in memory
     */
    RunStore open(Path batonHome) throws Exception;
}
