package dev.baton.hazelcast;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The one list of JVM options, as local clusters read it and as the scripts do. */
class JvmOptionsTest {

    @Test
    void workersGetTheClientOptionsAndTheirJit() {
        List<String> client = JvmOptions.forClient(25), worker = JvmOptions.forWorker(25);

        assertThat(client).contains("--add-modules=java.se", "--add-opens=java.base/java.lang=ALL-UNNAMED")
                .doesNotContain("-XX:-TieredCompilation");
        assertThat(worker).containsSubsequence(client).endsWith("-XX:-TieredCompilation");
    }

    @Test
    void optionsOfNewerJavasAreLeftOutOnOlderOnes() {
        assertThat(JvmOptions.forWorker(25)).contains("--sun-misc-unsafe-memory-access=allow");
        assertThat(JvmOptions.forWorker(21)).doesNotContain("--sun-misc-unsafe-memory-access=allow")
                .contains("--add-modules=java.se");
    }

    @Test
    void theScriptsReadTheSameList() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String role : List.of("client", "worker")) {
            for (int feature : new int[]{21, 25}) {
                Process p = new ProcessBuilder("bash", "-c", ". scripts/jvm-options.sh && baton_jvm_options . " + feature + " " + role)
                        .directory(root.toFile()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                List<String> expected = role.equals("worker") ? JvmOptions.forWorker(feature) : JvmOptions.forClient(feature);
                assertThat(out.lines().toList()).as(role + " on Java " + feature).isEqualTo(expected);
            }
        }
    }
}
