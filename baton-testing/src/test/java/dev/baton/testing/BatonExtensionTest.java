package dev.baton.testing;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@BatonTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatonExtensionTest {
    static final Task1<Integer, Integer> square = Task.named("square").of(x -> x * x);
    static final Flow0<Integer> sumOfSquares = Flow.named("sum_of_squares")
            .executor(new ConcurrentExecutor())
            .of(() -> square.map(List.of(1, 2, 3)).stream().mapToInt(f -> f.result()).sum());

    @Test
    @Order(1)
    void recordsTheRunsOfThisTest(RecordedRuns runs) {
        FlowRun<Integer> run = sumOfSquares.run();

        assertThat(run.result()).isEqualTo(14);
        assertThat(runs.flowRuns()).extracting(FlowRun::id).containsExactly(run.id());
        assertThat(runs.lastFlowRun().id()).isEqualTo(run.id());
        assertThat(runs.taskRuns("square")).extracting(t -> t.name())
                .containsExactlyInAnyOrder("square-0", "square-1", "square-2");
    }

    @Test
    @Order(2)
    void startsEachTestWithAFreshStore(RecordedRuns runs) {
        assertThat(runs.flowRuns()).isEmpty();
        assertThatThrownBy(runs::lastFlowRun).isInstanceOf(NoSuchElementException.class);

        sumOfSquares.run();
        sumOfSquares.run();
        assertThat(runs.flowRuns("sum_of_squares")).hasSize(2);
        assertThat(runs.taskRuns()).hasSize(6);
    }

    @Test
    @Order(3)
    void recordsSubflowsWithTheirParent(RecordedRuns runs) {
        Flow0<Integer> outer = Flow.named("outer").of(() -> sumOfSquares.call() + 1);

        FlowRun<Integer> run = outer.run();

        assertThat(run.result()).isEqualTo(15);
        assertThat(runs.flowRuns()).extracting(FlowRun::flowName).containsExactly("outer", "sum_of_squares");
        assertThat(runs.flowRuns("sum_of_squares").get(0).parentFlowRunId()).contains(run.id());
    }
}
