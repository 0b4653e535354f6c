package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FlowRunEngine counts "failed" two ways: for a body returning nothing, summarise() counts only
 * FAILED/CRASHED task runs (NotReady is not failed); for a body returning a collection, aggregate()
 * counts every non-completed, non-cancelled state as failed, NotReady included. The same three task
 * runs thus give "1/3 states failed." or "2/3 states failed." depending on how the body ends.
 */
class FinalStateCountBugTest {

    @Test
    void returnedListCountsFailuresLikeAProcedure() {
        Task0<Integer> ok = Task.named("ok").of(() -> 1);
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("x");
        });
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Void> procedure = Flow.named("p").procedure(() -> {
            TaskFuture<Integer> b = boom.submit();
            inc.submit(b);
            ok.submit();
        });
        Flow0<List<TaskFuture<Integer>>> returning = Flow.named("r").of(() -> {
            TaskFuture<Integer> b = boom.submit();
            return List.of(b, inc.submit(b), ok.submit());
        });

        State fromProcedure = procedure.run().state();
        State fromList = returning.run().state();

        assertThat(fromProcedure).hasToString("Failed('1/3 states failed.')");
        assertThat(fromList).hasToString(fromProcedure.toString());
    }
}
