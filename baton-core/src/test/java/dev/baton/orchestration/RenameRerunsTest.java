package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.task;
import static org.assertj.core.api.Assertions.assertThat;

/** A run that runs again is Retrying. */
class RenameRerunsTest {
    private final TestClock clock = new TestClock();
    private final RenameReruns rule = new RenameReruns();
    private final State awaiting = State.of(StateType.SCHEDULED, "AwaitingRetry", clock.epochNanos(), null, clock.now());

    @Test
    void aRerunIsRetrying() {
        State running = state(clock, StateType.RUNNING);

        Decision d = rule.before(task(awaiting, running, Transition.Context.runCount(1)));

        assertThat(d).isInstanceOf(Decision.Accept.class);
        assertThat(d.state()).hasToString("Retrying()");
        assertThat(d.state().type()).isEqualTo(StateType.RUNNING);
        assertThat(d.state().epochNanos()).isEqualTo(running.epochNanos());
    }

    @Test
    void aFirstRunIsRunning() {
        State running = state(clock, StateType.RUNNING);

        assertThat(rule.before(task(state(clock, StateType.PENDING), running))).isEqualTo(Decision.accept(running));
    }

    @Test
    void aNamedRunningStateKeepsItsName() {
        State named = State.of(StateType.RUNNING, "Resuming", clock.epochNanos(), null, null);

        assertThat(rule.before(task(awaiting, named, Transition.Context.runCount(2)))).isEqualTo(Decision.accept(named));
    }

    @Test
    void otherStatesAreNotRenamed() {
        State failed = state(clock, StateType.FAILED);

        assertThat(rule.before(task(awaiting, failed, Transition.Context.runCount(2)))).isEqualTo(Decision.accept(failed));
    }
}
