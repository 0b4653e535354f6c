package dev.baton.store.jdbc;

/** Deployments in the embedded database (SQLite), a file in a fresh Baton home per test. */
class EmbeddedDeploymentsTest extends DeploymentsContract {
    @Override
    String url() {
        return Database.embeddedUrl(home);
    }
}
