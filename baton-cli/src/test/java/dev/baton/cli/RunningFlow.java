package dev.baton.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link FlowProcess} JVM recording under a Baton home, its flow run blocked in a task run:
 * what the tests of {@code flow-run ls} after {@code kill -9} and of {@code flow-run cancel} act on.
 */
final class RunningFlow implements AutoCloseable {
    private final Process process;
    private final Path out, err;

    private RunningFlow(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts the JVM recording under {@code home}, its heartbeat every {@code heartbeat}, with
     * {@code environment} added, and waits until its task run {@code block-0} runs.
     */
    static RunningFlow start(Path home, Duration heartbeat, Map<String, String> environment) throws Exception {
        Path dir = Files.createTempDirectory(home.getParent(), "flow-process-");
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FlowProcess.class.getName()).redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String name : new String[] {"BATON_DATABASE_URL", "BATON_API_URL", "BATON_API_KEY"}) {
            pb.environment().remove(name);
        }
        pb.environment().put("BATON_HOME", home.toString());
        pb.environment().put("BATON_HEARTBEAT_INTERVAL", heartbeat.toMillis() + "ms");
        pb.environment().putAll(environment);
        RunningFlow flow = new RunningFlow(pb.start(), out, err);
        flow.await("its task run block-0 running", () -> flow.stdout().contains("blocked") ? Optional.of(true)
                : Optional.empty());
        return flow;
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** Kills the JVM with {@code kill -9} and waits until it is gone. */
    void kill9() throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new AssertionError("kill -9 failed");
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the flow's JVM outlived kill -9");
    }

    /** Waits for the JVM to end by itself (within 60 s); its exit code. */
    int awaitExit() throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the flow's JVM did not end within 60 s; stdout:\n" + stdout() + "\nstderr:\n"
                    + stderr());
        }
        return process.exitValue();
    }

    /** Polls {@code probe} until it answers, for at most 60 s; fails early if the JVM died first. */
    <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " within 60 s; the flow's JVM " + (process.isAlive() ? "runs"
                : "exited " + process.exitValue()) + "; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
