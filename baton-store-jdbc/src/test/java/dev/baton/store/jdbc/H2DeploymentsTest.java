package dev.baton.store.jdbc;

/** Deployments in an H2 file, through an explicit {@code jdbc:h2:} URL. */
class H2DeploymentsTest extends DeploymentsContract {
    @Override
    String url() {
        return "jdbc:h2:file:" + home.resolve("h2").resolve("baton").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }
}
