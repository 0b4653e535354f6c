package dev.baton.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.Executor;
import dev.baton.FlowRun;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Spreads a flow run's task runs over a Hazelcast cluster, as Prefect's DaskExecutor spreads
 * them over Dask. The engine stays in the flow run's process: it resolves dependencies, ships
 * each ready task run's body call with its argument values to the least loaded worker, and
 * keeps states, retries, timeouts, caching and logs, so the run's history is as complete as
 * with the local executors.
 *
 * <pre>{@code
 * Flow.named("parallel_flow").executor(new HazelcastExecutor()).procedure(...)      // a local cluster per run
 * Flow.named("nightly").executor(HazelcastExecutor.connect("prod", "10.0.0.5:5701")).procedure(...)
 * }</pre>
 *
 * <p>By default ({@code new HazelcastExecutor()}) every flow run starts its own local cluster,
 * like Dask's LocalCluster: worker JVMs with this JVM's class path, listening on 127.0.0.1 only,
 * joined under a random secret cluster name (passed through their environment, not their command
 * lines), stopped when the run ends.
 *
 * <p>Task bodies, their arguments and results travel with Java serialization: they must be
 * {@link java.io.Serializable}, and their classes on the workers' class path and allowed by
 * their deserialization filter. A task run whose worker dies mid-run runs again on another
 * worker, so a task may run more than once; {@code Task.named(...).rerunOnWorkerLoss(false)}
 * makes it crash instead. Hazelcast's open-source transport is not encrypted: run clusters on
 * a private network.
 */
public final class HazelcastExecutor implements Executor {
    private final int workers, threadsPerWorker;
    private final List<String> jvmOptions, allowedPrefixes, members;
    private final String clusterName;
    private final Duration startTimeout;
    /** How long opening a session waits for the client's connections to every member, at most. */
    private static final Duration DIRECT_CONNECTIONS_WAIT = Duration.ofSeconds(2);

    /** A local cluster of two workers per flow run (see {@link #builder()} for more). */
    public HazelcastExecutor() {
        this(builder());
    }

    private HazelcastExecutor(Builder b) {
        this.workers = b.workers;
        this.threadsPerWorker = b.threadsPerWorker > 0 ? b.threadsPerWorker
                : Math.max(1, Runtime.getRuntime().availableProcessors() / b.workers);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.allowedPrefixes = List.copyOf(b.allowedPrefixes.isEmpty() ? defaultAllowedPrefixes() : b.allowedPrefixes);
        this.members = b.members == null ? null : List.copyOf(b.members);
        this.clusterName = b.clusterName;
        this.startTimeout = b.startTimeout;
    }

    /** Options for a local cluster, or for connecting to a running one. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Submits to a running cluster (workers started with {@code ./baton worker hazelcast}) as a
     * client, without starting or stopping anything.
     *
     * @param clusterName the workers' {@code --cluster-name}
     * @param members     one or more worker addresses, {@code host:port}
     */
    public static HazelcastExecutor connect(String clusterName, String... members) {
        return builder().connect(clusterName, members).build();
    }

    @Override
    public String name() {
        return "hazelcast";
    }

    @Override
    public Session open(FlowRun<?> flowRun) {
        if (members == null) {
            LocalCluster cluster = LocalCluster.start(workers, threadsPerWorker, jvmOptions, allowedPrefixes);
            try {
                awaitWorkersListening(cluster);
                HazelcastInstance client = HazelcastClient.newHazelcastClient(ClusterConfigs.client(cluster.clusterName(),
                        cluster.addresses(), allowedPrefixes, startTimeout.toMillis()));
                awaitMembers(client, cluster);
                awaitDirectConnections(client);
                // named by its addresses: its name is a secret, and this goes into messages and the run's history
                return new ClusterSession(client, cluster, "the local cluster " + cluster.addresses(), allowedPrefixes);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(ClusterConfigs.client(clusterName, members, allowedPrefixes,
                    startTimeout.toMillis()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("No Hazelcast cluster '" + clusterName + "' reachable at " + members + " within "
                    + startTimeout.toSeconds() + " s (" + e.getMessage() + "). Start workers with ./baton worker hazelcast"
                    + " --cluster-name " + clusterName + ", or check the addresses and the cluster name", e);
        }
        awaitDirectConnections(client);
        // named by its addresses: the name is the cluster's password, and this goes into messages and the run's history
        return new ClusterSession(client, null, "the cluster at " + members, allowedPrefixes);
    }

    /**
     * Waits until every worker accepts connections: the client tries each address it is given at
     * once, and logs a WARN for each that refuses (a JVM still starting).
     */
    private void awaitWorkersListening(LocalCluster cluster) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        int listening = 0;
        while (listening < cluster.addresses().size()) {
            String[] hp = cluster.addresses().get(listening).split(":");
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 200);
                listening++;
            } catch (java.io.IOException e) {
                checkStarting(cluster, deadline, listening); // not listening yet
            }
        }
    }

