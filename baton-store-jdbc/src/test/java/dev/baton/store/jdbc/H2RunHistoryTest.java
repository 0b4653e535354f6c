package dev.baton.store.jdbc;

/** The run history on an H2 file, through an explicit {@code jdbc:h2:} URL. */
class H2RunHistoryTest extends RunHistoryContract {
    @Override
    String url() {
        return "jdbc:h2:file:" + home.resolve("h2").resolve("baton").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }
}
