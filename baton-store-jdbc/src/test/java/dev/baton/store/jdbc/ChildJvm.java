package dev.baton.store.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
 * A JVM a test starts on its own class path, as a user's process: its stdout read line by line in
 * the background, its stderr in a file, lines sent to its stdin; killed with SIGKILL
 * ({@link #kill9}) as a machine or an operator would, or sent Ctrl-C. Shared by the tests of the
 * client and the fault tests (this module's test jar).
 */
public final class ChildJvm {
    /** Generous: these JVMs start on a shared, loaded machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(180);

    public final String name;
    public final Process process;
    private final Path err;
    private final Writer in;
    private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(String name, Process process, Path err) {
        this.name = name;
        this.process = process;
        this.err = err;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
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

    /**
     * Starts {@code java [options] mainClass [args]} ({@code command}, as after {@code java} on a
     * command line) with its stderr in {@code logs/<name>.stderr.txt}, every {@code BATON_*}
     * variable of this JVM's environment left out and {@code env} added.
     */
    public static ChildJvm start(Path logs, String name, Map<String, String> env, String... command)
            throws IOException {
        List<String> line = new ArrayList<>();
        if (sigintIgnored()) {
            // a JVM started with SIGINT ignored (its parent ran it in the background, without job
            // control) passes that on, and a child would never see Ctrl-C: start it with the default
            line.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        }
        line.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        line.addAll(List.of(command));
        Path err = Files.createDirectories(logs).resolve(name + ".stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(line).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
        pb.environment().putAll(env);
        return new ChildJvm(name, pb.start(), err);
    }

    /** Whether this JVM ignores SIGINT (bit 2 of SigIgn in /proc/self/status), as its children then do. */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 2) != 0;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing to correct
        }
        return false;
    }

    /** Sends {@code line} to the process's stdin. */
    public void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    public String awaitLine(String prefix) throws InterruptedException {
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

    /** The value of the first line printed as {@code prefix<value>}. */
    public String value(String prefix) {
        return values(prefix).stream().findFirst().orElseThrow(() -> new AssertionError(name + " printed no "
                + prefix + "; " + describe()));
    }

    /** Every line printed so far that starts with {@code prefix}, without it. */
    public List<String> values(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    /** Every line printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not exit within " + DEADLINE + "; " + describe());
        }
        return process.exitValue();
    }

    public String stderr() {
        try {
            return Files.exists(err) ? Files.readString(err) : "";
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    public String describe() {
        String e = stderr();
        return "stdout (last lines): " + lines.subList(Math.max(0, lines.size() - 20), lines.size())
                + "\nstderr (last 4000 chars): " + e.substring(Math.max(0, e.length() - 4000));
    }

    /** kill -9 (unless it has ended already), and waits until the process is gone. */
    public void kill9() throws Exception {
        if (!process.isAlive()) return;
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " survived kill -9");
    }
}
