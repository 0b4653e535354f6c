package dev.baton.spi;

import java.nio.file.Path;

/**
 * Makes the process-wide run store: a durable store module registers one under
 * {@code META-INF/services/dev.baton.spi.RunStoreProvider}, and the engine opens it
 * on the first flow run of the process. Without one (or if it fails to open) runs are kept
 * in memory. When several are on the class path, the one with the highest {@link #precedence()}
 * opens the store: a provider that needs configuration (an API URL) declines until it is set.
 */
public interface RunStoreProvider {

    /**
     * How much this provider wants to make the store now: the highest wins; negative if it
     * does not apply (its configuration is not set). The database store answers 0.
     */
    default int precedence() {
        return 0;
    }

    /**
     * Opens the store for this process.
     *
     * @param batonHome the Baton home directory ({@code BATON_HOME}), which may not exist yet
     * @throws Exception if the store cannot be opened; the engine then keeps runs in memory
     */
    RunStore open(Path batonHome) throws Exception;
}
