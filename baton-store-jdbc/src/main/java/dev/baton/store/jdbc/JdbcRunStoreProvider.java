package dev.baton.store.jdbc;

import dev.baton.spi.RunStore;
import dev.baton.spi.RunStoreProvider;

import java.nio.file.Path;

/**
 * Makes {@link JdbcRunStore} the process's run store when this module is on the class path
 * (registered for {@link java.util.ServiceLoader}): {@code BATON_DATABASE_URL} if set, else the
 * embedded database file under the Baton home.
 */
public final class JdbcRunStoreProvider implements RunStoreProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public JdbcRunStoreProvider() {}

    @Override
    public RunStore open(Path batonHome) {
        JdbcRunStore store = JdbcRunStore.open(batonHome);
        BatchWriter.LOG.debug("Recording runs in {}", store.description());
        return store;
    }
}
