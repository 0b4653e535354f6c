package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.State;
import dev.baton.spi.ConcurrencySlots;

/**
 * A run with limited tags runs only holding a slot of each: a proposed RUNNING takes the slots
 * (ACCEPT), or waits for them (WAIT, when the keeper says when to try again). The slots are given
 * back when the run leaves RUNNING (AwaitingRetry between attempts, or its final state), or at
 * once if the transition to RUNNING does not happen after all. A tag with limit 0 would make its
 * runs wait forever: the rule aborts them (the run fails, saying which tag) instead.
 *
 * <p>The accepted RUNNING carries the time the slots were taken, not the time it was proposed:
 * taking them may wait (for an in-process slot, or for the store's answer), and a run's recorded
 * start must never precede the end of the run whose slot it took.
 */
final class TagConcurrencySlots implements OrchestrationRule {
    private final Clock clock;
    private final ConcurrencySlots slots;

    TagConcurrencySlots(Clock clock, ConcurrencySlots slots) {
        this.clock = clock;
        this.slots = slots;
    }

    @Override
    public Decision before(Transition t) {
        if (!t.proposed().isRunning() || t.tags().isEmpty()) return t.accept();
        String never = slots.tagLimitedToZero(t.tags());
        if (never != null) { // waiting would be forever: abort, as Prefect does
            return Decision.abort("The concurrency limit of tag '" + never + "' is 0, so a " + t.kind().displayName()
                    + " carrying it can never run. Raise the limit (./baton concurrency-limit create " + never
                    + " N, or ConcurrencyLimits) or take the tag off the task");
        }
        ConcurrencySlots.Acquisition answer;
        try {
            answer = slots.acquire(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller tells a cancellation from other interrupts
            return Decision.abort("Interrupted while the " + t.kind().displayName() + " waited for a concurrency slot of "
                    + t.tags());
        }
        if (answer instanceof ConcurrencySlots.Acquisition.RetryAfter later) {
            return Decision.waitFor(later.delay(), "Every concurrency slot of tag '" + later.tag() + "' is taken");
        }
        State proposed = t.proposed();
        long now = clock.epochNanos();
        if (now <= proposed.epochNanos()) return t.accept();
        // a RUNNING carries no data
        return Decision.accept(State.of(proposed.type(), proposed.name(), now, proposed.message().orElse(null), null));
    }

    @Override
    public void undo(Transition t) {
        if (t.proposed().isRunning() && !t.tags().isEmpty()) slots.release(t.runId());
    }

    @Override
    public void after(Transition t, State recorded) {
        State initial = t.initial();
        if (!recorded.isRunning() && initial != null && initial.isRunning() && !t.tags().isEmpty()) {
            slots.release(t.runId());
        }
    }
}
