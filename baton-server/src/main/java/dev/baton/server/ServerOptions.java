package dev.baton.server;

import dev.baton.BatonRuntime;
import dev.baton.store.jdbc.CrashDetector;
import dev.baton.store.jdbc.JdbcRunStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to start an {@link ApiServer}: where it listens, which database it serves, the API key it
 * requires and how large a request may be. Immutable; made by {@link #builder()} or, with the
 * environment's settings, {@link #fromEnvironment()}.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().port(0).batonHome(tempDir).build();
 * try (ApiServer server = ApiServer.start(options)) {
 *     System.out.println("BATON_API_URL=" + server.url());
 * }
 * }</pre>
 */
public final class ServerOptions {
    /** The host listened on by default: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port listened on by default, as Prefect's. */
    public static final int DEFAULT_PORT = 4200;
    /** The largest body of {@code POST /api/events} and {@code POST /api/logs} by default: 16 MiB. */
    public static final long DEFAULT_MAX_EVENTS_BODY = 16L << 20;
    /** The largest body of every other request by default: 1 MiB. */
    public static final long DEFAULT_MAX_BODY = 1L << 20;
    /** How long a task run refused a concurrency slot is told to wait before asking again, by default. */
    public static final Duration DEFAULT_SLOT_RETRY = Duration.ofSeconds(1);
    /** The environment variable holding the API key the server requires. */
    public static final String API_KEY_ENVIRONMENT = "BATON_API_KEY";

    private final String host;
    private final int port;
    private final String databaseUrl;
    private final String databaseSchema;
    private final Path batonHome;
    private final String apiKey;
    private final long maxBody;
    private final long maxEventsBody;
    private final Duration slotRetry;
    private final Duration crashTimeout;

    private ServerOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.databaseUrl = b.databaseUrl;
        this.databaseSchema = b.databaseSchema;
        this.batonHome = b.batonHome;
        this.apiKey = b.apiKey;
        this.maxBody = b.maxBody;
        this.maxEventsBody = b.maxEventsBody;
        this.slotRetry = b.slotRetry;
        this.crashTimeout = b.crashTimeout;
    }

    /** A builder with every default: 127.0.0.1:4200, the embedded database under the Baton home, no API key. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults with what the environment sets: the database from {@code BATON_DATABASE_URL}
     * (else the embedded one under {@code BATON_HOME}), the API key from {@code BATON_API_KEY} and
     * the crash timeout from {@code BATON_CRASH_TIMEOUT}.
     *
     * @throws IllegalArgumentException if {@code BATON_CRASH_TIMEOUT} is not a positive duration, saying so
     */
    public static Builder fromEnvironment() {
        Builder b = new Builder().databaseUrl(JdbcRunStore.configuredUrl()).crashTimeout(CrashDetector.configuredTimeout());
        String key = System.getenv(API_KEY_ENVIRONMENT);
        if (key != null && !key.isBlank()) b.apiKey(key.strip());
        return b;
    }

    public String host() {
        return host;
    }

    /** The port to listen on; 0 lets the system pick a free one (see {@link ApiServer#port()}). */
    public int port() {
        return port;
    }

    /** The JDBC URL of the database, or null for the embedded database under {@link #batonHome()}. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** The schema the tables live in, or null for the connection's default. */
    public String databaseSchema() {
        return databaseSchema;
    }

    public Path batonHome() {
        return batonHome;
    }

    /** True when requests need the API key. */
    public boolean requiresApiKey() {
        return apiKey != null;
    }

    String apiKey() {
        return apiKey;
    }

    public long maxBody() {
        return maxBody;
    }

    public long maxEventsBody() {
        return maxEventsBody;
    }

    public Duration slotRetry() {
        return slotRetry;
    }

    /**
     * How long a flow run reported here may go unheard of (no heartbeat, no state) before the
     * server marks it CRASHED, with its unfinished task runs.
     */
    public Duration crashTimeout() {
        return crashTimeout;
    }

    @Override
    public String toString() {
        return "ServerOptions[" + host + ":" + port + ", database " + (databaseUrl == null ? "embedded under "
                + batonHome : databaseUrl.replaceAll("(?i)(password=)[^&;]*", "$1***")) + (apiKey == null ? ""
                : ", API key required") + "]";
    }

    /** Configures {@link ServerOptions}; every setting has a default. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String databaseUrl;
        private String databaseSchema;
        private Path batonHome = BatonRuntime.defaultHome();
        private String apiKey;
        private long maxBody = DEFAULT_MAX_BODY;
        private long maxEventsBody = DEFAULT_MAX_EVENTS_BODY;
        private Duration slotRetry = DEFAULT_SLOT_RETRY;
        private Duration crashTimeout = CrashDetector.DEFAULT_TIMEOUT;

        private Builder() {}

        /** The host or address to listen on; {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port to listen on, 0 for any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The database (a JDBC URL); null for the embedded database under the Baton home. */
        public Builder databaseUrl(String jdbcUrl) {
            this.databaseUrl = jdbcUrl == null || jdbcUrl.isBlank() ? null : jdbcUrl.strip();
            return this;
        }

        /** The schema of the database to use (made if missing); null for the connection's default. */
        public Builder databaseSchema(String schema) {
            this.databaseSchema = schema;
            return this;
        }

        /** The Baton home, whose embedded database is served when no database URL is given. */
        public Builder batonHome(Path home) {
            this.batonHome = Objects.requireNonNull(home, "home");
            return this;
        }

        /** The API key every request but {@code /api/health} must carry as a bearer token; null for none. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** The largest request body accepted (bytes), except for event and log batches. */
        public Builder maxBody(long bytes) {
            this.maxBody = bytes;
            return this;
        }

        /** The largest body of an event or log batch accepted (bytes). */
        public Builder maxEventsBody(long bytes) {
            this.maxEventsBody = bytes;
            return this;
        }

        /** How long a task run refused a concurrency slot is told to wait before asking again. */
        public Builder slotRetry(Duration wait) {
            this.slotRetry = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /**
         * How long a flow run may go unheard of before it is marked CRASHED (default
         * {@link CrashDetector#DEFAULT_TIMEOUT}). The server starts looking once it has been up
         * this long, so clients that buffered through its restart have reported again first.
         * Keep the clients' heartbeat interval ({@code BATON_HEARTBEAT_INTERVAL}) well below it.
         */
        public Builder crashTimeout(Duration timeout) {
            this.crashTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public ServerOptions build() {
            if (host.isBlank()) throw new IllegalArgumentException("host must not be blank");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 (0: any free port), not " + port);
            }
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("the API key must not be blank (leave it unset for none)");
            }
            if (maxBody < 1024 || maxBody > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxBody must be between 1 KiB and 2 GiB, not " + maxBody);
            }
            if (maxEventsBody < 1024 || maxEventsBody > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxEventsBody must be between 1 KiB and 2 GiB, not " + maxEventsBody);
            }
            if (slotRetry.isNegative()) throw new IllegalArgumentException("slotRetry must not be negative");
            if (crashTimeout.isNegative() || crashTimeout.isZero()) {
                throw new IllegalArgumentException("crashTimeout must be positive (e.g. 30s), not " + crashTimeout);
            }
            return new ServerOptions(this);
        }
    }
}
