package dev.baton.semantics;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.Task3;
import dev.baton.TaskFuture;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Baton.allowFailure;
import static dev.baton.Baton.quote;
import static dev.baton.Baton.unmapped;
import static dev.baton.semantics.Traces.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * unmapped, allowFailure and quote, after Prefect 2's TestTaskMap (unmapped, quote) and the
 * allow_failure cases of TestTaskSubmit / TestTaskWaitFor. Unlike Prefect, allowFailure hands
 * the downstream run the upstream's final State rather than its exception or value.
 */
@BatonTest
class MappingAnnotationsTest {
    static final Task2<Integer, Integer, Integer> add = Task.named("add").of(Integer::sum);
    static final Task0<Integer> fails = Task.named("fails").of(() -> {
        throw new IllegalArgumentException("Fail task!");
    });

    private static List<Object> results(List<? extends TaskFuture<?>> futures) {
        List<Object> out = new ArrayList<>();
        for (TaskFuture<?> f : futures) out.add(f.result());
        return out;
    }

    // ----- unmapped -----

    @Test
    void unmappedGivesEveryRunTheSameValue() {
        Flow0<List<Object>> flow = Flow.named("f").of(() -> results(add.map(List.of(1, 2, 3), unmapped(10))));

        FlowRun<List<Object>> run = flow.run();

        assertThat(run.result()).containsExactly(11, 12, 13);
        assertThat(run.taskRuns()).extracting(TaskRun::name).containsExactly("add-0", "add-1", "add-2");
    }

    @Test
    void unmappedMayComeFirst() {
        Task2<String, String, String> concat = Task.named("concat").of((a, b) -> a + b);
        Flow0<List<Object>> flow = Flow.named("f").of(() -> results(concat.map(unmapped("test-"), List.of("a", "b", "c"))));

        assertThat(flow.run().result()).containsExactly("test-a", "test-b", "test-c");
    }

    @Test
    void unmappedPassesAnIterableWholeWhateverItsLength() {
        Task2<List<Integer>, List<Integer>, List<Integer>> join = Task.named("join").of((a, b) -> {
            List<Integer> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        });
        Flow0<List<Object>> flow = Flow.named("f").of(() ->
                results(join.map(List.of(List.of(), List.of(), List.of()), unmapped(List.of(4, 5, 6, 7)))));

        assertThat(flow.run().result()).containsExactly(List.of(4, 5, 6, 7), List.of(4, 5, 6, 7), List.of(4, 5, 6, 7));
    }

    @Test
    void unmappedWorksWithThreeArguments() {
        Task3<Integer, Integer, Integer, Integer> mulAdd = Task.named("mul_add").of((a, b, c) -> a * b + c);
        Flow0<List<Object>> flow = Flow.named("f").of(() ->
                results(mulAdd.map(List.of(1, 2, 3), unmapped(10), List.of(100, 200, 300))));

        assertThat(flow.run().result()).containsExactly(110, 220, 330);
    }

    @Test
    void twoUnmappedArgumentsOfThreeStillMapTheThird() {
        Task3<Integer, Integer, Integer, Integer> mulAdd = Task.named("mul_add").of((a, b, c) -> a * b + c);
        Flow0<List<Object>> flow = Flow.named("f").of(() ->
                results(mulAdd.map(unmapped(2), unmapped(5), List.of(1, 2))));

        assertThat(flow.run().result()).containsExactly(11, 12);
    }

