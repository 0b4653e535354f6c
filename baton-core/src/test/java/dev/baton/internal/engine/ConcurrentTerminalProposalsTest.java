package dev.baton.internal.engine;

import dev.baton.Clock;
import dev.baton.SequentialExecutor;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.orchestration.Decision;
import dev.baton.orchestration.Policy;
import dev.baton.orchestration.RunKind;
import dev.baton.orchestration.Transition;
import dev.baton.spi.InMemoryRunStore;
import org.junit.jupiter.api.RepeatedTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads propose terminal states for one run at once: exactly one is recorded, every other
 * proposal is rejected with that one, and a flow run's result agrees with the recorded state.
 */
class ConcurrentTerminalProposalsTest {
    private static final int THREADS = 16;
    private static final StateType[] TERMINAL = {StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED};

    private final InMemoryRunStore store = InMemoryRunStore.unbounded();
    private final FlowDefinition flow = new FlowDefinition("race", null, null, Set.of("t"), new SequentialExecutor(), false,
            args -> null, FlowOptions.PLAIN);

    private FlowRunRecord<Object> newRun() {
        FlowRunRecord<Object> run = new FlowRunRecord<>(flow, new Object[0], null, null, store);
        run.append(State.of(StateType.PENDING, null, 1, null, null));
        run.append(State.of(StateType.RUNNING, null, 2, null, null));
        return run;
    }

    /** Starts {@code THREADS} threads that run {@code proposal(i)} together; returns once all are done. */
    private static void together(java.util.function.IntConsumer proposal) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                proposal.accept(n);
            }));
        }
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(30));
    }

    private static State terminal(int i) {
        return State.of(TERMINAL[i % TERMINAL.length], null, 100 + i, "proposal " + i, null);
    }

    @RepeatedTest(20)
    void throughThePolicyExactlyOneTerminalStateIsRecordedAndTheOthersAreRejectedWithIt() throws Exception {
        FlowRunRecord<Object> run = newRun();
        Policy policy = Policy.forFlowRuns(Clock.system());
        ConcurrentLinkedQueue<Decision> decisions = new ConcurrentLinkedQueue<>();

        together(i -> decisions.add(policy.apply(new Transition(RunKind.FLOW_RUN, run.id(), run.tags(), run.state(),
                terminal(i), Transition.Context.NONE), s -> run.finish(s, "result " + i, null))));

        List<State> terminals = run.history().stream().filter(State::isFinal).toList();
        assertThat(terminals).hasSize(1);
        State winner = terminals.get(0);
        assertThat(run.history()).hasSize(3);
        assertThat(decisions).hasSize(THREADS);
        assertThat(decisions).filteredOn(d -> d.status() == Decision.Status.ACCEPT).hasSize(1)
                .allSatisfy(d -> assertThat(d.state()).isSameAs(winner));
        assertThat(decisions).filteredOn(d -> d.status() == Decision.Status.REJECT).hasSize(THREADS - 1)
                .allSatisfy(d -> assertThat(d.state()).isSameAs(winner));
        if (winner.isCompleted()) {
            // the result is the winner's: its proposal number is in both
            String n = winner.message().orElseThrow().substring("proposal ".length());
            assertThat(run.result()).isEqualTo("result " + n);
        }
    }

    @RepeatedTest(20)
    void appendingDirectlyTheRecordKeepsTheFirstTerminalState() throws Exception {
        FlowRunRecord<Object> run = newRun();
        ConcurrentLinkedQueue<State> refusals = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<State> appended = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<State> lateOnesRecorded = new ConcurrentLinkedQueue<>();

        together(i -> {
            State s = terminal(i);
            State standing = run.append(s);
            if (standing == null) appended.add(s);
            else refusals.add(standing);
            // and a non-terminal state after it is refused too
            State late = State.of(StateType.RUNNING, null, 200 + i, null, null);
            if (run.append(late) == null) lateOnesRecorded.add(late);
        });

        assertThat(appended).hasSize(1);
        assertThat(run.history()).hasSize(3).last().isSameAs(appended.peek());
        assertThat(refusals).hasSize(THREADS - 1).allSatisfy(s -> assertThat(s).isSameAs(appended.peek()));
        assertThat(lateOnesRecorded).isEmpty();
    }
    @RepeatedTest(20)
    void onlyCancelledIsRecordedAfterCancellingWhateverRacesIt() throws Exception {
        FlowRunRecord<Object> run = newRun();
        Policy policy = Policy.forFlowRuns(Clock.system());
        Transition.Retries retries = new Transition.Retries(1000, dev.baton.RetryDelay.none(), t -> true);

        // one thread cancels; the others propose what a flow run's engine proposes as it retries:
        // failures (turned into AwaitingRetry) and reruns
        together(i -> {
            for (int k = 0; k < (i == 0 ? 1 : 20); k++) {
                State s = i == 0 ? State.of(StateType.CANCELLING, null, 100, null, null)
                        : k % 2 == 0 ? State.of(StateType.FAILED, null, 100 + i, "proposal " + i, null)
                        : State.of(StateType.RUNNING, null, 100 + i, null, null);
                policy.apply(new Transition(RunKind.FLOW_RUN, run.id(), run.tags(), run.state(), s,
                        new Transition.Context(1, retries, null)), run::append);
            }
        });
        Decision completed = policy.apply(new Transition(RunKind.FLOW_RUN, run.id(), run.tags(), run.state(),
                State.of(StateType.COMPLETED, null, 300, null, null), Transition.Context.NONE), s -> run.finish(s, "late", null));
        Decision cancelled = policy.apply(new Transition(RunKind.FLOW_RUN, run.id(), run.tags(), run.state(),
                State.of(StateType.CANCELLED, null, 301, null, null), Transition.Context.NONE), s -> run.finish(s, null, null));

        List<StateType> types = run.history().stream().map(State::type).toList();
        int cancelling = types.indexOf(StateType.CANCELLING);
        assertThat(cancelling).as("Cancelling was recorded").isGreaterThan(0);
        assertThat(types.subList(cancelling + 1, types.size())).containsExactly(StateType.CANCELLED);
        assertThat(completed.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(completed.state().type()).isEqualTo(StateType.CANCELLING);
        assertThat(cancelled.status()).isEqualTo(Decision.Status.ACCEPT);
    }
}
