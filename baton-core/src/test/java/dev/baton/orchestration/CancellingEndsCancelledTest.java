package dev.baton.orchestration;

import dev.baton.RetryDelay;
import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Set;

import static dev.baton.orchestration.Transitions.RUN;
import static dev.baton.orchestration.Transitions.state;
import static org.assertj.core.api.Assertions.assertThat;

/** A flow run that is Cancelling can only become Cancelled (Prefect's EnforceCancellingToCancelledTransition). */
class CancellingEndsCancelledTest {
    private final TestClock clock = new TestClock();
    private final CancellingEndsCancelled rule = new CancellingEndsCancelled();

    private static Transition flow(State initial, State proposed, Transition.Context context) {
        return new Transition(RunKind.FLOW_RUN, RUN, Set.of(), initial, proposed, context);
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = "CANCELLED", mode = EnumSource.Mode.EXCLUDE)
    void anyProposalButCancelledIsRejectedAndTheRunStaysCancelling(StateType proposed) {
        State cancelling = state(clock, StateType.CANCELLING);

        Decision d = rule.before(flow(cancelling, state(clock, proposed), Transition.Context.NONE));

        assertThat(d).isInstanceOf(Decision.Reject.class);
        assertThat(d.state()).isSameAs(cancelling);
        assertThat(((Decision.Reject) d).reason()).isEqualTo("The flow run is cancelling; it can only move to Cancelled");
    }

    @Test
    void cancelledIsAccepted() {
        State cancelled = state(clock, StateType.CANCELLED);

        assertThat(rule.before(flow(state(clock, StateType.CANCELLING), cancelled, Transition.Context.NONE)))
                .isEqualTo(Decision.accept(cancelled));
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"SCHEDULED", "PENDING", "RUNNING", "PAUSED"})
    void runsNotCancellingMoveFreely(StateType current) {
        State proposed = state(clock, StateType.COMPLETED);

        assertThat(rule.before(flow(state(clock, current), proposed, Transition.Context.NONE)))
                .isEqualTo(Decision.accept(proposed));
    }

    @Test
    void throughTheFlowPolicyAFailureWhileCancellingIsNotRetriedAndNothingIsRecorded() {
        PolicyTest.History history = new PolicyTest.History();
        history.record(state(clock, StateType.RUNNING));
        history.record(state(clock, StateType.CANCELLING));
        Transition.Retries retries = new Transition.Retries(3, RetryDelay.none(), t -> true);
        State failed = State.of(StateType.FAILED, null, clock.epochNanos(), "Flow run encountered an exception: x", null);

        Decision retry = Policy.forFlowRuns(clock).apply(flow(history.current(), failed,
                new Transition.Context(1, retries, null)), history);
        Decision rerun = Policy.forFlowRuns(clock).apply(flow(history.current(), state(clock, StateType.RUNNING),
                new Transition.Context(1, retries, null)), history);
        Decision cancelled = Policy.forFlowRuns(clock).apply(flow(history.current(), state(clock, StateType.CANCELLED),
                Transition.Context.NONE), history);

        assertThat(retry).isInstanceOf(Decision.Reject.class);
        assertThat(rerun).isInstanceOf(Decision.Reject.class);
        assertThat(cancelled).isInstanceOf(Decision.Accept.class);
        assertThat(history.names()).containsExactly("Running", "Cancelling", "Cancelled");
    }
}
