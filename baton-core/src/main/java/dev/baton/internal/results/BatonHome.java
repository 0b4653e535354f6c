package dev.baton.internal.results;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where Baton keeps its files: the system property {@code baton.home} if set, else the
 * environment variable {@code BATON_HOME}, else {@code ~/.baton}. Nothing here creates a
 * directory; whoever writes creates what it needs, so merely running flows without persisted
 * results or caching leaves no trace.
 */
public final class BatonHome {

    /** The system property naming the home directory; wins over the environment. */
    public static final String PROPERTY = "baton.home";

    /** The environment variable naming the home directory. */
    public static final String ENVIRONMENT = "BATON_HOME";

    private BatonHome() {}

    /** The home directory, from the property, the environment or the default. */
    public static Path path() {
        return path(System::getProperty, System::getenv);
    }

    /** {@link #path()} with the property and environment look-ups given, for tests. */
    static Path path(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String home = properties.apply(PROPERTY);
        if (isBlank(home)) home = environment.apply(ENVIRONMENT);
        String user = properties.apply("user.home");
        if (isBlank(home)) return Path.of(user, ".baton");
        // "-Dbaton.home=~/x" reaches us unexpanded: no shell sees a system property.
        if (home.equals("~") || home.startsWith("~/")) return Path.of(user + home.substring(1));
        return Path.of(home);
    }

    /** Where persisted results live: {@code <home>/results}. */
    public static Path resultsDirectory(Path home) {
        return home.resolve("results");
    }

    /** Where cache entries live: {@code <home>/cache}. */
    public static Path cacheDirectory(Path home) {
        return home.resolve("cache");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
