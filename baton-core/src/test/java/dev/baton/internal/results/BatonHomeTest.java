package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BatonHomeTest {
    private static final UnaryOperator<String> NONE = name -> null;

    private static UnaryOperator<String> props(Map<String, String> values) {
        return values::get;
    }

    @Test
    void thePropertyWins() {
        Path home = BatonHome.path(props(Map.of("baton.home", "/opt/baton", "user.home", "/home/u")),
                props(Map.of("BATON_HOME", "/srv/baton")));
        assertThat(home).isEqualTo(Path.of("/opt/baton"));
    }

    @Test
    void thenTheEnvironment() {
        Path home = BatonHome.path(props(Map.of("user.home", "/home/u")), props(Map.of("BATON_HOME", "/srv/baton")));
        assertThat(home).isEqualTo(Path.of("/srv/baton"));
    }

    @Test
    void thenDotBatonInTheUsersHome() {
        assertThat(BatonHome.path(props(Map.of("user.home", "/home/u")), NONE)).isEqualTo(Path.of("/home/u/.baton"));
        assertThat(BatonHome.path(props(Map.of("user.home", "/home/u", "baton.home", " ")), props(Map.of("BATON_HOME", ""))))
                .isEqualTo(Path.of("/home/u/.baton"));
    }

    @Test
    void aLeadingTildeIsTheUsersHome() {
        assertThat(BatonHome.path(props(Map.of("user.home", "/home/u", "baton.home", "~/b")), NONE))
                .isEqualTo(Path.of("/home/u/b"));
    }

    @Test
    void readsTheRealSystemProperty() {
        String before = System.getProperty("baton.home");
        System.setProperty("baton.home", "/tmp/baton-home-test");
        try {
            assertThat(BatonHome.path()).isEqualTo(Path.of("/tmp/baton-home-test"));
        } finally {
            if (before == null) System.clearProperty("baton.home");
            else System.setProperty("baton.home", before);
        }
    }

    @Test
    void namesItsDirectoriesWithoutCreatingThem() {
        Path home = Path.of("/nonexistent/baton");
        assertThat(BatonHome.resultsDirectory(home)).isEqualTo(Path.of("/nonexistent/baton/results"));
        assertThat(BatonHome.cacheDirectory(home)).isEqualTo(Path.of("/nonexistent/baton/cache"));
        assertThat(home).doesNotExist();
    }
}
