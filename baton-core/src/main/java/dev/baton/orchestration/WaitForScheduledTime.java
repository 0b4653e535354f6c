package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.State;
import dev.baton.internal.Durations;

import java.time.Duration;
import java.time.Instant;

/**
 * A scheduled run (Scheduled, AwaitingRetry) does not start before it is due: a proposed RUNNING
 * while the run is SCHEDULED with a time still ahead waits for the time that remains.
 */
final class WaitForScheduledTime implements OrchestrationRule {
    private final Clock clock;

    WaitForScheduledTime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Decision before(Transition t) {
        State initial = t.initial();
        if (!t.proposed().isRunning() || initial == null || !initial.isScheduled()) return t.accept();
        Instant due = initial.scheduledTime().orElse(null);
        if (due == null) return t.accept();
        long dueNanos = due.getEpochSecond() * 1_000_000_000L + due.getNano();
        long remaining = dueNanos - clock.epochNanos();
        if (remaining <= 0) return t.accept();
        Duration wait = Duration.ofNanos(remaining);
        return Decision.waitFor(wait, "The " + t.kind().displayName() + " is " + initial.name() + " until " + due
                + "; " + Durations.format(wait) + " to go");
    }
}
