/** The {@code baton} command line: running flows and scripts, inspecting runs, the server and workers. */
module dev.baton.cli {
    requires dev.baton.core;
    requires dev.baton.hazelcast;
    requires dev.baton.store.jdbc;
    requires dev.baton.server;
    requires dev.baton.client;
    requires info.picocli;
    requires java.compiler;
    requires jdk.compiler;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports dev.baton.cli;
    // picocli reads the commands' annotated fields
    opens dev.baton.cli to info.picocli;
}
