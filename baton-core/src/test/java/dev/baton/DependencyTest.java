package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import static dev.baton.Support.completed;
import static dev.baton.Support.names;
import static dev.baton.Support.runNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Futures as arguments: waiting, value passing through containers, waitFor, map, upstream
 * records, ordering under the concurrent executor, and NotReady when an upstream fails.
 */
class DependencyTest {

    record Pair(Object left, Object right) {}

    record Labeled(String label, Object value) {}

    record Box<T>(T value) {}

    record Handle(TaskFuture<Integer> future, int plain) {}

    /** What {@code echo} received, its upstream runs, and its state while the upstream runs were held. */
    record Outcome(Object received, List<String> upstream, String stateWhileHeld) {}

    /**
     * Runs {@code value(1)} and {@code value(2)} held at a gate (concurrent executor), then an
     * {@code echo} task given {@code argument(a, b)}; releases the gate and returns what echo got.
     */
    private static Outcome echoAfterGate(BiFunction<TaskFuture<Integer>, TaskFuture<Integer>, Object> argument) {
        CountDownLatch gate = new CountDownLatch(1);
        Task1<Integer, Integer> value = Task.named("value").of(v -> {
            gate.await();
            return v;
        });
        Task1<Object, Object> echo = Task.named("echo").of(x -> x);
        Flow0<Outcome> flow = Flow.named("containers").executor(new ConcurrentExecutor()).of(() -> {
            TaskFuture<Integer> a = value.submit(1), b = value.submit(2);
            TaskFuture<Object> e = echo.submit(argument.apply(a, b));
            String held = e.state().name() + "/done=" + e.isDone();
            gate.countDown();
            Object got = e.result();
            return new Outcome(got, runNames(e.taskRun().upstream()), held);
        });
        return flow.call();
    }

    // ----- passing values -----

    @Test
    void futureArgumentPassesItsValue() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        Flow0<Integer> flow = Flow.named("chain").of(() -> {
            TaskFuture<Integer> a = add.submit(1, 2);
            TaskFuture<Integer> b = add.submit(a, 10);
            return add.call(a, b);
        });

        FlowRun<Integer> run = completed(flow.run());

