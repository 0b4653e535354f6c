package dev.baton.hazelcast;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where a worker started as {@code ./baton worker hazelcast} listens, read from the kernel's
 * socket table: on its bind address and nowhere else (its transport has no authentication).
 */
class WorkerBindingTest {

    @Test
    void withoutBindAWorkerListensOn127001AndNowhereElse() throws Exception {
        try (WorkerProcess worker = WorkerProcess.start("baton-test-" + UUID.randomUUID(), WorkerProcess.classPathWithoutTests(),
                List.of())) {
            worker.awaitReady(60);
            int port = port(worker);

            assertThat(ListeningSockets.of(worker.pid())).containsExactly(new InetSocketAddress("127.0.0.1", port));
            for (String external : externalAddresses()) assertRefused(external, port);
        }
    }

    @Test
    void withBindAWorkerListensOnThatAddressOnly() throws Exception {
        List<String> external = externalAddresses();
        assumeTrue(!external.isEmpty(), "this machine has no address but loopback");
        String host = external.get(0);
        try (WorkerProcess worker = WorkerProcess.startOn(host, "baton-test-" + UUID.randomUUID(),
                WorkerProcess.classPathWithoutTests(), List.of())) {
            worker.awaitReady(60);
            int port = port(worker);

            assertThat(ListeningSockets.of(worker.pid())).containsExactly(new InetSocketAddress(host, port));
            assertRefused("127.0.0.1", port);
        }
    }

    /** This machine's IPv4 addresses other than loopback (hostname -I). */
    static List<String> externalAddresses() {
        return BindAddress.localAddresses().stream().filter(a -> !a.startsWith("127.")).toList();
    }

    static void assertRefused(String host, int port) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2_000);
            }
        }).as("a connection to %s:%d", host, port).isInstanceOf(ConnectException.class);
    }

    private static int port(WorkerProcess worker) {
        return Integer.parseInt(worker.address.substring(worker.address.lastIndexOf(':') + 1));
    }
}
