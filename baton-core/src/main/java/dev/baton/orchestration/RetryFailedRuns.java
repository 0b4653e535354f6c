package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.internal.Durations;
import dev.baton.internal.ExceptionText;

import java.time.Duration;
import java.time.Instant;

/**
 * A failed run with retries left is retried: a proposed FAILED (Failed, TimedOut) is rejected
 * with AwaitingRetry, due once the retry delay has passed, as long as the run has not used up its
 * retries and the retry condition accepts the failure. Crashes and cancellations are never
 * retried. Without retry options in the context (the server), failures stand.
 *
 * <p>The retry condition and delay are the user's code: if either throws, the failure stands (a
 * caller that wants to say why guards them itself, as the engine does, logging with the run).
 */
final class RetryFailedRuns implements OrchestrationRule {
    static final String AWAITING_RETRY = "AwaitingRetry";

    private final Clock clock;

    RetryFailedRuns(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Decision before(Transition t) {
        State failed = t.proposed();
        Transition.Retries retries = t.context().retries();
        if (failed.type() != StateType.FAILED || retries == null) return t.accept();
        int attempts = t.context().runCount();
        if (attempts > retries.retries()) return t.accept();
        Throwable cause = failed.cause()
                .orElseGet(() -> new IllegalStateException(failed.message().orElse(failed.toString())));
        Duration delay;
        try {
            if (!retries.retryIf().test(cause)) return t.accept();
            delay = retries.delay().before(attempts);
        } catch (RuntimeException e) {
            return t.accept();
        }
        if (delay == null) return t.accept();
        if (delay.isNegative()) delay = Duration.ZERO;
        long now = clock.epochNanos();
        String message = "Retry " + attempts + "/" + retries.retries() + " in " + Durations.format(delay)
                + " after " + failureText(t.kind(), failed);
        State awaiting = State.of(StateType.SCHEDULED, AWAITING_RETRY, now, message,
                Instant.ofEpochSecond(0, now + delay.toNanos()));
        return Decision.reject(awaiting, message);
    }

    /** A task run's failure by its exception, as its log reads; a flow run's by its state, which says more. */
    private static String failureText(RunKind kind, State failed) {
        if (kind == RunKind.TASK_RUN && failed.cause().isPresent()) return ExceptionText.of(failed.cause().get());
        return failed.toString();
    }
}
