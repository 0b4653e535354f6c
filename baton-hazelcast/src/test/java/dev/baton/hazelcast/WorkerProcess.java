package dev.baton.hazelcast;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A worker JVM started the way {@code ./baton worker hazelcast} starts one: {@link HazelcastWorker}'s
 * main, its own process, on 127.0.0.1. Tests stop it with {@link #close()} (destroyForcibly).
 */
final class WorkerProcess implements AutoCloseable {
    final Process process;
    final String address;
    final Path output;

    private WorkerProcess(Process process, String address, Path output) {
        this.process = process;
        this.address = address;
        this.output = output;
    }

    /** This JVM's class path: the test classes included. */
    static String testClassPath() {
        return System.getProperty("java.class.path");
    }

    /** This JVM's class path without the test classes: Baton and Hazelcast only. */
    static String classPathWithoutTests() {
        return Arrays.stream(testClassPath().split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Starts a worker of {@code cluster} on a free port, joining {@code members} (none: it forms the cluster). */
    static WorkerProcess start(String cluster, String classPath, List<String> members, String... extraArgs) throws IOException {
        return startOn("127.0.0.1", cluster, classPath, members, extraArgs);
    }

    /** Starts a worker with {@code --bind host} (none for 127.0.0.1, the default), as {@link #start}. */
    static WorkerProcess startOn(String host, String cluster, String classPath, List<String> members, String... extraArgs)
            throws IOException {
        int port = freePort();
        String address = host + ":" + port;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.forWorker()); // as ./baton worker hazelcast
        command.addAll(List.of("-Xmx256m", "-cp", classPath, HazelcastWorker.class.getName(),
                "--cluster-name", cluster, "--port", String.valueOf(port), "--member", address));
        if (!host.equals("127.0.0.1")) command.addAll(List.of("--bind", host));
        for (String m : members) command.addAll(List.of("--member", m));
        command.addAll(List.of(extraArgs));
        Path output = Files.createTempFile("baton-worker-", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new WorkerProcess(p, address, output);
    }

    /** Waits for the worker's ready line. */
    WorkerProcess awaitReady(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.readString(output).contains(HazelcastWorker.READY)) return this;
            if (!process.isAlive()) throw new IllegalStateException("worker " + address + " exited:\n" + Files.readString(output));
            Thread.sleep(50);
        }
        throw new IllegalStateException("worker " + address + " not ready in " + seconds + " s:\n" + Files.readString(output));
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(output);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops every worker, even if stopping one fails. */
    static void closeAll(List<WorkerProcess> workers) {
        for (WorkerProcess w : workers) {
            try {
                w.close();
            } catch (IOException | RuntimeException e) {
                w.process.destroyForcibly();
            }
        }
    }
}
