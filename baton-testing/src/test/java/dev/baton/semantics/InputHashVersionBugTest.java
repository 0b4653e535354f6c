package dev.baton.semantics;

import dev.baton.CacheKeyFunction;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CacheKeyFunction.inputs() is documented as "a hash of the task's name and version and of its
 * arguments' values", but InputHash.key hashes only {@code run.taskName()} and the arguments
 * (TaskRun does not even expose the version). A new version of a task therefore gets the old
 * version's cached results. Fix: add the version to TaskRun (or let InputHash read the run's
 * TaskDefinition) and hash {@code [taskName, version, arguments]}.
 */
@BatonTest
class InputHashVersionBugTest {

    @Test
    void aNewTaskVersionDoesNotHitTheOldVersionsEntries() {
        Task1<Integer, String> v1 = Task.named("score").version("1").cacheKey(CacheKeyFunction.inputs()).of(x -> "v1:" + x);
        Task1<Integer, String> v2 = Task.named("score").version("2").cacheKey(CacheKeyFunction.inputs()).of(x -> "v2:" + x);
        Flow0<String> flow = Flow.named("f").of(() -> {
            v1.call(7);
            return v2.call(7);
        });

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("v2:7");
        assertThat(run.taskRuns()).extracting(t -> t.state().name()).containsExactly("Completed", "Completed");
    }
}
