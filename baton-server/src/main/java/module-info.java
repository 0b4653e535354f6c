/** The API server: the run history, set_state, concurrency limits and deployments over HTTP, for client mode and the CLI. */
module dev.baton.server {
    requires transitive dev.baton.core;
    requires dev.baton.store.jdbc;
    requires io.javalin;
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires static org.jspecify;

    exports dev.baton.server;
}
