package dev.baton.hazelcast;

import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskRun;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Connecting to clusters that cannot run the flow's task runs: the wrong class path, or nobody there. */
class ConnectTest {
    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);

    @Test
    void aWorkerWithoutTheTasksClassOnItsClassPathSaysWhichClassAndWhatToDo() throws Exception {
        String cluster = "baton-test-" + UUID.randomUUID();
        try (WorkerProcess worker = WorkerProcess.start(cluster, WorkerProcess.classPathWithoutTests(), List.of())) {
            worker.awaitReady(60);

            FlowRun<Integer> run = Flow.named("missing_class").executor(HazelcastExecutor.connect(cluster, worker.address))
                    .of(() -> INC.submit(1).result()).run();

            TaskRun taskRun = run.taskRuns().get(0);
            assertThat(taskRun.state().type()).isEqualTo(StateType.FAILED);
            assertThat(taskRun.state().message().orElseThrow()).contains("Task run 'inc-0' cannot run on worker [" + worker.address
                    .replace(":", "]:") + ": class " + ConnectTest.class.getName() + " is not on the worker's class path."
                    + " Put the jar with your tasks on every worker's class path (./baton worker hazelcast --class-path app.jar ...)");
        }
    }

    @Test
    void connectingWhereNothingListensFailsTheFlowRunSayingWhereItLooked() throws Exception {
        String nowhere = "127.0.0.1:" + WorkerProcess.freePort();
        HazelcastExecutor executor = HazelcastExecutor.builder().connect("nobody", nowhere)
                .startTimeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();

        FlowRun<Integer> run = Flow.named("no_cluster").executor(executor).of(() -> INC.submit(1).result()).run();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(run.state().type()).isIn(StateType.FAILED, StateType.CRASHED);
        assertThat(run.state().message().orElseThrow())
                .contains("No Hazelcast cluster 'nobody' reachable at [" + nowhere + "] within 2 s")
                .contains("Start workers with ./baton worker hazelcast --cluster-name nobody");
        assertThat(run.taskRuns()).isEmpty();
    }
}