    @Test
    void unmappedFuturesAreDependenciesOfEveryRun() {
        Task0<Integer> ten = Task.named("ten").of(() -> 10);
        Flow0<List<Object>> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> t = ten.submit();
            Task2<Integer, Object, Integer> plus = Task.named("plus").of((a, b) -> a + (Integer) b);
            return results(plus.map(List.of(1, 2), unmapped(t)));
        });

        FlowRun<List<Object>> run = flow.run();

        assertThat(run.result()).containsExactly(11, 12);
        assertThat(run.taskRuns().stream().filter(r -> r.taskName().equals("plus")))
                .allSatisfy(r -> assertThat(r.upstream()).extracting(TaskRun::name).containsExactly("ten-0"));
    }

    @Test
    void mappingOnlyUnmappedArgumentsIsRefused() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            try {
                add.map(unmapped(1), unmapped(2));
            } catch (IllegalArgumentException e) {
                thrown.set(e);
            }
        });

        FlowRun<Void> run = flow.run();

        assertThat(thrown.get()).hasMessage("map(...) of task 'add' needs at least one argument that is not"
                + " unmapped(...): it is what the runs iterate over");
        assertThat(run.taskRuns()).isEmpty();
    }

    @Test
    void mappedArgumentsOfDifferentLengthsAreRefusedBeforeAnyRun() {
        Flow0<Void> flow = Flow.named("f").procedure(() -> add.map(List.of(1, 2, 3), List.of(1, 2)));

        FlowRun<Void> run = flow.run();

        assertThat(run.state().message()).get().asString()
                .contains("map(...) of task 'add' needs iterables of the same length; they differ after 2 elements");
        assertThat(run.taskRuns()).isEmpty();
    }

    // ----- allowFailure -----

    @Test
    void withoutAllowFailureTheDownstreamRunIsNotReady() {
        Task1<Integer, Integer> identity = Task.named("identity").of(x -> x);
        Flow0<Void> flow = Flow.named("f").procedure(() -> identity.submit(fails.submit()));

        FlowRun<Void> run = flow.run();

        TaskRun downstream = Traces.taskRun(run, "identity-0");
        assertThat(names(downstream)).containsExactly("Pending", "NotReady");
        assertThat(downstream.state()).hasToString("NotReady('Upstream task run 'fails-0' did not reach a 'COMPLETED' state.')");
    }

    @Test
    void allowFailureHandsTheDownstreamTheFailedState() {
        AtomicReference<State> received = new AtomicReference<>();
        Task1<State, String> cleanup = Task.named("cleanup").of(s -> {
            received.set(s);
            return "cleaned up after " + s.name();
        });
        Flow0<String> flow = Flow.named("f").of(() -> cleanup.submit(allowFailure(fails.submit())).result());

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("cleaned up after Failed");
        State s = received.get();
        assertThat(s.isFailed()).isTrue();
        assertThat(s).hasToString("Failed('Task run encountered an exception: IllegalArgumentException: Fail task!')");
        assertThat(s.cause()).get().isInstanceOf(IllegalArgumentException.class)
                .extracting(Throwable::getMessage).isEqualTo("Fail task!");
        TaskRun downstream = Traces.taskRun(run, "cleanup-0");
        assertThat(names(downstream)).containsExactly("Pending", "Running", "Completed");
        assertThat(downstream.upstream()).extracting(TaskRun::name).containsExactly("fails-0");
    }

    @Test
    void allowFailureHandsTheDownstreamTheCompletedStateWithItsValue() {
        Task0<Integer> ok = Task.named("ok").of(() -> 41);
        Task1<State, Integer> next = Task.named("next").of(s -> (Integer) s.result() + 1);
        AtomicReference<State> received = new AtomicReference<>();
        Task1<State, String> peek = Task.named("peek").of(s -> {
            received.set(s);
            return s.name();
        });
        Flow0<Integer> flow = Flow.named("f").of(() -> {
            TaskFuture<Integer> o = ok.submit();
            peek.submit(allowFailure(o));
            return next.submit(allowFailure(o)).result();
        });

        assertThat(flow.run().result()).isEqualTo(42);
        assertThat(received.get().isCompleted()).isTrue();
        assertThat(received.get().result()).isEqualTo(41);
    }

    @Test
    void allowFailureWaitsForARunningUpstream() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> slow = Task.named("slow").of(() -> {
            Traces.await(release, "released");
            throw new IllegalStateException("late failure");
        });
        Task1<State, String> after = Task.named("after").of(State::toString);
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> s = slow.submit();
            TaskFuture<String> a = after.submit(allowFailure(s));
            boolean startedEarly = a.isDone();
            release.countDown();
            return startedEarly + " " + a.result();
        });

        assertThat(flow.run().result())
                .isEqualTo("false Failed('Task run encountered an exception: IllegalStateException: late failure')");
    }

    @Test
    void allowFailureInsideACollectionArgument() {
        Task0<Integer> ok = Task.named("ok").of(() -> 1);
        Task1<List<Object>, String> describe = Task.named("describe").of(items -> {
            List<String> out = new ArrayList<>();
            for (Object o : items) out.add(o instanceof State s ? s.name() : String.valueOf(o));
            return String.join(",", out);
        });
        Flow0<String> flow = Flow.named("f").of(() ->
                describe.submit(List.of(allowFailure(fails.submit()), ok.submit(), 3)).result());

        assertThat(flow.run().result()).isEqualTo("Failed,1,3");
    }

    @Test
    void aDirectReferenceBesidesAllowFailureStillMakesTheRunNotReady() {
        Task2<Object, Object, String> both = Task.named("both").of((a, b) -> "ran");
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> f = fails.submit();
            both.submit(allowFailure(f), f);
        });

        FlowRun<Void> run = flow.run();

        assertThat(Traces.taskRun(run, "both-0").state().isNotReady()).isTrue();
    }

    @Test
    void mappedRunsEachAllowTheirUpstreamsFailure() {
        Task1<Integer, Integer> failsOnTwo = Task.named("fails_on_two").of(x -> {
            if (x == 2) throw new IllegalArgumentException("Fail task");
            return x;
        });
        Task1<State, String> describe = Task.named("describe").of(s -> s.isCompleted() ? "ok " + s.result() : s.name());
        Flow0<List<Object>> flow = Flow.named("f").of(() -> {
            List<TaskFuture<State>> allowed = new ArrayList<>();
            for (TaskFuture<Integer> f : failsOnTwo.map(List.of(1, 2, 3))) allowed.add(allowFailure(f));
            return results(describe.map(allowed));
        });

        assertThat(flow.run().result()).containsExactly("ok 1", "Failed", "ok 3");
    }

    @Test
    void waitForAllowFailureRunsTheCleanUpAfterAFailedUpstream() {
        AtomicBoolean cleanedUp = new AtomicBoolean();
        Task0<Void> cleanup = Task.named("cleanup").procedure(() -> cleanedUp.set(true));
        Flow0<Void> flow = Flow.named("f").procedure(() -> cleanup.waitFor(allowFailure(fails.submit())).submit());

        FlowRun<Void> run = flow.run();

        assertThat(cleanedUp).isTrue();
        TaskRun downstream = Traces.taskRun(run, "cleanup-0");
        assertThat(names(downstream)).containsExactly("Pending", "Running", "Completed");
        assertThat(downstream.upstream()).extracting(TaskRun::name).containsExactly("fails-0");
        assertThat(run.state()).hasToString("Failed('1/2 states failed.')"); // the load's failure still counts
    }

    @Test
    void waitForAllowFailureWaitsForARunningUpstream() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> slow = Task.named("slow").of(() -> {
            Traces.await(release, "released");
            throw new IllegalStateException("late failure");
        });
        Task0<String> after = Task.named("after").of(() -> "ran");
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<String> a = after.waitFor(allowFailure(slow.submit())).submit();
            boolean startedEarly = a.isDone();
            release.countDown();
            return startedEarly + " " + a.result();
        });

        assertThat(flow.run().result()).isEqualTo("false ran");
    }

    @Test
    void waitForTheSameFutureDirectlyBesidesAllowFailureStillMakesTheRunNotReady() {
        Task0<String> after = Task.named("after").of(() -> "ran");
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> f = fails.submit();
            after.waitFor(allowFailure(f)).waitFor(f).submit();
        });

        assertThat(Traces.taskRun(flow.run(), "after-0").state().isNotReady()).isTrue();
    }

    @Test
    void allowFailureInWaitForAndADirectArgumentOfAnotherUpstream() {
        Task0<Integer> ok = Task.named("ok").of(() -> 1);
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("f").of(() -> inc.waitFor(allowFailure(fails.submit())).submit(ok.submit()).result());

        assertThat(flow.run().result()).isEqualTo(2);
    }

    @Test
    void waitForAllowFailureAppliesToEveryMappedRun() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<List<Object>> flow = Flow.named("f").of(() ->
                results(inc.waitFor(allowFailure(fails.submit())).map(List.of(1, 2))));

        assertThat(flow.run().result()).containsExactly(2, 3);
    }

    @Test
    void allowFailureInsideARecordAndAMapArgument() {
        record Holder(Object state, int n) {}
        Task2<Holder, java.util.Map<String, Object>, String> describe = Task.named("describe").of((h, m) ->
                ((State) h.state()).name() + " " + h.n() + " " + ((State) m.get("k")).name());
        Flow0<String> flow = Flow.named("f").of(() -> {
            TaskFuture<Integer> f = fails.submit();
            return describe.submit(new Holder(allowFailure(f), 7), java.util.Map.of("k", allowFailure(f))).result();
        });

        assertThat(flow.run().result()).isEqualTo("Failed 7 Failed");
    }

    @Test
    void unmappedAllowFailureGivesEveryMappedRunTheFailedState() {
        Task2<Integer, State, String> describe = Task.named("describe").of((x, s) -> x + " " + s.name());
        Flow0<List<Object>> flow = Flow.named("f").of(() ->
                results(describe.map(List.of(1, 2), unmapped(allowFailure(fails.submit())))));

        assertThat(flow.run().result()).containsExactly("1 Failed", "2 Failed");
    }

    // ----- quote -----

    @Test
    void quotePassesAListOfFuturesThroughUntouched() {
        CountDownLatch release = new CountDownLatch(1);
        Task0<Integer> blocked = Task.named("blocked").of(() -> {
            Traces.await(release, "released");
            return 1;
        });
        AtomicReference<List<?>> received = new AtomicReference<>();
        Task1<List<TaskFuture<Integer>>, Integer> count = Task.named("count").of(items -> {
            received.set(items);
            return items.size();
        });
        AtomicReference<List<TaskFuture<Integer>>> passed = new AtomicReference<>();
        Flow0<Integer> flow = Flow.named("f").executor(new ConcurrentExecutor()).of(() -> {
            List<TaskFuture<Integer>> futures = List.of(blocked.submit(), blocked.submit());
            passed.set(futures);
            int n = count.submit(quote(futures)).result(); // does not wait for the blocked runs
            release.countDown();
            return n;
        });

        FlowRun<Integer> run = flow.run();

        assertThat(run.result()).isEqualTo(2);
        assertThat(received.get()).isSameAs(passed.get());
        assertThat(received.get()).allSatisfy(f -> assertThat(f).isInstanceOf(TaskFuture.class));
        assertThat(Traces.taskRun(run, "count-0").upstream()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutQuoteTheSameListIsResolvedToValues() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        AtomicReference<List<?>> received = new AtomicReference<>();
        Task1<List<Object>, Integer> count = Task.named("count").of(items -> {
            received.set(items);
            return items.size();
        });
        Flow0<Integer> flow = Flow.named("f").of(() -> {
            List<Object> futures = List.of(one.submit(), one.submit());
            return count.submit(futures).result();
        });

        FlowRun<Integer> run = flow.run();

        assertThat((List<Object>) received.get()).containsExactly(1, 1);
        assertThat(Traces.taskRun(run, "count-0").upstream()).extracting(TaskRun::name).containsExactly("one-0", "one-1");
    }

    @Test
    void quotePassesAPlainValueAsTheSameObject() {
        List<Integer> big = new ArrayList<>(List.of(1, 2, 3));
        AtomicReference<Object> received = new AtomicReference<>();
        Task1<List<Integer>, Integer> sum = Task.named("summarise").of(xs -> {
            received.set(xs);
            return xs.stream().mapToInt(Integer::intValue).sum();
        });
        Flow0<Integer> flow = Flow.named("f").of(() -> sum.call(quote(big)));

        assertThat(flow.run().result()).isEqualTo(6);
        assertThat(received.get()).isSameAs(big);
    }

    @Test
    void aQuotedValueLooksLikeAResolvedFuture() {
        TaskFuture<String> q = quote("x");

        assertThat(q.isDone()).isTrue();
        assertThat(q.result()).isEqualTo("x");
        assertThat(q.state().isCompleted()).isTrue();
        assertThatThrownBy(q::taskRun).isInstanceOf(UnsupportedOperationException.class);
    }
}
