package dev.baton.store.jdbc;

import dev.baton.FlowRun;
import dev.baton.spi.InMemoryRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store as a flow process gets it, in JVMs of their own: found on the class path by the
 * engine, the embedded file under BATON_HOME, the shutdown hook, and the fall-back to memory.
 */
class ProcessWiringTest {
    @TempDir
    Path home;

    record Result(int exit, String stdout, String stderr) {
        String value(String key) {
            Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(stdout);
            assertThat(m.find()).as(key + " in the child's output:\n" + stdout + "\n" + stderr).isTrue();
            return m.group(1).strip();
        }
    }

    private Result child(Map<String, String> env, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), StoreChildProcess.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove(JdbcRunStore.DATABASE_URL_ENVIRONMENT);
        pb.environment().put("BATON_HOME", home.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "child-", ".out"), err = Files.createTempFile(home, "child-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not finish within 120 s: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aFlowProcessRecordsInTheEmbeddedDatabaseUnderBatonHomeByDefault() throws Exception {
        Result r = child(Map.of(), "run");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.value("store")).isEqualTo(JdbcRunStore.class.getName());
        assertThat(home.resolve("baton.db")).isRegularFile();
        try (JdbcRunStore store = JdbcRunStore.builder().embedded(home).build()) {
            FlowRun<?> run = store.flowRun(UUID.fromString(r.value("run"))).orElseThrow();
            assertThat(run.state().isCompleted()).isTrue();
            assertThat(run.taskRuns()).hasSize(300).allSatisfy(t -> assertThat(t.history()).hasSize(3));
        }
    }

    @Test
    void theShutdownHookWritesWhatIsStillQueuedWhenTheJvmExits() throws Exception {
        Result r = child(Map.of(), "queued");

        assertThat(r.exit()).as(r.stderr()).isZero();
        try (JdbcRunStore store = JdbcRunStore.builder().embedded(home).build()) {
            FlowRun<?> run = store.flowRun(UUID.fromString(r.value("run"))).orElseThrow();
            assertThat(run.history()).extracting(s -> s.name()).containsExactly("Pending", "Running", "Completed");
            assertThat(run.taskRuns()).hasSize(20_000).allSatisfy(t -> assertThat(t.history()).hasSize(3));
        }
        assertThat(r.stderr()).doesNotContain("NOT recorded", "LOST");
    }

    @Test
    void anUnreachableDatabaseLeavesRunsInMemoryWithAWarningSayingWhy() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:9/nowhere?user=nobody&connectTimeout=2";
        Result r = child(Map.of(JdbcRunStore.DATABASE_URL_ENVIRONMENT, url), "run");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.value("store")).isEqualTo(InMemoryRunStore.class.getName());
        assertThat(r.stderr()).contains("WARN", "kept in memory only", "Cannot open the run store at " + url,
                "is PostgreSQL running");
        assertThat(home.resolve("baton.db")).doesNotExist();
    }
}
