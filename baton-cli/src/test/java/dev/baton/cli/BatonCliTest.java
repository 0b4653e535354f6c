package dev.baton.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The top-level {@code baton} command: what it does with a command it does not know. */
class BatonCliTest {
    @TempDir
    Path home;

    @Test
    void anUnknownCommandIsAUsageErrorWhateverOptionsFollowIt() {
        Cli cli = Cli.embedded(home);
        for (String[] args : List.of(new String[] {"work-pool"}, new String[] {"work-pool", "--help"},
                new String[] {"work-pool", "-h"}, new String[] {"work-pool", "ls", "--version"},
                new String[] {"--help", "work-pool"}, new String[] {"flow-run", "frobnicate", "--help"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.exitCode()).as(Arrays.toString(args) + "\n" + r).isEqualTo(2);
            String unknown = args[0].equals("flow-run") ? "frobnicate" : "work-pool";
            assertThat(r.err()).as(Arrays.toString(args)).startsWith("baton: Unknown command '" + unknown + "'")
                    .contains("--help' for usage.");
            assertThat(r.out()).as(Arrays.toString(args)).isEmpty();
        }
    }

    @Test
    void aKnownCommandsHelpStillExitsZero() {
        Cli cli = Cli.embedded(home);
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"flow-run", "--help"},
                new String[] {"flow-run", "ls", "--help"}, new String[] {"help", "flow-run"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.exitCode()).as(Arrays.toString(args) + "\n" + r).isZero();
            assertThat(r.out()).as(Arrays.toString(args)).startsWith("Usage: baton");
        }
    }
}
