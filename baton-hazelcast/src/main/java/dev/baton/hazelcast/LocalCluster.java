package dev.baton.hazelcast;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs on this machine, like Dask's LocalCluster: started with this JVM's class path,
 * joined over 127.0.0.1 under a cluster name of their own, and stopped on {@link #close()} (or
 * when this JVM exits).
 */
final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    /** What Hazelcast asks of a member's JVM on Java 17+, so it neither warns nor falls back. */
    static final List<String> HAZELCAST_JVM_OPTIONS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    /**
     * How a worker's JIT works: straight to the optimizing compiler, without the tiers in between.
     * A worker calls its messaging code tens of times a second while its task runs take the CPU;
     * tiered compilation would keep that code in profiling tiers for minutes, compiling it again
     * and again, with compiler threads taking the cores from the task runs. Measured on two
     * workers of CPU-bound task runs: about 5% more speed, and no slower start. A worker's own
     * {@code jvmOptions} come after, so {@code -XX:+TieredCompilation} there restores tiers.
     */
    static final List<String> WORKER_JIT_OPTIONS = List.of("-XX:-TieredCompilation");

    private final String clusterName;
    private final List<Process> workers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "baton-local-cluster-stop");

    private LocalCluster(String clusterName) {
        this.clusterName = clusterName;
    }

    /**
     * Starts the worker JVMs; they join each other (and are ready for a client) a few seconds
     * later. Their output goes to this process's, as a terminal shows a Dask LocalCluster's.
     */
    static LocalCluster start(String clusterName, int workers, int threadsPerWorker, List<String> jvmOptions,
                              List<String> allowedPrefixes) {
        LocalCluster cluster = new LocalCluster(clusterName);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            List<Integer> ports = freePorts(workers);
            for (int port : ports) cluster.addresses.add("127.0.0.1:" + port);
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                List<String> command = new ArrayList<>();
                command.add(javaCommand());
                command.addAll(HAZELCAST_JVM_OPTIONS);
                if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
                command.addAll(WORKER_JIT_OPTIONS);
                command.addAll(jvmOptions);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), HazelcastWorker.class.getName(),
                        "--cluster-name", clusterName, "--port", String.valueOf(port), "--threads", String.valueOf(threadsPerWorker)));
                // the first worker forms the cluster at once, the others join it: a member told of
                // addresses not up yet tries them for seconds before it forms a cluster alone
                for (String a : i == 0 ? cluster.addresses.subList(0, 1) : cluster.addresses) command.addAll(List.of("--member", a));
                for (String p : allowedPrefixes) command.addAll(List.of("--allow", p));
                LOG.debug("starting worker: {}", command);
                cluster.workers.add(new ProcessBuilder(command).inheritIO().start());
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("Could not start the worker JVMs of a local Hazelcast cluster: " + e.getMessage(), e);
        }
    }

    /** Why the cluster cannot become ready: a worker that exited already, or null. */
    String deadWorker() {
        for (int i = 0; i < workers.size(); i++) {
            Process p = workers.get(i);
            if (!p.isAlive()) {
                return "the worker on " + addresses.get(i) + " exited with status " + p.exitValue() + " (its output is above)";
            }
        }
        return null;
    }

    List<String> addresses() {
        return addresses;
    }

    String clusterName() {
        return clusterName;
    }

    /** True while at least one worker process is alive. */
    boolean anyAlive() {
        for (Process p : workers) if (p.isAlive()) return true;
        return false;
    }

    /** Completes once every worker process has exited. */
    CompletableFuture<Void> allExited() {
        return CompletableFuture.allOf(workers.stream().map(Process::onExit).toArray(CompletableFuture[]::new));
    }

    List<Process> processes() {
        return List.copyOf(workers);
    }

    @Override
    public void close() {
        for (Process p : workers) p.destroy();
        for (Process p : workers) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what called us
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for a worker", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