    private void awaitMembers(HazelcastInstance client, LocalCluster cluster) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (client.getCluster().getMembers().size() < workers) {
            checkStarting(cluster, deadline, client.getCluster().getMembers().size());
        }
    }

    /**
     * Waits (briefly) until the client has its own connection to every member. Until then a call
     * to a member it has not reached goes through another member, which does that member's
     * network work as well as its own; and the first direct calls would come in the middle of
     * the flow run, with code paths the member's JIT has not compiled yet.
     */
    private static void awaitDirectConnections(HazelcastInstance client) {
        long deadline = System.nanoTime() + DIRECT_CONNECTIONS_WAIT.toNanos();
        while (!ClientConnections.reachesEveryMember(client) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void checkStarting(LocalCluster cluster, long deadline, int joined) {
        String dead = cluster.deadWorker();
        if (dead != null) throw new IllegalStateException("The local Hazelcast cluster did not start: " + dead);
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Only " + joined + " of " + workers + " workers of the local Hazelcast cluster"
                    + " joined within " + startTimeout.toSeconds() + " s");
        }
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the local Hazelcast cluster was starting", e);
        }
    }

    /** The package (or, for a script in no package, the class) of the program's main class. */
    private static List<String> defaultAllowedPrefixes() {
        String command = System.getProperty("sun.java.command", "").trim();
        String main = command.isEmpty() ? "" : command.split("\\s+")[0];
        if (main.isEmpty() || main.endsWith(".jar") || main.endsWith(".java")) return List.of();
        int dot = main.lastIndexOf('.');
        return List.of(dot < 0 ? main : main.substring(0, dot + 1));
    }

    @Override
    public String toString() {
        return members == null ? "HazelcastExecutor(local cluster of " + workers + " workers x " + threadsPerWorker + " threads)"
                : "HazelcastExecutor(cluster '" + clusterName + "' at " + members + ")";
    }

    /** Builds a {@link HazelcastExecutor}. */
    public static final class Builder {
        private int workers = 2, threadsPerWorker;
        private final List<String> jvmOptions = new ArrayList<>(), allowedPrefixes = new ArrayList<>();
        private List<String> members;
        private String clusterName;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Worker JVMs of the local cluster (default 2). */
        public Builder workers(int workers) {
            if (workers < 1) throw new IllegalArgumentException("a local cluster needs at least 1 worker, got " + workers);
            this.workers = workers;
            return this;
        }

        /** Task runs each local worker runs at once (default: this machine's processors / workers, at least 1). */
        public Builder threadsPerWorker(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threadsPerWorker must be >= 1, got " + threads);
            this.threadsPerWorker = threads;
            return this;
        }

        /** Options for the local workers' JVMs, e.g. {@code -Xmx2g}. */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /**
         * Class name prefixes ({@code com.acme.}) whose objects may be deserialized, besides Baton's
         * and the JDK's core types. Default: the package of the program's main class (or its name,
         * for a script in no package).
         */
        public Builder allowPackages(String... prefixes) {
            for (String p : prefixes) allowedPrefixes.add(Objects.requireNonNull(p, "a null package prefix"));
            return this;
        }

        /** How long the local cluster may take to start, or a connection to be made (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "startTimeout");
            return this;
        }

        /** Connect to a running cluster instead of starting one. */
        public Builder connect(String clusterName, String... members) {
            if (clusterName == null || clusterName.isBlank()) throw new IllegalArgumentException("connect(...) needs a cluster name");
            if (members.length == 0) throw new IllegalArgumentException("connect(...) needs at least one member address, host:port");
            this.clusterName = clusterName;
            this.members = List.of(members);
            return this;
        }

        public HazelcastExecutor build() {
            return new HazelcastExecutor(this);
        }
    }
}
