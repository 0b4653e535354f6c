package dev.baton.cli;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A command's {@code --class-path}: the user's jars and class directories holding their flows. */
final class UserClassPath {
    private UserClassPath() {}

    /**
     * The entries of {@code classPath} (separated by ':' as in {@code java -cp}; null: none) as
     * absolute URLs, for a class loader.
     *
     * @throws CommandFailure if an entry does not exist, naming it
     */
    static URL[] urls(String classPath) {
        List<URL> urls = new ArrayList<>();
        if (classPath == null || classPath.isBlank()) return new URL[0];
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry);
            if (!Files.exists(p)) throw new CommandFailure("--class-path: " + p + " does not exist");
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new CommandFailure("--class-path: " + p + " is not a usable path: " + e.getMessage());
            }
        }
        return urls.toArray(URL[]::new);
    }
}
