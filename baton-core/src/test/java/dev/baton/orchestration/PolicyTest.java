package dev.baton.orchestration;

import dev.baton.RetryDelay;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.ConcurrencySlots;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.baton.orchestration.Transitions.RUN;
import static dev.baton.orchestration.Transitions.failed;
import static dev.baton.orchestration.Transitions.state;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task and flow run policies: the rules in order, what gets recorded, the after-hooks,
 * giving back what a transition that did not happen took, and the server's partial context.
 */
class PolicyTest {
    private final TestClock clock = new TestClock();
    private final TagConcurrencySlotsTest.ScriptedSlots slots = new TagConcurrencySlotsTest.ScriptedSlots();
    private final CachingRulesTest.MapCache cache = new CachingRulesTest.MapCache();
    private final Policy tasks = Policy.forTaskRuns(clock, slots, cache);
    private final History history = new History();

    /** A run's history in a list, refusing states after a terminal one, as a record does. */
    static final class History implements StateRecorder {
        final List<State> states = new ArrayList<>();

        @Override
        public synchronized State record(State state) {
            State current = current();
            if (NoLeavingTerminalStates.refuses(current)) return current;
            states.add(state);
            return null;
        }

        synchronized State current() {
            return states.isEmpty() ? null : states.get(states.size() - 1);
        }

        synchronized List<String> names() {
            return states.stream().map(State::name).toList();
        }
    }

    private Decision propose(Policy policy, State proposed, Transition.Context context, Set<String> tags) {
        return policy.apply(new Transition(RunKind.TASK_RUN, RUN, tags, history.current(), proposed, context), history);
    }

    private Decision propose(State proposed, Transition.Context context) {
        return propose(tasks, proposed, context, Set.of("db"));
    }

    private State running() {
        return state(clock, StateType.RUNNING);
    }

