package dev.baton.hazelcast;

import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.connection.ClientConnectionManager;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

/**
 * Whether a client has its own connection to every member. Hazelcast's public API does not say;
 * this asks the client's connection manager (internal API, of the one Hazelcast version Baton
 * is built with) and answers "connected" if it cannot ask, so a caller never waits for nothing.
 */
final class ClientConnections {
    private ClientConnections() {}

    static boolean reachesEveryMember(HazelcastInstance client) {
        ClientConnectionManager connections = manager(client);
        if (connections == null) return true;
        for (Member m : client.getCluster().getMembers()) {
            if (connections.getActiveConnection(m.getUuid()) == null) return false;
        }
        return true;
    }

    private static ClientConnectionManager manager(HazelcastInstance client) {
        try {
            return client instanceof HazelcastClientProxy proxy ? proxy.client.getConnectionManager() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
