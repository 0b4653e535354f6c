package dev.baton.store.jdbc;

import dev.baton.Clock;
import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.TaskRunDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flow process killed with {@code kill -9} leaves its flow run RUNNING; its heartbeats stop,
 * and the next embedded session marks it CRASHED, with its unfinished task runs, within a bounded
 * time; while the process lives, its heartbeats keep it from being marked.
 */
class CrashDetectionProcessTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path home;

    @Test
    void aFlowProcessKilledWithKill9IsFoundCrashedByTheNextSessionWithinTheTimeout() throws Exception {
        Path out = home.resolve("child.out"), err = home.resolve("child.err");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StoreChildProcess.class.getName(), "hang");
        pb.environment().remove(JdbcRunStore.DATABASE_URL_ENVIRONMENT);
        pb.environment().put("BATON_HOME", home.toString());
        pb.environment().put(JdbcRunStore.HEARTBEAT_INTERVAL_ENVIRONMENT, HEARTBEAT.toMillis() + "ms");
        Process child = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long pid = awaitValue(out, err, child, "pid");
            assertThat(pid).isEqualTo(child.pid());
            Database db = new Database(Database.embeddedUrl(home), null);
            FlowRunSummary doomed;
            try (JdbcRunHistory history = JdbcRunHistory.open(db.url(), null)) {
                doomed = await("flow run 'doomed' RUNNING with task run 'stuck-0' RUNNING", () -> {
                    List<FlowRunSummary> runs = history.flowRuns(new FlowRunFilter(Set.of(StateType.RUNNING), "doomed",
                            null, null, Set.of(), 0, 10)).items();
                    if (runs.isEmpty()) return Optional.empty();
                    FlowRunDetail d = history.flowRun(runs.get(0).id()).orElseThrow();
                    boolean stuck = d.taskRuns().stream().anyMatch(t -> t.name().equals("stuck-0")
                            && t.state() != null && t.state().type() == StateType.RUNNING);
                    return stuck ? Optional.of(runs.get(0)) : Optional.empty();
                }, child, err);
            }
            holdSlot(db, doomed.id());

            // alive: heartbeats every 200 ms keep a 2 s timeout from marking it
            CrashDetector detector = new CrashDetector(db, null, TIMEOUT, Clock.system());
            for (int i = 0; i < 6; i++) {
                assertThat(detector.detect()).as("flow runs marked while the process lives").isEmpty();
                Thread.sleep(500);
            }

            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("the child died of kill -9").isTrue();
            long killed = System.nanoTime();

            // the next session: a store opening makes a detection pass
            FlowRunDetail crashed = await("flow run 'doomed' CRASHED", () -> {
                JdbcRunStore.builder().embedded(home).crashTimeout(TIMEOUT).build().close();
                try (JdbcRunHistory history = JdbcRunHistory.open(db.url(), null)) {
                    FlowRunDetail d = history.flowRun(doomed.id()).orElseThrow();
                    return d.run().state().type() == StateType.CRASHED ? Optional.of(d) : Optional.empty();
                }
            }, null, err);
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertThat(seconds).as("seconds from kill -9 to CRASHED").isLessThan(TIMEOUT.toSeconds() + 15);

            assertThat(crashed.run().state().message()).contains(pid + "@", "last heartbeat", "crash timeout");
            assertThat(crashed.history()).extracting(s -> s.type())
                    .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.CRASHED);
            assertThat(crashed.taskRuns()).extracting(TaskRunDetail::name, t -> t.state().type())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("inc-0", StateType.COMPLETED),
                            org.assertj.core.groups.Tuple.tuple("stuck-0", StateType.CRASHED));
            try (JdbcRunHistory history = JdbcRunHistory.open(db.url(), null)) {
                assertThat(history.putConcurrencyLimit("db", 1).activeSlots()).as("the crashed run's slot").isEmpty();
            }
        } finally {
            if (child.isAlive()) child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void holdSlot(Database db, UUID flowRunId) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO concurrency_slot (tag, task_run_id, flow_run_id, acquired_ns) VALUES ('db', ?, ?, 1)")) {
            db.setUuid(s, 1, UUID.randomUUID());
            db.setUuid(s, 2, flowRunId);
            s.executeUpdate();
            c.commit();
        }
    }

    private static long awaitValue(Path out, Path err, Process child, String key) throws Exception {
        Pattern line = Pattern.compile("(?m)^" + key + "=(\\d+)$");
        return await(key + " in the child's output", () -> {
            try {
                Matcher m = line.matcher(Files.readString(out));
                return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }, child, err);
    }

    /** Polls {@code probe} until it answers, for at most 60 s; fails early if {@code child} died. */
    private static <T> T await(String what, Supplier<Optional<T>> probe, Process child, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            if (child != null && !child.isAlive()) {
                throw new AssertionError("the child JVM exited (" + child.exitValue() + ") before " + what + ":\n"
                        + Files.readString(err));
            }
            Thread.sleep(100);
        }
        seen.add(Files.readString(err));
        throw new AssertionError("no " + what + " within 60 s; the child's stderr:\n" + seen);
    }
}