        assertThat(run.result()).isEqualTo(16);
        List<TaskRun> runs = run.taskRuns();
        assertThat(runNames(runs)).containsExactly("add-0", "add-1", "add-2");
        assertThat(runNames(runs.get(1).upstream())).containsExactly("add-0");
        assertThat(runNames(runs.get(2).upstream())).containsExactly("add-0", "add-1");
        assertThat(runs.get(1).upstream().getFirst()).isSameAs(runs.get(0));
    }

    @Test
    void downstreamWaitsForADirectFuture() {
        Outcome o = echoAfterGate((a, b) -> a);

        assertThat(o.received()).isEqualTo(1);
        assertThat(o.upstream()).containsExactly("value-0");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void futuresInsideAListAreReplacedByTheirValues() {
        Outcome o = echoAfterGate((a, b) -> List.of(a, "x", b));

        assertThat(o.received()).isEqualTo(List.of(1, "x", 2));
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void futuresAsMapValuesAreReplacedByTheirValues() {
        Outcome o = echoAfterGate((a, b) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("a", a);
            m.put("b", b);
            m.put("c", "plain");
            return m;
        });

        assertThat(o.received()).isEqualTo(Map.of("a", 1, "b", 2, "c", "plain"));
        assertThat(o.received().toString()).isEqualTo("{a=1, b=2, c=plain}");
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void futuresAsMapKeysAreReplacedByTheirValues() {
        Outcome o = echoAfterGate((a, b) -> {
            Map<Object, String> m = new LinkedHashMap<>();
            m.put(a, "first");
            m.put(b, "second");
            return m;
        });

        assertThat(o.received()).isEqualTo(Map.of(1, "first", 2, "second"));
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
    }

    @Test
    void futuresInsideAnObjectArrayAreReplacedByTheirValues() {
        Outcome o = echoAfterGate((a, b) -> new Object[] {a, "x", b});

        assertThat(o.received()).isExactlyInstanceOf(Object[].class);
        assertThat((Object[]) o.received()).containsExactly(1, "x", 2);
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void stringArrayNextToAFuturePassesUnchanged() {
        String[] words = {"p", "q"};
        Outcome o = echoAfterGate((a, b) -> new Object[] {words, a});

        Object[] received = (Object[]) o.received();
        assertThat(received[0]).isSameAs(words);
        assertThat(received[1]).isEqualTo(1);
        assertThat(o.upstream()).containsExactly("value-0");
    }

    @Test
    void plainArgumentsWithoutFuturesArePassedAsIs() {
        String[] words = {"p", "q"};
        List<Object> list = new ArrayList<>(List.of("a"));
        Task2<String[], List<Object>, Boolean> same = Task.named("same").of((w, l) -> w == words && l == list);
        Flow0<Boolean> flow = Flow.named("f").of(() -> same.call(words, list));

        assertThat(flow.call()).isTrue();
    }

    @Test
    void futuresInsideARecordWithObjectComponentsAreReplaced() {
        Outcome o = echoAfterGate(Pair::new);

        assertThat(o.received()).isEqualTo(new Pair(1, 2));
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void futureInsideARecordNextToAValueTypedComponentIsReplaced() {
        Outcome o = echoAfterGate((a, b) -> new Labeled("total", b));

        assertThat(o.received()).isEqualTo(new Labeled("total", 2));
        assertThat(o.upstream()).containsExactly("value-1");
    }

    @Test
    void futureInsideAGenericRecordIsReplaced() {
        Outcome o = echoAfterGate((a, b) -> new Box<>(a));

        assertThat(o.received()).isEqualTo(new Box<>(1));
    }

    @Test
    void recordComponentTypedAsFutureKeepsItsCompletedFuture() {
        Outcome o = echoAfterGate((a, b) -> new Handle(a, 5));

        Handle h = (Handle) o.received();
        assertThat(h.plain()).isEqualTo(5);
        assertThat(h.future().isDone()).isTrue();
        assertThat(h.future().result()).isEqualTo(1);
        assertThat(o.upstream()).containsExactly("value-0");
    }

    @Test
    void futuresInsideAnOptionalAndASetAreReplaced() {
        Outcome o = echoAfterGate((a, b) -> List.of(Optional.of(a), new LinkedHashSet<>(List.of(b, "s"))));

        assertThat(o.received()).isEqualTo(List.of(Optional.of(1), new LinkedHashSet<>(List.of(2, "s"))));
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
    }

    @Test
    void futuresInsideNestedContainersAreReplaced() {
        Outcome o = echoAfterGate((a, b) -> {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("xs", List.of(a, List.of(b)));
            inner.put("pair", new Pair(new Box<>(b), Map.of("k", a)));
            return List.of(inner, new Object[] {new Object[] {b}});
        });

        List<?> got = (List<?>) o.received();
        assertThat(got.get(0)).isEqualTo(Map.of("xs", List.of(1, List.of(2)), "pair", new Pair(new Box<>(2), Map.of("k", 1))));
        assertThat(Arrays.deepToString((Object[]) got.get(1))).isEqualTo("[[2]]");
        assertThat(o.upstream()).containsExactly("value-0", "value-1");
        assertThat(o.stateWhileHeld()).isEqualTo("Pending/done=false");
    }

    @Test
    void sortedMapHoldingFuturesStaysASortedMap() {
        Task1<Integer, Integer> value = Task.named("value").of(x -> x);
        Task1<SortedMap<String, Object>, String> firstKey = Task.named("first_key")
                .of(m -> m.firstKey() + "=" + m.get(m.firstKey()) + " " + m);
        Flow0<String> flow = Flow.named("f").of(() -> {
            SortedMap<String, Object> m = new TreeMap<>(Comparator.reverseOrder());
            m.put("a", value.submit(1));
            m.put("b", value.submit(2));
            return firstKey.call(m);
        });

        assertThat(completed(flow.run()).result()).isEqualTo("b=2 {b=2, a=1}");
    }

    @Test
    void dequeHoldingFuturesStaysADeque() {
        Task1<Integer, Integer> value = Task.named("value").of(x -> x);
        Task1<Deque<Object>, Object> last = Task.named("last").of(Deque::peekLast);
        Flow0<Object> flow = Flow.named("f").of(() -> {
            Deque<Object> d = new ArrayDeque<>();
            d.add(value.submit(1));
            d.add(value.submit(2));
            return last.call(d);
        });

        assertThat(completed(flow.run()).result()).isEqualTo(2);
    }

    @Test
    void theSameFutureTwiceIsOneUpstream() {
        Outcome o = echoAfterGate((a, b) -> List.of(a, a, Map.of("again", a)));

        assertThat(o.received()).isEqualTo(List.of(1, 1, Map.of("again", 1)));
        assertThat(o.upstream()).containsExactly("value-0");
    }

    @Test
    void futureResolvingToNullIsPassedAsNull() {
        Task0<String> nothing = Task.named("nothing").of(() -> null);
        Task1<Object, String> show = Task.named("show")
                .of(x -> x instanceof Object[] a ? Arrays.toString(a) : String.valueOf(x));
        Flow0<String> flow = Flow.named("f").of(() -> {
            TaskFuture<String> n = nothing.submit();
            return show.call(n) + "|" + show.call(Arrays.asList(n, "x")) + "|" + show.call(new Object[] {n});
        });

        assertThat(flow.call()).isEqualTo("null|[null, x]|[null]");
    }

    // ----- waitFor -----

    @Test
    void waitForAddsADependencyWithoutPassingAValue() {
        CountDownLatch gate = new CountDownLatch(1);
        Queue<String> events = new ConcurrentLinkedQueue<>();
        Task0<String> first = Task.named("first").of(() -> {
            gate.await();
            events.add("first");
            return "ignored";
        });
        Task1<String, String> second = Task.named("second").of(s -> {
            events.add("second");
            return s;
        });
        Task0<String> probe = probe(events);
        AtomicReference<String> heldState = new AtomicReference<>();
        Flow0<String> flow = Flow.named("f").executor(new ConcurrentExecutor(2)).of(() -> {
            TaskFuture<String> f = first.submit();
            TaskFuture<String> s = second.waitFor(f).submit("own");
            try {
                ran(probe); // a "second" that did not wait would have run before it
                heldState.set(s.state().name());
            } finally {
                gate.countDown();
            }
            return s.result();
        });

        FlowRun<String> run = completed(flow.run());

        assertThat(run.result()).isEqualTo("own");
        assertThat(heldState.get()).isEqualTo("Pending");
        assertThat(events).containsExactly("probe", "first", "second");
        assertThat(runNames(run.taskRuns().get(1).upstream())).containsExactly("first-0");
    }

    @Test
    void waitForCombinesWithFutureArgumentsInOrderOfFirstAppearance() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("f").of(() -> {
            TaskFuture<Integer> a = one.submit(), b = one.submit(), c = one.submit();
            return inc.waitFor(c).waitFor(b, a).call(a);
        });

        FlowRun<Integer> run = completed(flow.run());

        assertThat(run.result()).isEqualTo(2);
        assertThat(runNames(run.taskRuns().get(3).upstream())).containsExactly("one-0", "one-2", "one-1");
    }

    @Test
    void waitForDoesNotChangeTheOriginalTask() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        Task0<Integer> two = Task.named("two").of(() -> 2);
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> a = one.submit();
            two.waitFor(a).submit();
            two.submit();
        });

        FlowRun<Void> run = completed(flow.run());

        assertThat(runNames(run.taskRuns().get(1).upstream())).containsExactly("one-0");
        assertThat(run.taskRuns().get(2).upstream()).isEmpty();
    }

    @Test
    void waitForRejectsANullFuture() {
        Task0<Integer> one = Task.named("one").of(() -> 1);

        assertThatThrownBy(() -> one.waitFor((TaskFuture<?>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("waitFor(...) of task 'one' got a null future");
    }

    @Test
    void waitForAFailedRunMakesTheRunNotReady() {
        AtomicBoolean called = new AtomicBoolean();
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("x");
        });
        Task0<Integer> after = Task.named("after").of(() -> {
            called.set(true);
            return 1;
        });
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(after.waitFor(boom.submit()).submit()));

        flow.run();

        assertThat(called).isFalse();
        assertThat(future.get().state().isNotReady()).isTrue();
        assertThat(future.get().state()).hasToString("NotReady('Upstream task run 'boom-0' did not reach a 'COMPLETED' state.')");
    }

    // ----- map -----

    @Test
    void mapSubmitsOneRunPerElementInOrder() {
        Task1<Integer, Integer> square = Task.named("square").of(x -> x * x);
        Flow0<List<Integer>> flow = Flow.named("f").of(() ->
                square.map(List.of(1, 2, 3)).stream().map(TaskFuture::result).toList());

        FlowRun<List<Integer>> run = completed(flow.run());

        assertThat(run.result()).containsExactly(1, 4, 9);
        assertThat(runNames(run.taskRuns())).containsExactly("square-0", "square-1", "square-2");
    }

    @Test
    void mapOverFuturesMakesEachRunDependOnItsElement() {
        Task1<Integer, Integer> one = Task.named("plus_ten").of(x -> x + 10);
        Task1<Object, String> show = Task.named("show").of(x -> String.valueOf(x));
        Flow0<List<String>> flow = Flow.named("f").of(() -> {
            List<TaskFuture<Integer>> tens = one.map(List.of(1, 2));
            return show.map(new ArrayList<Object>(tens)).stream().map(TaskFuture::result).toList();
        });

        FlowRun<List<String>> run = completed(flow.run());

        assertThat(run.result()).containsExactly("11", "12");
        assertThat(runNames(run.taskRuns().get(2).upstream())).containsExactly("plus_ten-0");
        assertThat(runNames(run.taskRuns().get(3).upstream())).containsExactly("plus_ten-1");
    }

    @Test
    void zipMapOfATwoArgumentTaskPairsElements() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        Flow0<List<Integer>> flow = Flow.named("f").of(() ->
                add.map(List.of(1, 2, 3), List.of(10, 20, 30)).stream().map(TaskFuture::result).toList());

        FlowRun<List<Integer>> run = completed(flow.run());

        assertThat(run.result()).containsExactly(11, 22, 33);
        assertThat(runNames(run.taskRuns())).containsExactly("add-0", "add-1", "add-2");
    }

    @Test
    void zipMapOfIterablesOfDifferentLengthsIsRejected() {
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() ->
                thrown.set(catchThrowable(() -> add.map(List.of(1, 2, 3), List.of(10, 20)))));

        flow.run();

        assertThat(thrown.get()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("map(...) of task 'add' needs iterables of the same length; they differ after 2 elements");
    }

    @Test
    void zipMapOfIterablesOfDifferentLengthsSubmitsNoTaskRun() {
        AtomicInteger calls = new AtomicInteger();
        Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> {
            calls.incrementAndGet();
            return a + b;
        });
        Flow0<Void> flow = Flow.named("f").procedure(() ->
                assertThatThrownBy(() -> add.map(List.of(1, 2, 3), List.of(10, 20)))
                        .isInstanceOf(IllegalArgumentException.class));

        FlowRun<Void> run = completed(flow.run());

        assertThat(run.taskRuns()).isEmpty();
        assertThat(calls).hasValue(0);
    }

    @Test
    void threeWayZipMapOfIterablesOfDifferentLengthsSubmitsNoTaskRun() {
        AtomicInteger calls = new AtomicInteger();
        Task3<Integer, Integer, Integer, Integer> sum = Task.named("sum").of((a, b, c) -> {
            calls.incrementAndGet();
            return a + b + c;
        });
        Flow0<Void> flow = Flow.named("f").procedure(() ->
                assertThatThrownBy(() -> sum.map(List.of(1, 2), List.of(1, 2), List.of(1)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("map(...) of task 'sum' needs iterables of the same length; they differ after 1 elements"));

        FlowRun<Void> run = completed(flow.run());

        assertThat(run.taskRuns()).isEmpty();
        assertThat(calls).hasValue(0);
    }

    @Test
    void zipMapOfAThreeArgumentTaskPairsElements() {
        Task3<Integer, Integer, Integer, Integer> sum = Task.named("sum").of((a, b, c) -> a + b + c);
        Flow0<List<Integer>> flow = Flow.named("f").of(() ->
                sum.map(List.of(1, 2), List.of(10, 20), List.of(100, 200)).stream().map(TaskFuture::result).toList());

        assertThat(flow.call()).containsExactly(111, 222);
    }

    // ----- ordering under the concurrent executor -----

    // These flows use ConcurrentExecutor(2) with one task run held at a gate: the other slot drains
    // the executor's queue in submission order, so once a probe submitted after a downstream run has
    // run, that downstream run would have run first had it been handed over too early. That shows
    // it waited, where a sleep could only give it a chance to show that it did not.

    /** A task that notes "probe" in {@code events}. */
    private static Task0<String> probe(Queue<String> events) {
        return Task.named("probe").of(() -> {
            events.add("probe");
            return "probed";
        });
    }

    /** Runs {@code probe} and waits for it; a downstream run blocking the free slot fails the test rather than hanging it. */
    private static void ran(Task0<String> probe) throws java.util.concurrent.TimeoutException {
        probe.submit().result(java.time.Duration.ofSeconds(20));
    }

    @Test
    void downstreamNeverStartsBeforeItsUpstreamFinishes() throws Exception {
        CountDownLatch upStarted = new CountDownLatch(1), release = new CountDownLatch(1);
        Queue<String> events = new ConcurrentLinkedQueue<>();
        Task0<Integer> up = Task.named("up").of(() -> {
            events.add("up:start");
            upStarted.countDown();
            release.await();
            events.add("up:end");
            return 5;
        });
        Task1<Integer, Integer> down = Task.named("down").of(x -> {
            events.add("down:start(" + x + ")");
            return x * 2;
        });
        Task0<String> probe = probe(events);
        AtomicReference<List<String>> eventsWhileHeld = new AtomicReference<>();
        AtomicReference<String> downStateWhileHeld = new AtomicReference<>();
        Flow0<Integer> flow = Flow.named("ordered").executor(new ConcurrentExecutor(2)).of(() -> {
            TaskFuture<Integer> u = up.submit();
            TaskFuture<Integer> d = down.submit(u);
            try {
                assertThat(upStarted.await(10, TimeUnit.SECONDS)).isTrue();
                ran(probe); // a wrongly-started downstream would have run before it
                eventsWhileHeld.set(List.copyOf(events));
                downStateWhileHeld.set(d.state().name());
            } finally {
                release.countDown();
            }
            return d.result();
        });

        FlowRun<Integer> run = completed(flow.run());

        assertThat(run.result()).isEqualTo(10);
        assertThat(eventsWhileHeld.get()).containsExactly("up:start", "probe");
        assertThat(downStateWhileHeld.get()).isEqualTo("Pending");
        assertThat(events).containsExactly("up:start", "probe", "up:end", "down:start(5)");
    }

    @Test
    void diamondJoinStartsOnlyAfterBothBranchesFinish() {
        CountDownLatch releaseLeft = new CountDownLatch(1), releaseRight = new CountDownLatch(1);
        Queue<String> events = new ConcurrentLinkedQueue<>();
        Task1<String, String> branch = Task.named("branch").of(side -> {
            (side.equals("left") ? releaseLeft : releaseRight).await();
            events.add(side + ":end");
            return side;
        });
        Task2<String, String, String> join = Task.named("join").of((l, r) -> {
            events.add("join:start");
            return l + "+" + r;
        });
        Task0<String> probe = probe(events);
        Flow0<String> flow = Flow.named("diamond").executor(new ConcurrentExecutor(2)).of(() -> {
            TaskFuture<String> l = branch.submit("left"), r = branch.submit("right");
            TaskFuture<String> j = join.submit(l, r);
            releaseRight.countDown();
            String afterRight;
            try {
                r.await();
                ran(probe); // a join started by the right branch alone would have run before it
                afterRight = j.state().name();
            } finally {
                releaseLeft.countDown();
            }
            return afterRight + ":" + j.result();
        });

        FlowRun<String> run = completed(flow.run());

        assertThat(run.result()).isEqualTo("Pending:left+right");
        assertThat(events).containsExactly("right:end", "probe", "left:end", "join:start");
        assertThat(runNames(run.taskRuns().get(2).upstream())).containsExactly("branch-0", "branch-1");
    }

    // ----- failed upstream: NotReady -----

    @Test
    void failedUpstreamMakesTheDownstreamNotReadyWithoutCallingIt() {
        AtomicBoolean called = new AtomicBoolean();
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("upstream broke");
        });
        Task1<Integer, Integer> plusOne = Task.named("plus_one").of(x -> {
            called.set(true);
            return x + 1;
        });
        AtomicReference<TaskFuture<Integer>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> future.set(plusOne.submit(boom.submit())));

        FlowRun<Void> run = flow.run();

        TaskFuture<Integer> f = future.get();
        assertThat(called).isFalse();
        assertThat(f.isDone()).isTrue();
        assertThat(f.state().type()).isEqualTo(StateType.PENDING);
        assertThat(f.state().name()).isEqualTo("NotReady");
        assertThat(f.state().message()).contains("Upstream task run 'boom-0' did not reach a 'COMPLETED' state.");
        assertThat(f.state().isFinal()).isFalse();
        assertThat(f.state().isSettled()).isTrue();
        assertThat(names(f.taskRun().history())).containsExactly("Pending", "NotReady");
        assertThat(run.state()).hasToString("Failed('1/2 states failed.')");
    }

    @Test
    void resultOfANotReadyRunThrowsTaskRunFailedException() {
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("upstream broke");
        });
        Task1<Integer, Integer> plusOne = Task.named("plus_one").of(x -> x + 1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> f = plusOne.submit(boom.submit());
            thrown.set(catchThrowable(f::result));
        });

        flow.run();

        assertThat(thrown.get()).isInstanceOf(TaskRunFailedException.class)
                .hasMessage("Task run 'plus_one-0' did not run: Upstream task run 'boom-0' did not reach a 'COMPLETED' state.");
        assertThat(((TaskRunFailedException) thrown.get()).taskRun().name()).isEqualTo("plus_one-0");
    }

    @Test
    void notReadyPropagatesDownAChain() {
        AtomicBoolean called = new AtomicBoolean();
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("upstream broke");
        });
        Task1<Integer, Integer> plusOne = Task.named("plus_one").of(x -> {
            called.set(true);
            return x + 1;
        });
        List<TaskFuture<Integer>> chain = new ArrayList<>();
        Flow0<Void> flow = Flow.named("f").procedure(() -> {
            TaskFuture<Integer> f = boom.submit();
            for (int i = 0; i < 3; i++) chain.add(f = plusOne.submit(f));
        });

        FlowRun<Void> run = flow.run();

        assertThat(called).isFalse();
        assertThat(chain).extracting(f -> f.state().toString()).containsExactly(
                "NotReady('Upstream task run 'boom-0' did not reach a 'COMPLETED' state.')",
                "NotReady('Upstream task run 'plus_one-0' did not reach a 'COMPLETED' state.')",
                "NotReady('Upstream task run 'plus_one-1' did not reach a 'COMPLETED' state.')");
        assertThat(run.taskRuns()).extracting(t -> t.state().name())
                .containsExactly("Failed", "NotReady", "NotReady", "NotReady");
    }

    @Test
    void failedUpstreamInsideAContainerMakesTheDownstreamNotReady() {
        Task1<Integer, Integer> maybe = Task.named("maybe").of(x -> {
            if (x < 0) throw new IllegalArgumentException("negative");
            return x;
        });
        Task1<Object, Object> echo = Task.named("echo").of(x -> x);
        AtomicReference<TaskFuture<Object>> future = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").procedure(() ->
                future.set(echo.submit(Map.of("ok", maybe.submit(1), "bad", List.of(maybe.submit(-1))))));

        flow.run();

        assertThat(future.get().state()).hasToString("NotReady('Upstream task run 'maybe-1' did not reach a 'COMPLETED' state.')");
    }

    @Test
    void failedUpstreamUnderTheConcurrentExecutorMakesTheDownstreamNotReady() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean called = new AtomicBoolean();
        Task0<Integer> boom = Task.named("boom").of(() -> {
            release.await();
            throw new IllegalStateException("late failure");
        });
        Task1<Integer, Integer> plusOne = Task.named("plus_one").of(x -> {
            called.set(true);
            return x + 1;
        });
        AtomicReference<String> heldState = new AtomicReference<>();
        AtomicReference<State> finalState = new AtomicReference<>();
        Flow0<Void> flow = Flow.named("f").executor(new ConcurrentExecutor()).procedure(() -> {
            TaskFuture<Integer> f = plusOne.submit(boom.submit());
            heldState.set(f.state().name());
            release.countDown();
            finalState.set(f.await());
        });

        flow.run();

        assertThat(called).isFalse();
        assertThat(heldState.get()).isEqualTo("Pending");
        assertThat(finalState.get()).hasToString("NotReady('Upstream task run 'boom-0' did not reach a 'COMPLETED' state.')");
    }
}
