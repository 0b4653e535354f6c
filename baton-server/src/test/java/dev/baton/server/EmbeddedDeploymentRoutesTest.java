package dev.baton.server;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The deployment routes over the embedded database (SQLite under a temporary Baton home). */
class EmbeddedDeploymentRoutesTest extends DeploymentRoutesContract {
    @TempDir
    Path home;

    @Override
    ServerOptions.Builder options() {
        return ServerOptions.builder().batonHome(home);
    }
}
