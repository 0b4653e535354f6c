package dev.baton.server;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The API server over the embedded database (SQLite under a temporary Baton home). */
class EmbeddedApiServerTest extends ApiServerContract {
    @TempDir
    Path home;

    @Override
    ServerOptions.Builder options() {
        return ServerOptions.builder().batonHome(home);
    }
}
