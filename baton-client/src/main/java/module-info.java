/** Client mode: flows record their runs on a Baton API server ({@code BATON_API_URL}). */
module dev.baton.client {
    requires transitive dev.baton.core;
    requires java.net.http;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports dev.baton.client;

    provides dev.baton.spi.RunStoreProvider with dev.baton.client.ApiRunStoreProvider;
}