    @Test
    void aRetriedTaskRunGoesThroughAwaitingRetryAndRetrying() {
        Transition.Retries retries = new Transition.Retries(1, RetryDelay.fixed(Duration.ofSeconds(10)), t -> true);
        propose(state(clock, StateType.PENDING), Transition.Context.NONE);
        propose(running(), Transition.Context.NONE);

        Decision retry = propose(failed(clock, new IllegalStateException("boom")), new Transition.Context(1, retries, null));
        Decision early = propose(running(), new Transition.Context(1, retries, null));
        clock.advance(((Decision.Wait) early).delay());
        Decision rerun = propose(running(), new Transition.Context(1, retries, null));
        Decision last = propose(failed(clock, new IllegalStateException("boom again")), new Transition.Context(2, retries, null));

        assertThat(retry.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(early.status()).isEqualTo(Decision.Status.WAIT);
        assertThat(((Decision.Wait) early).delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(rerun.status()).isEqualTo(Decision.Status.ACCEPT);
        assertThat(last.status()).isEqualTo(Decision.Status.ACCEPT);
        assertThat(history.names()).containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Failed");
        assertThat(history.states.get(3).timestamp()).isEqualTo(TestClock.START.plusSeconds(10));
        // slots taken for each RUNNING, given back on leaving it (AwaitingRetry, then Failed)
        assertThat(slots.calls).containsExactly("acquire " + RUN + " [db]", "release " + RUN,
                "acquire " + RUN + " [db]", "release " + RUN);
    }

    @Test
    void aCacheHitIsRecordedInsteadOfRunningAndTakesNoSlot() {
        cache.insert("k", new CachingRulesTest.Result("v"), CachedResults.NEVER);
        Transition.Context keyed = new Transition.Context(0, null, new Transition.Caching("k", false, null));
        propose(state(clock, StateType.PENDING), keyed);

        Decision d = propose(running(), keyed);

        assertThat(d.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(history.names()).containsExactly("Pending", "Cached");
        assertThat(history.current().result()).isEqualTo("v");
        assertThat(slots.calls).isEmpty();
    }

    @Test
    void anAcceptedCompletionIsInsertedIntoTheCache() {
        Transition.Context keyed = new Transition.Context(1, null, new Transition.Caching("k", false, null));
        propose(running(), keyed);

        propose(State.of(StateType.COMPLETED, null, clock.epochNanos(), null, new CachingRulesTest.Result(7)), keyed);

        assertThat(cache.find("k", clock.epochNanos())).contains(new CachingRulesTest.Result(7));
    }

    @Test
    void aTerminalRunRefusesEverythingAndNothingIsTaken() {
        propose(running(), Transition.Context.NONE);
        propose(state(clock, StateType.COMPLETED), Transition.Context.NONE);
        slots.calls.clear();

        Decision again = propose(running(), Transition.Context.NONE);
        Decision other = propose(state(clock, StateType.FAILED), Transition.Context.NONE);

        assertThat(again).isInstanceOf(Decision.Reject.class);
        assertThat(again.state()).isSameAs(history.current());
        assertThat(other.state()).isSameAs(history.current());
        assertThat(history.names()).containsExactly("Running", "Completed");
        assertThat(slots.calls).isEmpty();
    }

    @Test
    void slotsTakenForARunningTheRecordRefusesAreGivenBack() {
        // the run was cancelled between reading its state and recording Running
        State pending = state(clock, StateType.PENDING);
        history.record(pending);
        State cancelled = state(clock, StateType.CANCELLED);
        StateRecorder cancelledMeanwhile = s -> cancelled;

        Decision d = tasks.apply(new Transition(RunKind.TASK_RUN, RUN, Set.of("db"), pending, running(),
                Transition.Context.NONE), cancelledMeanwhile);

        assertThat(d).isEqualTo(Decision.reject(cancelled,
                "The task run is already in terminal state Cancelled(); it cannot change state again"));
        assertThat(slots.calls).containsExactly("acquire " + RUN + " [db]", "release " + RUN);
    }

    @Test
    void aWaitRecordsNothing() {
        slots.answer = new ConcurrencySlots.Acquisition.RetryAfter(Duration.ofSeconds(2), "db");
        propose(state(clock, StateType.PENDING), Transition.Context.NONE);

        Decision d = propose(running(), Transition.Context.NONE);

        assertThat(d).isEqualTo(Decision.waitFor(Duration.ofSeconds(2), "Every concurrency slot of tag 'db' is taken"));
        assertThat(history.names()).containsExactly("Pending");
    }

    @Test
    void theServersPartialContextAppliesTheGuardWaitSlotsAndRenameButLeavesRetriesAndCacheToTheClient() {
        Policy server = Policy.forTaskRuns(clock, slots, CachedResults.NONE);
        cache.insert("k", new CachingRulesTest.Result("v"), CachedResults.NEVER); // not the server's
        history.record(State.of(StateType.SCHEDULED, "AwaitingRetry", clock.epochNanos(), null, clock.now().plusSeconds(5)));

        Decision early = propose(server, running(), Transition.Context.runCount(1), Set.of("db"));
        clock.advance(Duration.ofSeconds(5));
        Decision rerun = propose(server, running(), Transition.Context.runCount(1), Set.of("db"));
        Decision failure = propose(server, failed(clock, new IllegalStateException("x")), Transition.Context.runCount(2), Set.of("db"));
        Decision after = propose(server, running(), Transition.Context.runCount(2), Set.of("db"));

        assertThat(early.status()).isEqualTo(Decision.Status.WAIT);
        assertThat(rerun.state()).hasToString("Retrying()");
        assertThat(failure.status()).as("no retry options: the failure stands").isEqualTo(Decision.Status.ACCEPT);
        assertThat(after.status()).isEqualTo(Decision.Status.REJECT);
        assertThat(history.names()).containsExactly("AwaitingRetry", "Retrying", "Failed");
        assertThat(slots.calls).containsExactly("acquire " + RUN + " [db]", "release " + RUN);
    }

    @Test
    void aFailingAfterHookDoesNotUndoTheRecordedState() {
        CachedResults broken = new CachedResults() {
            @Override
            public java.util.Optional<dev.baton.PersistedResult> find(String key, long now) {
                return java.util.Optional.empty();
            }

            @Override
            public void insert(String key, dev.baton.PersistedResult result, long expires) {
                throw new IllegalStateException("disk full");
            }
        };
        Policy policy = Policy.forTaskRuns(clock, ConcurrencySlots.NONE, broken);
        Transition.Context keyed = new Transition.Context(1, null, new Transition.Caching("k", false, null));
        State completed = State.of(StateType.COMPLETED, null, clock.epochNanos(), null, new CachingRulesTest.Result(1));

        Decision d = propose(policy, completed, keyed, Set.of());

        assertThat(d).isEqualTo(Decision.accept(completed));
        assertThat(history.current()).isSameAs(completed);
    }

    @Test
    void laterRulesSeeTheProposalAsEarlierOnesAdjustedIt() {
        List<String> seen = new ArrayList<>();
        OrchestrationRule rename = t -> Decision.accept(State.of(StateType.RUNNING, "Renamed", clock.epochNanos(), null, null));
        OrchestrationRule look = t -> {
            seen.add(t.proposed().name());
            return t.accept();
        };
        Policy policy = new Policy(List.of(rename, look));

        Decision d = propose(policy, running(), Transition.Context.NONE, Set.of());

        assertThat(seen).containsExactly("Renamed");
        assertThat(d.state().name()).isEqualTo("Renamed");
        assertThat(history.names()).containsExactly("Renamed");
    }

    @Test
    void theFlowPolicyRetriesAndRenamesButHasNoSlotsOrCache() {
        Policy flows = Policy.forFlowRuns(clock);
        Transition.Retries retries = new Transition.Retries(1, RetryDelay.none(), t -> true);
        State failed = State.of(StateType.FAILED, null, clock.epochNanos(), "Flow run encountered an exception: x", null);
        history.record(running());

        Decision retry = flows.apply(new Transition(RunKind.FLOW_RUN, RUN, Set.of("db"), history.current(), failed,
                new Transition.Context(1, retries, null)), history);
        Decision rerun = flows.apply(new Transition(RunKind.FLOW_RUN, RUN, Set.of("db"), history.current(), running(),
                new Transition.Context(1, retries, null)), history);

        assertThat(retry.state().message()).contains("Retry 1/1 in 0 ms after Failed('Flow run encountered an exception: x')");
        assertThat(rerun.state()).hasToString("Retrying()");
        assertThat(history.names()).containsExactly("Running", "AwaitingRetry", "Retrying");
        assertThat(slots.calls).isEmpty();
        assertThat(flows).hasToString("Policy[NoLeavingTerminalStates, CancellingEndsCancelled, WaitForScheduledTime, RetryFailedRuns, RenameReruns]");
    }
}
