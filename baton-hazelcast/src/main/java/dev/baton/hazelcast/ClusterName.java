package dev.baton.hazelcast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A worker's cluster name and where it came from. Hazelcast's open-source transport has no
 * authentication: a member or client that reaches a worker's port and knows the cluster name is
 * let in. So the name is a secret, kept off command lines (which every user of the machine sees in
 * {@code ps}): a local cluster's workers get a random one through their environment, and a worker
 * started by hand reads it from a file only its user can read, or from the environment.
 */
record ClusterName(String value, String source) {
    /** The environment variable a worker reads its cluster name from. */
    static final String ENVIRONMENT = "BATON_CLUSTER_NAME";
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A name nobody can guess (128 random bits), for a local cluster. */
    static ClusterName random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new ClusterName("baton-" + HexFormat.of().formatHex(bits), "random");
    }

    /** The first line of {@code file}, which only its owner may read or write (chmod 600). */
    static ClusterName fromFile(Path file) {
        String text;
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                if (permissions.stream().anyMatch(OTHERS::contains)) {
                    throw new IllegalArgumentException("--cluster-name-file " + file + " can be read or written by other users"
                            + " (mode " + PosixFilePermissions.toString(permissions) + "): the cluster name is the cluster's only"
                            + " password. Make it private with: chmod 600 " + file);
                }
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--cluster-name-file " + file + " cannot be read: " + e);
        }
        String name = text.lines().findFirst().orElse("").strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("--cluster-name-file " + file + " is empty: put the cluster name on its first line");
        }
        return new ClusterName(name, "file " + file);
    }

    /** The name in {@link #ENVIRONMENT}, or null if it is not set (or blank). */
    static ClusterName fromEnvironment(String value) {
        return value == null || value.isBlank() ? null : new ClusterName(value.strip(), ENVIRONMENT);
    }

    /** How a worker's ready line names its cluster: the name only if it was on the command line anyway. */
    String describe() {
        return source.equals("--cluster-name") ? "cluster '" + value + "'" : "the cluster named in " + source;
    }

    @Override
    public String toString() {
        return "ClusterName(from " + source + ")"; // never the secret itself
    }
}
