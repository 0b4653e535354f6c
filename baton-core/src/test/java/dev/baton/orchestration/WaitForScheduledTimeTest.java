package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.baton.orchestration.Transitions.scheduled;
import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.task;
import static org.assertj.core.api.Assertions.assertThat;

/** A scheduled run does not start before it is due. */
class WaitForScheduledTimeTest {
    private final TestClock clock = new TestClock();
    private final WaitForScheduledTime rule = new WaitForScheduledTime(clock);

    @Test
    void runningBeforeTheScheduledTimeWaitsForTheRest() {
        State awaiting = scheduled(clock, "AwaitingRetry", clock.now().plusSeconds(10));
        clock.advance(Duration.ofSeconds(3));

        Decision d = rule.before(task(awaiting, state(clock, StateType.RUNNING)));

        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(((Decision.Wait) d).delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(((Decision.Wait) d).reason()).isEqualTo("The task run is AwaitingRetry until 2026-01-01T00:00:10Z; 7 s to go");
    }

    @Test
    void runningOnceDueIsAccepted() {
        State awaiting = scheduled(clock, "Scheduled", clock.now().plusSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        State running = state(clock, StateType.RUNNING);

        assertThat(rule.before(task(awaiting, running))).isEqualTo(Decision.accept(running));
        clock.advance(Duration.ofSeconds(1));
        assertThat(rule.before(task(awaiting, running))).isEqualTo(Decision.accept(running));
    }

    @Test
    void otherTransitionsAreNotHeldBack() {
        State awaiting = scheduled(clock, "AwaitingRetry", clock.now().plusSeconds(10));
        State cancelled = state(clock, StateType.CANCELLED);
        State running = state(clock, StateType.RUNNING);

        assertThat(rule.before(task(awaiting, cancelled))).isEqualTo(Decision.accept(cancelled));
        assertThat(rule.before(task(scheduled(clock, "Scheduled", null), running))).isEqualTo(Decision.accept(running));
        assertThat(rule.before(task(state(clock, StateType.PENDING), running))).isEqualTo(Decision.accept(running));
        assertThat(rule.before(task(null, running))).isEqualTo(Decision.accept(running));
    }
}
