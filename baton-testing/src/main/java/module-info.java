/** Testing flows with JUnit 5: {@code @BatonTest}, a fake clock, and assertions on recorded runs. */
module dev.baton.testing {
    requires transitive dev.baton.core;
    requires transitive org.junit.jupiter.api;

    exports dev.baton.testing;
}
