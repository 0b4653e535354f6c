package dev.baton.cli;

import dev.baton.client.ApiClient;
import dev.baton.spi.ConfiguredDuration;
import dev.baton.spi.RunHistory;
import dev.baton.store.jdbc.CrashDetector;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Decides where the commands read recorded runs: the API server at {@code BATON_API_URL} when
 * that is set, else the database at {@code BATON_DATABASE_URL}, else the embedded database
 * file under the Baton home, the one flows run with {@code ./baton run} record in.
 *
 * <p>A database is checked for crashed runs first ({@link JdbcRunHistory#markCrashed}, with
 * {@code BATON_CRASH_TIMEOUT}): a flow run whose process was killed shows as Crashed, not as
 * Running. The API server makes that check itself.
 */
final class HistorySource {
    private HistorySource() {}

    static RunHistory open(CliEnvironment env) {
        String api = env.apiUrl();
        if (api != null) return ApiClient.connect(api, env.apiKey());
        String url = env.databaseUrl();
        JdbcRunHistory history = JdbcRunHistory.open(url != null ? url : embeddedUrl(env), null);
        try {
            history.markCrashed(crashTimeout(env));
        } catch (RuntimeException e) {
            history.close();
            throw e;
        }
        return history;
    }

    /** {@code BATON_CRASH_TIMEOUT}, else the default (30 s), as the flows' processes and the server take it. */
    static Duration crashTimeout(CliEnvironment env) {
        String value = env.variable(CrashDetector.TIMEOUT_ENVIRONMENT);
        return value == null ? CrashDetector.DEFAULT_TIMEOUT
                : ConfiguredDuration.parse(CrashDetector.TIMEOUT_ENVIRONMENT, value);
    }

    /** The embedded database's URL under the Baton home, the directory made if missing. */
    static String embeddedUrl(CliEnvironment env) {
        Path home = env.home();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new CommandFailure("Cannot use the Baton home " + home + ": " + e.getMessage()
                    + " (set BATON_HOME to a writable directory)");
        }
        return JdbcRunStore.embeddedUrl(home);
    }

    /** The database the server commands administer: {@code BATON_DATABASE_URL}, else the embedded file. */
    static String databaseUrl(CliEnvironment env) {
        String url = env.databaseUrl();
        return url != null ? url : embeddedUrl(env);
    }
}
