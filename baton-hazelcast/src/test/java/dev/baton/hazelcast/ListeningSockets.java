package dev.baton.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, as the kernel reports them (what {@code ss -ltnp} shows):
 * the process's socket inodes from /proc/PID/fd, looked up in /proc/net/tcp and tcp6. An IPv6
 * socket bound to an IPv4-mapped address (::ffff:127.0.0.1) is reported as that IPv4 address;
 * one bound to :: (every interface, IPv4 included) as ::.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    static List<InetSocketAddress> of(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (NoSuchFileException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sockets of process " + pid, e);
        }
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (NoSuchFileException e) {
                continue; // no IPv6
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f[3].equals(LISTEN) && inodes.contains(f[9])) listening.add(address(f[1]));
            }
        }
        return listening;
    }

    /** {@code 0100007F:1F90} (IPv4, little-endian words) or its 32-hex-digit IPv6 form. */
    private static InetSocketAddress address(String hex) {
        String[] hp = hex.split(":");
        byte[] raw = HexFormat.of().parseHex(hp[0]);
        byte[] ip = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) ip[word + i] = raw[word + 3 - i];
        }
        try {
            // InetAddress turns an IPv4-mapped IPv6 address into the IPv4 address itself
            return new InetSocketAddress(InetAddress.getByAddress(ip), Integer.parseInt(hp[1], 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
