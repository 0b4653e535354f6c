package dev.baton.hazelcast;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker JVM: a Hazelcast member that runs task runs shipped by {@link HazelcastExecutor}.
 * Started by {@code ./baton worker hazelcast} or by a local cluster; the user's code must be on
 * its class path.
 *
 * <pre>
 * java -cp baton-hazelcast.jar:hazelcast.jar:app.jar dev.baton.hazelcast.HazelcastWorker \
 *      --cluster-name-file ~/.baton/cluster-name --bind 10.0.0.5 --port 5701 --member 10.0.0.5:5701 --member 10.0.0.6:5701 \
 *      --threads 8 --allow com.acme.
 * </pre>
 */
public final class HazelcastWorker {
    /** The line a worker prints once it has joined (or formed) its cluster. */
    static final String READY = "baton worker ready";

    private HazelcastWorker() {}

    /** Options of a worker, from its command line (and its environment, for the cluster name). */
    record Options(ClusterName clusterName, String bind, int port, List<String> members, int threads, List<String> allow) {
        static Options parse(String[] args) {
            return parse(args, System.getenv(ClusterName.ENVIRONMENT));
        }

        /** {@code environmentName}: the value of {@code BATON_CLUSTER_NAME}, or null. */
        static Options parse(String[] args, String environmentName) {
            ClusterName cluster = null;
            String bind = "127.0.0.1";
            int port = 5701, threads = Runtime.getRuntime().availableProcessors();
            List<String> members = new ArrayList<>(), allow = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--cluster-name" -> cluster = once(cluster, new ClusterName(require(a, value), "--cluster-name"));
                    case "--cluster-name-file" -> cluster = once(cluster, ClusterName.fromFile(Path.of(require(a, value))));
                    case "--bind" -> bind = BindAddress.check(require(a, value));
                    case "--port" -> port = number(a, require(a, value));
                    case "--member" -> members.add(require(a, value));
                    case "--threads" -> threads = number(a, require(a, value));
                    case "--allow" -> allow.add(require(a, value));
                    case "-h", "--help" -> throw new IllegalArgumentException(usage());
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + usage());
                }
                i++;
            }
            if (cluster == null) cluster = ClusterName.fromEnvironment(environmentName);
            if (cluster == null) {
                throw new IllegalArgumentException("no cluster name: give --cluster-name-file FILE, set " + ClusterName.ENVIRONMENT
                        + ", or give --cluster-name NAME\n" + usage());
            }
            if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            return new Options(cluster, bind, port, members, threads, allow);
        }

        private static ClusterName once(ClusterName earlier, ClusterName name) {
            if (earlier != null) {
                throw new IllegalArgumentException("the cluster name is given twice (" + earlier.source() + " and " + name.source()
                        + "): give one of --cluster-name and --cluster-name-file");
            }
            return name;
        }

        private static String require(String option, String value) {
            if (value == null || value.startsWith("--")) throw new IllegalArgumentException(option + " needs a value\n" + usage());
            return value;
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
            }
        }
    }

    static String usage() {
        return """
                usage: baton worker hazelcast (--cluster-name-file FILE | --cluster-name NAME) [--bind ADDRESS]
                                              [--port PORT] [--member HOST:PORT]... [--threads N]
                                              [--allow PACKAGE_PREFIX]... [--class-path JARS]
                  --cluster-name-file  a file (chmod 600) whose first line is the cluster's name; clients connect
                                       with the same name. Or set BATON_CLUSTER_NAME. The name is the cluster's
                                       only password: Hazelcast's open-source transport has no other
                  --cluster-name       the name itself; every user of this machine sees it in ps
                  --bind               the IPv4 address to listen on, and only there (default 127.0.0.1:
                                       this machine only)
                  --port               the port to listen on (default 5701)
                  --member             a member to join, repeatable (default: form a cluster alone)
                  --threads            task runs this worker runs at once (default: its processors)
                  --allow              a class name prefix (com.acme.) whose objects may be deserialized, repeatable
                """;
    }

    /** Starts a member with {@code options}; it runs until the JVM stops. */
    static HazelcastInstance start(Options options) {
        // every ObjectInputStream of the worker (task bodies are read by Baton's core) obeys the filter
        if (!new AllowedClasses(options.allow()).installForThisJvm()) {
            System.err.println("baton worker: this JVM has a deserialization filter already (jdk.serialFilter);"
                    + " Baton's filter applies to task calls only");
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ClusterConfigs.member(options.clusterName().value(), options.bind(),
                options.port(), options.members(), options.threads(), options.allow()));
        WorkerChannels channels = WorkerChannels.of(member);
        member.getClientService().addClientListener(new ClientListener() {
            @Override
            public void clientConnected(Client client) {}

            @Override
            public void clientDisconnected(Client client) {
                channels.clientLeft(client.getUuid());
            }
        });
        return member;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("baton worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        HazelcastInstance member = start(options);
        System.out.println(READY + ": " + member.getCluster().getLocalMember().getAddress() + " in "
                + options.clusterName().describe() + " with " + options.threads() + " threads");
        System.out.flush();
    }
}
