package dev.baton.orchestration;

import dev.baton.RetryDelay;
import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import static dev.baton.orchestration.Transitions.failed;
import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.task;
import static org.assertj.core.api.Assertions.assertThat;

/** A failed run with retries left is retried: AwaitingRetry, due after the delay. */
class RetryFailedRunsTest {
    private final TestClock clock = new TestClock();
    private final RetryFailedRuns rule = new RetryFailedRuns(clock);
    private final State running = state(clock, StateType.RUNNING);

    private static Transition.Context attempt(int attempts, int retries, RetryDelay delay) {
        return new Transition.Context(attempts, new Transition.Retries(retries, delay, t -> true), null);
    }

    @Test
    void aFailureWithRetriesLeftBecomesAwaitingRetryDueAfterTheDelay() {
        State failed = failed(clock, new IllegalStateException("boom 1"));

        Decision d = rule.before(task(running, failed, attempt(1, 2, RetryDelay.fixed(Duration.ofSeconds(43)))));

        assertThat(d).isInstanceOf(Decision.Reject.class);
        State awaiting = d.state();
        assertThat(awaiting.type()).isEqualTo(StateType.SCHEDULED);
        assertThat(awaiting.name()).isEqualTo("AwaitingRetry");
        assertThat(awaiting.timestamp()).isEqualTo(TestClock.START);
        assertThat(awaiting.scheduledTime()).contains(TestClock.START.plusSeconds(43));
        assertThat(awaiting.message()).contains("Retry 1/2 in 43 s after IllegalStateException: boom 1");
    }

    @Test
    void theDelayIsAskedForTheRetryNumber() {
        RetryDelay delay = RetryDelay.of(Duration.ofSeconds(1), Duration.ofSeconds(5));

        State second = rule.before(task(running, failed(clock, new RuntimeException()), attempt(2, 3, delay))).state();

        assertThat(second.scheduledTime()).contains(TestClock.START.plusSeconds(5));
        assertThat(second.message()).contains("Retry 2/3 in 5 s after RuntimeException");
    }

    @Test
    void theLastAllowedFailureStands() {
        State failed = failed(clock, new IllegalStateException("boom 3"));

        assertThat(rule.before(task(running, failed, attempt(3, 2, RetryDelay.none())))).isEqualTo(Decision.accept(failed));
    }

    @Test
    void aFailureTheConditionRefusesStands() {
        State failed = failed(clock, new IllegalArgumentException("bad input"));
        Transition.Context context = new Transition.Context(1,
                new Transition.Retries(3, RetryDelay.none(), t -> !(t instanceof IllegalArgumentException)), null);

        assertThat(rule.before(task(running, failed, context))).isEqualTo(Decision.accept(failed));
    }

    @Test
    void aConditionOrDelayThatThrowsMeansNoRetry() {
        State failed = failed(clock, new IllegalStateException("x"));
        Transition.Context badCondition = new Transition.Context(1, new Transition.Retries(3, RetryDelay.none(), t -> {
            throw new IllegalStateException("condition broke");
        }), null);
        Transition.Context badDelay = new Transition.Context(1, new Transition.Retries(3, n -> {
            throw new IllegalStateException("delay broke");
        }, t -> true), null);
        Transition.Context noDelay = new Transition.Context(1, new Transition.Retries(3, n -> null, t -> true), null);

        assertThat(rule.before(task(running, failed, badCondition))).isEqualTo(Decision.accept(failed));
        assertThat(rule.before(task(running, failed, badDelay))).isEqualTo(Decision.accept(failed));
        assertThat(rule.before(task(running, failed, noDelay))).isEqualTo(Decision.accept(failed));
    }

    @Test
    void crashesAndCancellationsAreNeverRetried() {
        State crashed = State.of(StateType.CRASHED, null, clock.epochNanos(), "Task run crashed: OutOfMemoryError",
                new OutOfMemoryError());
        State cancelled = state(clock, StateType.CANCELLED);

        assertThat(rule.before(task(running, crashed, attempt(1, 3, RetryDelay.none())))).isEqualTo(Decision.accept(crashed));
        assertThat(rule.before(task(running, cancelled, attempt(1, 3, RetryDelay.none())))).isEqualTo(Decision.accept(cancelled));
    }

    @Test
    void aTimedOutRunIsRetriedNamingItsTimeout() {
        TimeoutException limit = new TimeoutException("Task run 'slow-0' exceeded its timeout of 150 ms");
        State timedOut = State.of(StateType.FAILED, "TimedOut", clock.epochNanos(), limit.getMessage(), limit);

        State awaiting = rule.before(task(running, timedOut, attempt(1, 1, RetryDelay.none()))).state();

        assertThat(awaiting.message())
                .contains("Retry 1/1 in 0 ms after TimeoutException: Task run 'slow-0' exceeded its timeout of 150 ms");
        assertThat(awaiting.scheduledTime()).contains(TestClock.START);
    }

    @Test
    void aFlowRunsFailureIsNamedByItsState() {
        State failed = State.of(StateType.FAILED, null, clock.epochNanos(), "2/2 states failed.", null);
        Transition flow = new Transition(RunKind.FLOW_RUN, Transitions.RUN, Set.of(), running, failed,
                attempt(1, 1, RetryDelay.none()));

        assertThat(rule.before(flow).state().message()).contains("Retry 1/1 in 0 ms after Failed('2/2 states failed.')");
    }

    @Test
    void withoutRetryOptionsAFailureStands() {
        // the server's context: the client's engine decides retries
        State failed = failed(clock, new IllegalStateException("x"));

        assertThat(rule.before(task(running, failed, Transition.Context.runCount(1)))).isEqualTo(Decision.accept(failed));
    }

    @Test
    void otherProposalsAreNotItsBusiness() {
        State completed = state(clock, StateType.COMPLETED);

        assertThat(rule.before(task(running, completed, attempt(1, 3, RetryDelay.none())))).isEqualTo(Decision.accept(completed));
    }
}
