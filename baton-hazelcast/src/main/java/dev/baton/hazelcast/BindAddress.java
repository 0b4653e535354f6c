package dev.baton.hazelcast;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a worker listens on, and only there: an IPv4 address of one of this machine's
 * interfaces. Not a host name (it could resolve to several addresses, or another one tomorrow)
 * and not 0.0.0.0 (every interface, which a worker without authentication must not do).
 */
final class BindAddress {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private BindAddress() {}

    /** {@code address}, if a worker may bind it; otherwise says why not and what to give instead. */
    static String check(String address) {
        if (!IPV4.matcher(address).matches()) {
            throw new IllegalArgumentException("--bind needs an IPv4 address of this machine, such as 10.0.0.5, got '" + address
                    + "'; this machine's are " + localAddresses());
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: '" + address + "' is not an IPv4 address", e);
        }
        if (ip.isAnyLocalAddress()) {
            throw new IllegalArgumentException("--bind " + address + " would listen on every interface, and the cluster has no"
                    + " authentication: give the address of the one interface the cluster's machines reach, one of "
                    + localAddresses());
        }
        try {
            if (NetworkInterface.getByInetAddress(ip) == null) {
                throw new IllegalArgumentException("--bind " + address + " is not an address of this machine; give one of "
                        + localAddresses());
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list this machine's network interfaces", e);
        }
        return address;
    }

    /** This machine's IPv4 addresses, loopback first. */
    static List<String> localAddresses() {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a.getAddress().length == 4)
                    .sorted((a, b) -> Boolean.compare(!a.isLoopbackAddress(), !b.isLoopbackAddress()))
                    .map(InetAddress::getHostAddress)
                    .toList();
        } catch (SocketException e) {
            return List.of("127.0.0.1");
        }
    }
}
