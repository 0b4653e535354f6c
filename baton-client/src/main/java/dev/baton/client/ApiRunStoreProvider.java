package dev.baton.client;

import dev.baton.spi.RunStore;
import dev.baton.spi.RunStoreProvider;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Makes {@link ApiRunStore} the process's run store when {@code BATON_API_URL} is set
 * (registered for {@link java.util.ServiceLoader}; it then takes precedence over the database
 * store). Its heartbeat interval is {@value ApiSettings#HEARTBEAT_INTERVAL_ENVIRONMENT}, as for
 * the database store (default 5 s): keep it well below the server's crash timeout. What it could
 * not deliver by exit ({@value ApiSettings#DELIVERY_TIMEOUT_ENVIRONMENT}, default 5 s) waits in
 * {@code BATON_HOME/spool} for the next process in client mode.
 */
public final class ApiRunStoreProvider implements RunStoreProvider {
    /** Where, under {@code BATON_HOME}, run events not delivered at exit wait for the next process. */
    public static final String SPOOL_DIRECTORY = "spool";

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
        ApiRunStore.Options defaults = ApiRunStore.Options.defaults();
        Duration heartbeat = ApiSettings.heartbeatInterval(defaults.heartbeatInterval());
        Duration delivery = ApiSettings.deliveryTimeout(defaults.deliveryTimeout());
        ApiRunStore store = ApiRunStore.open(settings, new ApiRunStore.Options(defaults.capacity(), delivery,
                heartbeat, defaults.maxBackoff(), batonHome.resolve(SPOOL_DIRECTORY)));
        ApiRunStore.LOG.debug("Reporting runs to the Baton API server at {}", settings.url());
        return store;
    }
}
