package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.task;
import static org.assertj.core.api.Assertions.assertThat;

/** A run in a terminal state stays there. */
class NoLeavingTerminalStatesTest {
    private final TestClock clock = new TestClock();
    private final NoLeavingTerminalStates rule = new NoLeavingTerminalStates();

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
    void anyProposalForATerminalRunIsRejectedWithItsState(StateType terminal) {
        State current = state(clock, terminal);
        for (StateType proposed : StateType.values()) {
            Decision d = rule.before(task(current, state(clock, proposed)));

            assertThat(d).isInstanceOf(Decision.Reject.class);
            assertThat(d.state()).isSameAs(current);
            assertThat(((Decision.Reject) d).reason())
                    .isEqualTo("The task run is already in terminal state " + current + "; it cannot change state again");
        }
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING"})
    void aRunNotYetTerminalMayMove(StateType current) {
        State proposed = state(clock, StateType.COMPLETED);

        assertThat(rule.before(task(state(clock, current), proposed))).isEqualTo(Decision.accept(proposed));
    }

    @Test
    void aNewRunMayTakeAnyState() {
        State proposed = state(clock, StateType.PENDING);

        assertThat(rule.before(task(null, proposed))).isEqualTo(Decision.accept(proposed));
    }

    @Test
    void notReadyIsNotTerminal() {
        assertThat(NoLeavingTerminalStates.refuses(State.notReady("upstream failed"))).isFalse();
        assertThat(NoLeavingTerminalStates.refuses(null)).isFalse();
    }
}
