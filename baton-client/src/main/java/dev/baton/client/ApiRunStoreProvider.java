package dev.baton.client;

import dev.baton.internal.store.RunStore;
import dev.baton.internal.store.RunStoreProvider;

import java.nio.file.Path;

/**
 * Makes {@link ApiRunStore} the process's run store when {@code BATON_API_URL} is set
 * (registered for {@link java.util.ServiceLoader}; it then takes precedence over the database
 * store).
 */
public final class ApiRunStoreProvider implements RunStoreProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public ApiRunStoreProvider() {}

    @Override
    public int precedence() {
        return ApiSettings.fromEnvironment() == null ? -1 : 100;
    }

    @Override
    public RunStore open(Path batonHome) {
        ApiSettings settings = ApiSettings.fromEnvironment();
        if (settings == null) throw new IllegalStateException("BATON_API_URL is not set");
        ApiRunStore store = ApiRunStore.open(settings);
        ApiRunStore.LOG.debug("Reporting runs to the Baton API server at {}", settings.url());
        return store;
    }
}
