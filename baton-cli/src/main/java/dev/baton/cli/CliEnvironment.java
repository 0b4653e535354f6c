package dev.baton.cli;

import dev.baton.client.ApiSettings;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a command reads from its surroundings: environment variables ({@code BATON_HOME},
 * {@code BATON_DATABASE_URL}, {@code BATON_API_URL}, {@code BATON_API_KEY}, {@code NO_COLOR}),
 * the system properties that override them ({@code baton.home}, {@code baton.database.url},
 * {@code baton.api.url}, {@code baton.api.key}), and whether a terminal is attached. Given as a
 * value, so tests run commands in-process against an environment of their own.
 */
record CliEnvironment(Map<String, String> variables, Map<String, String> properties, boolean terminal) {
    static final String HOME_PROPERTY = "baton.home";
    static final String DATABASE_URL_PROPERTY = "baton.database.url";

    CliEnvironment {
        variables = Map.copyOf(variables);
        properties = Map.copyOf(properties);
    }

    /** This process's environment, system properties and console. */
    static CliEnvironment system() {
        Properties p = System.getProperties();
        Map<String, String> properties = new HashMap<>();
        for (String name : p.stringPropertyNames()) properties.put(name, p.getProperty(name));
        return new CliEnvironment(System.getenv(), properties, terminalAttached());
    }

    /** Only these variables, no terminal, the user's home from this JVM. */
    static CliEnvironment of(Map<String, String> variables) {
        return new CliEnvironment(variables, Map.of("user.home", System.getProperty("user.home")), false);
    }

    /** The variable's value, or null when unset or blank. */
    String variable(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private String property(String name) {
        String v = properties.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** {@code baton.api.url} or {@code BATON_API_URL}, or null: the commands then read the database themselves. */
    String apiUrl() {
        String url = property(ApiSettings.URL_PROPERTY);
        return url != null ? url : variable(ApiSettings.URL_ENVIRONMENT);
    }

    /** {@code baton.api.key} or {@code BATON_API_KEY}, or null. */
    String apiKey() {
        String key = property(ApiSettings.KEY_PROPERTY);
        return key != null ? key : variable(ApiSettings.KEY_ENVIRONMENT);
    }

    /** The database URL from {@code baton.database.url} or {@code BATON_DATABASE_URL}; null: the embedded file. */
    String databaseUrl() {
        String url = property(DATABASE_URL_PROPERTY);
        return url != null ? url : variable("BATON_DATABASE_URL");
    }

    /** The Baton home: {@code baton.home}, else {@code BATON_HOME}, else {@code ~/.baton}. */
    Path home() {
        String home = property(HOME_PROPERTY);
        if (home == null) home = variable("BATON_HOME");
        String user = properties.getOrDefault("user.home", System.getProperty("user.home"));
        if (home == null) return Path.of(user, ".baton");
        if (home.equals("~") || home.startsWith("~/")) return Path.of(user + home.substring(1));
        return Path.of(home);
    }

    /** Whether output may be coloured: a terminal, {@code NO_COLOR} unset, no {@code --no-color}. */
    boolean colours(boolean noColorOption) {
        return terminal && !noColorOption && !variables.containsKey("NO_COLOR") && !"dumb".equals(variable("TERM"));
    }

    /** Whether standard output takes Unicode (tree glyphs, ellipses), by its encoding. */
    boolean unicode() {
        String encoding = properties.get("stdout.encoding");
        return encoding == null || encoding.toUpperCase(java.util.Locale.ROOT).startsWith("UTF");
    }

    /**
     * True when standard input and output are a terminal. From JDK 22, {@link System#console()}
     * is there even when output is redirected, and {@code Console.isTerminal()} tells.
     */
    private static boolean terminalAttached() {
        Console console = System.console();
        if (console == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console means a terminal
        }
    }
}
