package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;

/** A run that has run before and runs again is Retrying, not Running (Prefect renames reruns). */
final class RenameReruns implements OrchestrationRule {
    static final String RETRYING = "Retrying";

    @Override
    public Decision before(Transition t) {
        State p = t.proposed();
        if (!p.isRunning() || t.context().runCount() == 0 || !p.name().equals(StateType.RUNNING.displayName())) {
            return t.accept();
        }
        return Decision.accept(State.of(StateType.RUNNING, RETRYING, p.epochNanos(), p.message().orElse(null), null));
    }
}
