package dev.baton.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.internal.util.ConcurrencyUtil;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The Hazelcast settings Baton's members and clients use: TCP/IP join on given addresses only
 * (no multicast, no auto-detection), members listening on their bind address only (loopback
 * unless told otherwise), no phone-home, and a Java deserialization filter that admits Baton's
 * classes and the user's allowed packages only.
 */
final class ClusterConfigs {
    /** The executor service the messages of {@link Messages} go to (task runs have threads of their own). */
    static final String EXECUTOR = "baton";
    /** Threads for messages: an exchange waits on one for up to a second, so one per open channel. */
    private static final int MESSAGE_THREADS = 256;
    /** Prefixes every member and client admits, whatever the user allows. */
    static final List<String> BATON_PREFIXES = List.of("dev.baton.");
    private static final Executor VIRTUAL_THREAD_PER_CALLBACK = command -> Thread.ofVirtual().name("hz-callback").start(command);

    private ClusterConfigs() {}

    static Config member(String clusterName, String bindAddress, int port, List<String> members, int threads,
                         List<String> allowedPrefixes) {
        Config config = new Config();
        config.setClusterName(clusterName);
        // Workers hold no data, only run calls: as lite members they own no partitions, so a worker
        // that stops has nothing to hand over and leaves at once. (A data member's graceful shutdown
        // asked the master to migrate partitions the client's first lookup had assigned, and waited
        // up to a second for it, while the others were stopping too.)
        config.setLiteMember(true);
        config.setInstanceName("baton-worker-" + port); // names its threads in dumps and profiles
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
        // a worker's CPU is for task runs: no metrics collection, no health monitor
        config.getMetricsConfig().setEnabled(false);
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        // Listen on the bind address only: Hazelcast's default (hazelcast.socket.bind.any) listens on every
        // interface, whatever the interfaces below say. Its other protocols (REST, memcache) are off by
        // default and would share this one socket; outgoing connections bind this address too.
        config.setProperty("hazelcast.socket.bind.any", "false");
        network.getInterfaces().setEnabled(true).addInterface(bindAddress);
        network.setPublicAddress(bindAddress + ":" + port);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(bindAddress + ":" + port) : members);
        config.getExecutorConfig(EXECUTOR).setPoolSize(MESSAGE_THREADS).setStatisticsEnabled(false);
        config.getMemberAttributeConfig().setAttribute(ClusterSession.THREADS_ATTRIBUTE, String.valueOf(threads));
        config.getUserContext().put(WorkerChannels.KEY, new WorkerChannels(threads, allowedPrefixes));
        config.getSerializationConfig().addDataSerializableFactory(Messages.FACTORY_ID, new Messages.Factory());
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter(allowedPrefixes));
        return config;
    }

    static ClientConfig client(String clusterName, List<String> members, List<String> allowedPrefixes, long connectTimeoutMillis) {
        cheapAsyncCallbacks();
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setAddresses(members).setSmartRouting(true);
        config.setBackupAckToClientEnabled(false); // no data structures, so no backups: no timer checking them 10 times a second
        config.getMetricsConfig().setEnabled(false);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(connectTimeoutMillis);
        config.getSerializationConfig().addDataSerializableFactory(Messages.FACTORY_ID, new Messages.Factory());
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter(allowedPrefixes));
        return config;
    }

    /**
     * Every answer a Hazelcast client receives passes through one callback on Hazelcast's default
     * async executor. Where the common ForkJoinPool has a single thread (two cores or fewer),
     * Hazelcast's default starts a new platform thread for each: a third of the client's CPU per
     * answer here. A virtual thread per callback keeps the same promise (a callback never runs on
     * the caller, and never waits for another) for a small fraction of the cost.
     */
    private static void cheapAsyncCallbacks() {
        if (ForkJoinPool.getCommonPoolParallelism() <= 1) {
            ConcurrencyUtil.setDefaultAsyncExecutor(VIRTUAL_THREAD_PER_CALLBACK);
        }
    }

    /**
     * Only Baton's classes, the allowed user prefixes and Hazelcast's defaults (core JDK types)
     * may be deserialized: a stranger reaching the port cannot make a member build arbitrary objects.
     */
    static JavaSerializationFilterConfig filter(List<String> allowedPrefixes) {
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
        filter.setDefaultsDisabled(false);
        filter.getWhitelist().addPrefixes(BATON_PREFIXES.toArray(String[]::new));
        filter.getWhitelist().addClasses("java.lang.invoke.SerializedLambda");
        if (!allowedPrefixes.isEmpty()) filter.getWhitelist().addPrefixes(allowedPrefixes.toArray(String[]::new));
        return filter;
    }
}
