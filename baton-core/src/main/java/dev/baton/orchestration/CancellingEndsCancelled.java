package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;

/**
 * A run that is Cancelling can only become Cancelled: any other proposal (Running for a retry,
 * AwaitingRetry, a Completed or Failed outcome) is rejected and the run stays Cancelling, so its
 * engine ends it Cancelled. Prefect 2's {@code EnforceCancellingToCancelledTransition}. A record
 * enforces the same check atomically when it appends a state ({@link #refuses}), so a proposal
 * racing a cancellation cannot land after Cancelling either.
 */
final class CancellingEndsCancelled implements OrchestrationRule {

    /** True if a run in state {@code current} may not move to {@code proposed}. */
    static boolean refuses(State current, State proposed) {
        return current != null && current.type() == StateType.CANCELLING && proposed.type() != StateType.CANCELLED;
    }

    /** Why a transition of a run that is cancelling was rejected. */
    static String reason(RunKind kind) {
        return "The " + kind.displayName() + " is cancelling; it can only move to Cancelled";
    }

    @Override
    public Decision before(Transition t) {
        return refuses(t.initial(), t.proposed()) ? Decision.reject(t.initial(), reason(t.kind())) : t.accept();
    }
}
