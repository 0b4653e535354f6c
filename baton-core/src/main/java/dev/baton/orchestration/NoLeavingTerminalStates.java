package dev.baton.orchestration;

import dev.baton.State;

/**
 * A run in a terminal state (Completed, Failed, Cancelled, Crashed) stays there: any proposal
 * is rejected with the state the run is in. A record enforces the same check atomically when it
 * appends a state ({@link #refuses}), so of two concurrent terminal proposals exactly one wins.
 */
final class NoLeavingTerminalStates implements OrchestrationRule {

    /** True if a run in state {@code current} may not move to any other state. */
    static boolean refuses(State current) {
        return current != null && current.type().isFinal();
    }

    /** Why a transition of a run standing in terminal state {@code standing} was rejected. */
    static String reason(RunKind kind, State standing) {
        return "The " + kind.displayName() + " is already in terminal state " + standing + "; it cannot change state again";
    }

    @Override
    public Decision before(Transition t) {
        return refuses(t.initial()) ? Decision.reject(t.initial(), reason(t.kind(), t.initial())) : t.accept();
    }
}
