package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.baton.Baton.quote;
import static dev.baton.Baton.unmapped;
import static dev.baton.Support.completed;
import static org.assertj.core.api.Assertions.assertThat;

/** Tasks and flows of four to six parameters: values, futures, a mix through quote(...), map, async. */
class WideArityTest {
    record Order(String customer, String item, int quantity, double price, boolean express) {}

    private static final Task5<String, String, Integer, Double, Boolean, Order> ORDER = Task.named("order")
            .of((customer, item, quantity, price, express) -> new Order(customer, item, quantity, price, express));
    private static final Task1<Integer, Integer> TWICE = Task.named("twice").of(x -> 2 * x);
    private static final Task4<Integer, Integer, Integer, Integer, Integer> SUM4 = Task.named("sum4")
            .of((a, b, c, d) -> a + b + c + d);

    @Test
    void aFiveArgumentTaskTakesValuesOrFuturesAndAMixThroughQuote() {
        FlowRun<List<Order>> run = completed(Flow.named("orders").of(() -> {
            Order plain = ORDER.call("ada", "lamp", 2, 9.5, true);
            TaskFuture<Integer> quantity = TWICE.submit(3);
            Order mixed = ORDER.call(quote("bob"), quote("desk"), quantity, quote(120.0), quote(false));
            return List.of(plain, mixed);
        }).run());

        assertThat(run.result()).containsExactly(new Order("ada", "lamp", 2, 9.5, true),
                new Order("bob", "desk", 6, 120.0, false));
        TaskRun mixedRun = run.taskRuns().get(2);
        assertThat(mixedRun.upstream()).extracting(TaskRun::name).containsExactly("twice-0");
    }

    @Test
    void allFuturesWaitAndMapZipsFourColumns() {
        FlowRun<Integer> run = completed(Flow.named("sums").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> total = SUM4.submit(TWICE.submit(1), TWICE.submit(2), TWICE.submit(3), TWICE.submit(4));
            List<TaskFuture<Integer>> rows = SUM4.map(List.of(1, 2), List.of(10, 20), unmapped(100), List.of(1000, 2000));
            return total.result() + rows.get(0).result() + rows.get(1).result();
        }).run());
        assertThat(run.result()).isEqualTo(20 + 1111 + 2122);
    }

    @Test
    void sixParameterFlowsRunAndRecordTheirParameters() {
        Flow6<Integer, Integer, Integer, Integer, Integer, Integer, Integer> six = Flow.named("six")
                .of((a, b, c, d, e, f) -> SUM4.call(a, b, c, d) * e * f);
        FlowRun<Integer> run = completed(six.run(1, 2, 3, 4, 5, 6));
        assertThat(run.result()).isEqualTo(10 * 5 * 6);
        assertThat(run.parameters()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(six.call(1, 1, 1, 1, 1, 1)).isEqualTo(4);
        assertThat(six.start(0, 0, 0, 0, 1, 1).await().result()).isZero();
    }

    @Test
    void proceduresAndAsyncTasksOfFourToSixArguments() {
        StringBuffer seen = new StringBuffer();
        Task6<String, String, String, String, String, String, Void> append = Task.named("append")
                .procedure((a, b, c, d, e, f) -> seen.append(a).append(b).append(c).append(d).append(e).append(f));
        AsyncTask4<Integer, Integer, Integer, Integer, Integer> product = Task.named("product")
                .async((a, b, c, d) -> CompletableFuture.completedFuture(a * b * c * d));
        Flow5<String, String, String, String, String, Void> five = Flow.named("five")
                .procedure((a, b, c, d, e) -> append.call(a, b, c, d, e, "!"));
        completed(five.run("h", "e", "l", "l", "o"));
        assertThat(seen).hasToString("hello!");

        AsyncFlow4<Integer, Integer, Integer, Integer, Integer> asyncFlow = Flow.named("async_four")
                .async((a, b, c, d) -> product.call(a, b, c, d));
        assertThat(completed(asyncFlow.run(1, 2, 3, 4)).result()).isEqualTo(24);
    }

    @Test
    void withOptionsAndWaitForKeepTheArity() {
        Task4<Integer, Integer, Integer, Integer, Integer> retried = SUM4.withOptions(o -> o.retries(2));
        FlowRun<Integer> run = completed(Flow.named("kept").of(() -> {
            TaskFuture<Integer> first = TWICE.submit(1);
            return retried.waitFor(first).call(1, 1, 1, 1);
        }).run());
        assertThat(run.result()).isEqualTo(4);
        assertThat(run.taskRuns().get(1).upstream()).extracting(TaskRun::name).containsExactly("twice-0");
    }
}
