/**
 * The run store in a database: the embedded SQLite database under Baton's home, or PostgreSQL.
 * Flyway has no module name of its own, so it is required by the name its jar gives it.
 */
module dev.baton.store.jdbc {
    requires transitive dev.baton.core;
    requires transitive java.sql;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires flyway.core;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;

    exports dev.baton.store.jdbc;

    provides dev.baton.spi.RunStoreProvider with dev.baton.store.jdbc.JdbcRunStoreProvider;
}
