/**
 * Baton's engine: the API users write flows and tasks with ({@code dev.baton}), the extension API
 * that run stores, executors and servers are written against ({@code dev.baton.spi},
 * {@code dev.baton.orchestration}, and {@code dev.baton.deploy} for workers and schedulers), and the
 * engine itself, in packages no other module reads.
 */
module dev.baton.core {
    requires transitive org.slf4j;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires static org.jspecify;

    exports dev.baton;
    exports dev.baton.spi;
    exports dev.baton.orchestration;
    exports dev.baton.deploy;

    uses dev.baton.spi.RunStoreProvider;
}
