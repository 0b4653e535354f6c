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
 * when this JVM exits). On Java 25 and later they start from an ahead-of-time cache of their
 * classes once one is made ({@link WorkerAotCache}).
 */
final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private final String clusterName;
    private final List<Process> workers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "baton-local-cluster-stop");
    private final WorkerAotCache aotCache;

    private LocalCluster(String clusterName, WorkerAotCache aotCache) {
        this.clusterName = clusterName;
        this.aotCache = aotCache;
    }

    /**
     * Starts the worker JVMs; they join each other (and are ready for a client) a few seconds
     * later. Their output goes to this process's, as a terminal shows a Dask LocalCluster's.
     */
    static LocalCluster start(String clusterName, int workers, int threadsPerWorker, List<String> jvmOptions,
                              List<String> allowedPrefixes) {
        List<String> options = new ArrayList<>(JvmOptions.forWorker());
        options.addAll(jvmOptions); // after ours, so they win
        WorkerAotCache aot = WorkerAotCache.forThisJvm(options);
        LocalCluster cluster = new LocalCluster(clusterName, aot);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            List<Integer> ports = freePorts(workers);
            for (int port : ports) cluster.addresses.add("127.0.0.1:" + port);
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                List<String> command = new ArrayList<>();
                command.add(javaCommand());
                command.addAll(aot.options());
                command.addAll(options);
                command.addAll(List.of("-cp", aot.classPath(), HazelcastWorker.class.getName(),
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

    /**
     * Stops the workers one at a time, the last started first: each leaves a cluster that is
     * still whole and whose master (the first worker) stays up until the end, so none of them
     * logs warnings about members that vanish or requests it cannot serve, as they did when all
     * stopped at once. A worker that has not left after 5 s is killed.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        for (Process p : workers.reversed()) {
            if (interrupted) {
                p.destroyForcibly();
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        else aotCache.makeInBackground(javaCommand()); // unless it is there: the next cluster starts faster
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

    static List<Integer> freePorts(int n) {
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
