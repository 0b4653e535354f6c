package dev.baton.store.jdbc;

/** The run history on the embedded database (SQLite), a file in a fresh Baton home per test. */
class EmbeddedRunHistoryTest extends RunHistoryContract {
    @Override
    String url() {
        return Database.embeddedUrl(home);
    }
}
