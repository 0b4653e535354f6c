package dev.baton.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started by a fault test on the test's own class path: its stdout read line by line in the
 * background, its stderr in a file; killed with SIGKILL ({@link #kill9}), as a machine or an
 * operator would.
 */
final class Proc {
    /** Generous: these JVMs start on a shared, loaded machine. */
    static final Duration DEADLINE = Duration.ofSeconds(180);

    final String name;
    final Process process;
    private final Path err;
    private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Proc(String name, Process process, Path err) {
        this.name = name;
        this.process = process;
        this.err = err;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    unread.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
    }

    /** Starts {@code mainClass args} in a new JVM, with {@code env} added to a clean Baton environment. */
    static Proc start(Path logs, String name, Map<String, String> env, String mainClass, String... args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Path err = Files.createDirectories(logs).resolve(name + ".stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
        pb.environment().putAll(env);
        return new Proc(name, pb.start(), err);
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    String awaitLine(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? unread.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS) : null;
            if (line != null && line.startsWith(prefix)) return line;
            if (line == null && (left <= 0 || !process.isAlive() && unread.isEmpty())) {
                throw new AssertionError(name + " printed no line '" + prefix + "...'; " + describe());
            }
        }
    }

    /** Every line printed so far that starts with {@code prefix}, without it. */
    List<String> values(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not exit within " + DEADLINE + "; " + describe());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.exists(err) ? Files.readString(err) : "";
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    String describe() {
        String e = stderr();
        return "stdout (last lines): " + lines.subList(Math.max(0, lines.size() - 20), lines.size())
                + "\nstderr (last 4000 chars): " + e.substring(Math.max(0, e.length() - 4000));
    }

    /** kill -9, and waits until the process is gone. */
    void kill9() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " survived kill -9");
    }
}
