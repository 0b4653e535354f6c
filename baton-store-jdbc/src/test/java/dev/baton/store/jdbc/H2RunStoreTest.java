package dev.baton.store.jdbc;

/**
 * The store on an H2 file, through an explicit {@code jdbc:h2:} URL: the same migrations and
 * behaviour as on the embedded default (SQLite), which H2 lost to by measurement.
 */
class H2RunStoreTest extends RunStoreContract {

    private String url() {
        return "jdbc:h2:file:" + home.resolve("h2").resolve("baton").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    @Override
    Database database() {
        return new Database(url(), null);
    }

    @Override
    JdbcRunStore.Builder builder() {
        return JdbcRunStore.builder().url(url());
    }
}
