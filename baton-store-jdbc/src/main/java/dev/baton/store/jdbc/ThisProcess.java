package dev.baton.store.jdbc;

import java.net.InetAddress;

/**
 * This process as flow run rows name it ({@code 12345@host}), so that a message about a crashed
 * run says which process ran it. Worked out once, on first use (the host name may need a lookup).
 */
final class ThisProcess {
    private ThisProcess() {}

    private static final class Name {
        static final String NAME = ProcessHandle.current().pid() + "@" + host();
    }

    static String name() {
        return Name.NAME;
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.strip();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
