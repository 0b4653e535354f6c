package dev.baton.hazelcast;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Worker JVMs of a local cluster (the default {@code HazelcastExecutor}) killed with kill -9 while
 * they run task runs. Each body writes {@code ran-<pid>} into a directory, so the test knows which
 * worker to kill; a body finds {@code killed} there once the test has killed one, and returns at once.
 */
class WorkerLossTest {

    /** Sleeps until killed, unless a worker was killed already: then returns this worker's pid. */
    private static Task1<String, Long> sleeper(String name, boolean rerun) {
        return Task.named(name).rerunOnWorkerLoss(rerun).of(dir -> {
            long pid = ProcessHandle.current().pid();
            Files.writeString(Path.of(dir, name + "-ran-" + pid), "");
            if (!Files.exists(Path.of(dir, "killed"))) Thread.sleep(120_000);
            return pid;
        });
    }

    private static final Task1<String, Long> RERUNS = sleeper("reruns", true);
    private static final Task1<String, Long> STAYS_DEAD = sleeper("stays_dead", false);

    @Test
    void aKilledWorkersTaskRunRunsAgainOnASurvivorUnlessItOptedOut(@TempDir Path dir) {
        Logger hazelcastLog = (Logger) LoggerFactory.getLogger("dev.baton.hazelcast");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        hazelcastLog.addAppender(warnings);
        HazelcastExecutor executor = HazelcastExecutor.builder().workers(3).threadsPerWorker(1).build();
        FlowRun<Long> run;
        try {
            run = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Flow.named("loses_workers").executor(executor).of(() -> {
                TaskFuture<Long> reruns = RERUNS.submit(dir.toString());
                TaskFuture<Long> staysDead = STAYS_DEAD.submit(dir.toString());
                // each on a worker of its own, sleeping: kill both workers
                long first = awaitRan(dir, "reruns"), second = awaitRan(dir, "stays_dead");
                assertThat(first).isNotEqualTo(second);
                Files.writeString(dir.resolve("killed"), "");
                kill(first);
                kill(second);
                staysDead.await();
                return reruns.result();
            }).run());
        } finally {
            hazelcastLog.detachAppender(warnings);
        }

        TaskRun reruns = taskRun(run, "reruns-0"), staysDead = taskRun(run, "stays_dead-0");
        assertThat(reruns.state().isCompleted()).as("%s", reruns.state()).isTrue();
        assertThat(ranOn(dir, "reruns")).hasSize(2).contains(run.result());
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("Task run 'reruns-0' lost its worker [127.0.0.1]:"));

        assertThat(staysDead.state().type()).isEqualTo(StateType.CRASHED);
        assertThat(staysDead.state().message().orElseThrow())
                .contains("Task run 'stays_dead-0' could not finish on the local cluster")
                .contains("was lost mid-run, and the task asked not to run again (rerunOnWorkerLoss(false))");
        assertThat(ranOn(dir, "stays_dead")).hasSize(1);
        assertThat(run.state().isCompleted()).as("%s", run.state()).isTrue();
    }

    @Test
    void whenEveryWorkerIsKilledTheTaskRunsCrashAndTheFlowRunFailsWithoutHanging(@TempDir Path dir) {
        Task1<String, Long> a = sleeper("a", true), b = sleeper("b", true);
        HazelcastExecutor executor = HazelcastExecutor.builder().workers(2).threadsPerWorker(1).build();

        FlowRun<Long> run = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Flow.named("loses_all").executor(executor)
                .of(() -> {
                    TaskFuture<Long> fa = a.submit(dir.toString()), fb = b.submit(dir.toString());
                    long pa = awaitRan(dir, "a"), pb = awaitRan(dir, "b");
                    kill(pa);
                    kill(pb);
                    return fa.result() + fb.result();
                }).run());

        assertThat(run.state().isFinal()).isTrue();
        assertThat(run.state().isCompleted()).isFalse();
        assertThat(run.taskRuns()).hasSize(2).allSatisfy(t -> {
            assertThat(t.state().type()).as("%s", t.state()).isEqualTo(StateType.CRASHED);
            assertThat(t.state().message().orElseThrow()).contains("Task run '" + t.name() + "' could not finish on the"
                    + " local cluster");
        });
    }

    private static long awaitRan(Path dir, String task) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> pids = ranOn(dir, task);
            if (!pids.isEmpty()) return pids.get(0);
            Thread.sleep(20);
        }
        throw new AssertionError("task " + task + " did not start on any worker within 60 s");
    }

    private static List<Long> ranOn(Path dir, String task) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(task + "-ran-"))
                    .map(n -> Long.parseLong(n.substring((task + "-ran-").length()))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: the JVM gets no chance to leave the cluster politely. */
    private static void kill(long pid) {
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        assertThat(worker.parent().map(ProcessHandle::pid)).as("a worker this test's JVM started")
                .contains(ProcessHandle.current().pid());
        worker.destroyForcibly();
    }

    private static TaskRun taskRun(FlowRun<?> run, String name) {
        return run.taskRuns().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
