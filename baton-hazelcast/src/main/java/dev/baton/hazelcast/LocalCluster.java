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
 * listening on 127.0.0.1 only, joined under a random cluster name of their own, and stopped on
 * {@link #close()} (or when this JVM exits). The name is the cluster's only password (Hazelcast's
 * open-source transport has no authentication), so it reaches the workers through their
 * environment, which only this user can read, not their command lines, which {@code ps} shows to all. On Java 25 and later they start from an ahead-of-time cache of their
 * classes once one is made ({@link WorkerAotCache}).
 */
final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private final ClusterName clusterName;
    private final List<Process> workers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "baton-local-cluster-stop");
    private final WorkerAotCache aotCache;

    private LocalCluster(ClusterName clusterName, WorkerAotCache aotCache) {
        this.clusterName = clusterName;
        this.aotCache = aotCache;
    }

    /**
     * Starts the worker JVMs; they join each other (and are ready for a client) a few seconds
     * later. Their output goes to this process's, as a terminal shows a Dask LocalCluster's.
     */
    static LocalCluster start(int workers, int threadsPerWorker, List<String> jvmOptions, List<String> allowedPrefixes) {
        List<String> options = new ArrayList<>(JvmOptions.forWorker());
        options.addAll(jvmOptions); // after ours, so they win
        WorkerAotCache aot = WorkerAotCache.forThisJvm(options);
        LocalCluster cluster = new LocalCluster(ClusterName.random(), aot);
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
                        "--port", String.valueOf(port), "--threads", String.valueOf(threadsPerWorker)));
                // the first worker forms the cluster at once, the others join it: a member told of
                // addresses not up yet tries them for seconds before it forms a cluster alone
                for (String a : i == 0 ? cluster.addresses.subList(0, 1) : cluster.addresses) command.addAll(List.of("--member", a));
                for (String p : allowedPrefixes) command.addAll(List.of("--allow", p));
                LOG.debug("starting worker: {}", command);
                ProcessBuilder worker = new ProcessBuilder(command).inheritIO();
                worker.environment().put(ClusterName.ENVIRONMENT, cluster.clusterName.value());
                cluster.workers.add(worker.start());
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

    /** The cluster's secret name, for the client that connects to it. */
    String clusterName() {
        return clusterName.value();
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
     * Stops every worker at once, and kills one that has not exited after 5 s. Hazelcast members
     * learn that a member left only by failing to reconnect to it, and the fifth failure (after
     * about half a second) logs a WARN ("Removing connection to endpoint ... Connection refused")
     * on every member still running, however orderly the leaving was. Stopped together (and, as
     * lite members, with nothing to hand over), every worker closes its connections within a few
     * milliseconds of the others: none is left running to fail five times. Stopped one at a time,
     * each stayed up long enough after the previous one left to log it about every other run.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        for (Process p : workers) p.destroy();
        for (Process p : workers) {
            if (interrupted) {
                p.destroyForcibly();
                continue;
            }
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
