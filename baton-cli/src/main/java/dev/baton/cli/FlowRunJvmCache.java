package dev.baton.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An ahead-of-time cache for the JVMs a worker starts, one per flow run (Java 25 and later, JEP 514):
 * the first of them records what it loads and the JDK writes a cache of it as that JVM exits; the
 * later ones start from it, their classes loaded and linked already. One cache per JDK and class
 * path, under {@code BATON_HOME/aot}; none when the class path holds a directory (the JDK caches
 * classes from jars only) or the JDK is older, and then the JVMs start as before.
 */
final class FlowRunJvmCache {
    /** The JDK's own notes about a cache (it fell back to a normal start, or made one), kept out of the output. */
    private static final List<String> QUIET = List.of("-Xlog:aot=off", "-Xlog:cds=off");

    private final Path file; // null: no cache
    private final Path making;

    private FlowRunJvmCache(Path file) {
        this.file = file;
        this.making = file == null ? null : file.resolveSibling(file.getFileName() + ".making");
    }

    /** The cache for JVMs of {@code classPath} on this JDK, under {@code home}. */
    static FlowRunJvmCache of(Path home, String classPath) {
        if (Runtime.version().feature() < 25 || Boolean.getBoolean("baton.worker.aotCache.off")) {
            return new FlowRunJvmCache(null);
        }
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && !entry.endsWith(".jar")) return new FlowRunJvmCache(null);
        }
        String key = hex(Runtime.version() + "\n" + System.getProperty("java.home") + "\n" + classPath);
        return new FlowRunJvmCache(home.resolve("aot").resolve("flow-run-" + key.substring(0, 16) + ".aot"));
    }

    /**
     * The JVM options of the next flow-run JVM: start from the cache if it is there; else, if no
     * other JVM is making it, make it (the options say where; {@link #made} moves it into place).
     */
    List<String> options() {
        if (file == null) return List.of();
        if (Files.isRegularFile(file)) return concat("-XX:AOTCache=" + file);
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(making); // only one JVM makes it
        } catch (IOException alreadyMaking) {
            return List.of();
        }
        return concat("-XX:AOTCacheOutput=" + unfinished());
    }

    /** Called when a JVM given {@link #options()} has exited: a cache it made is put in place. */
    void made(List<String> options) {
        if (file == null || options.isEmpty() || !options.get(0).startsWith("-XX:AOTCacheOutput=")) return;
        try {
            if (Files.isRegularFile(unfinished()) && Files.size(unfinished()) > 0) {
                Files.move(unfinished(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // no cache: the next JVM tries again
        } finally {
            try {
                Files.deleteIfExists(unfinished());
                Files.deleteIfExists(making);
            } catch (IOException ignored) {
                // left behind: a later worker finds the marker and starts JVMs without a cache
            }
        }
    }

    private Path unfinished() {
        return file.resolveSibling(file.getFileName() + ".unfinished");
    }

    private static List<String> concat(String option) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(option), QUIET.stream()).toList();
    }

    private static String hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
