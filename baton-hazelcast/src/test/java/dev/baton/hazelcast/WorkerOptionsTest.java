package dev.baton.hazelcast;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A worker's command line: where its cluster name comes from, and which addresses it may bind. */
class WorkerOptionsTest {

    private static Path secretFile(Path dir, String text, String mode) throws Exception {
        Path file = dir.resolve("cluster-name");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void theClusterNameIsReadFromAFileOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path file = secretFile(dir, "  prod-7f3a9c  \nignored\n", "rw-------");

        HazelcastWorker.Options options = HazelcastWorker.Options.parse(new String[] {"--cluster-name-file", file.toString()}, null);

        assertThat(options.clusterName().value()).isEqualTo("prod-7f3a9c");
        assertThat(options.clusterName().describe()).isEqualTo("the cluster named in file " + file).doesNotContain("prod-7f3a9c");
        assertThat(options.bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void aClusterNameFileOthersCanReadIsRefusedSayingHowToFixIt(@TempDir Path dir) throws Exception {
        Path file = secretFile(dir, "prod", "rw-r--r--");

        assertThatThrownBy(() -> HazelcastWorker.Options.parse(new String[] {"--cluster-name-file", file.toString()}, null))
                .hasMessageContaining("--cluster-name-file " + file + " can be read or written by other users (mode rw-r--r--)")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void anEmptyOrMissingClusterNameFileIsRefused(@TempDir Path dir) throws Exception {
        Path empty = secretFile(dir, "\n", "rw-------");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(new String[] {"--cluster-name-file", empty.toString()}, null))
                .hasMessageContaining("is empty: put the cluster name on its first line");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(new String[] {"--cluster-name-file", dir.resolve("nope").toString()}, null))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void theEnvironmentGivesTheNameWhenTheCommandLineDoesNot(@TempDir Path dir) throws Exception {
        assertThat(HazelcastWorker.Options.parse(new String[0], "from-env").clusterName())
                .isEqualTo(new ClusterName("from-env", "BATON_CLUSTER_NAME"));
        Path file = secretFile(dir, "from-file", "rw-------");
        assertThat(HazelcastWorker.Options.parse(new String[] {"--cluster-name-file", file.toString()}, "from-env")
                .clusterName().value()).isEqualTo("from-file");
        assertThat(HazelcastWorker.Options.parse(new String[] {"--cluster-name", "typed"}, "from-env").clusterName().describe())
                .isEqualTo("cluster 'typed'");
    }

    @Test
    void withoutAClusterNameOrWithTwoTheWorkerSaysWhatToGive(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(new String[] {"--port", "5701"}, null))
                .hasMessageStartingWith("no cluster name: give --cluster-name-file FILE, set BATON_CLUSTER_NAME, or give --cluster-name NAME");
        Path file = secretFile(dir, "a", "rw-------");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(new String[] {"--cluster-name", "a", "--cluster-name-file", file.toString()}, null))
                .hasMessageContaining("the cluster name is given twice");
    }

    @Test
    void bindTakesAnIpv4AddressOfThisMachineOnly() {
        String[] base = {"--cluster-name", "c", "--bind"};
        assertThat(HazelcastWorker.Options.parse(new String[] {"--cluster-name", "c", "--bind", "127.0.0.1"}, null).bind())
                .isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(with(base, "0.0.0.0"), null))
                .hasMessageContaining("--bind 0.0.0.0 would listen on every interface").hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(with(base, "localhost"), null))
                .hasMessageContaining("--bind needs an IPv4 address of this machine, such as 10.0.0.5, got 'localhost'");
        assertThatThrownBy(() -> HazelcastWorker.Options.parse(with(base, "203.0.113.77"), null))
                .hasMessageContaining("--bind 203.0.113.77 is not an address of this machine; give one of [127.0.0.1");
    }

    private static String[] with(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
