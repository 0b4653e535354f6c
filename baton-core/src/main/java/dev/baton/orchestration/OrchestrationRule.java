package dev.baton.orchestration;

import dev.baton.State;

/**
 * One small piece of orchestration, as in Prefect's rules: it looks at a proposed transition
 * before it happens and answers with one verb, and may act once the run's new state is recorded.
 * Rules run in a {@link Policy}'s order; each sees the proposal as earlier rules adjusted it.
 *
 * <p>A rule that does not care about a transition, or lacks what it needs in the transition's
 * context, accepts it unchanged ({@link Transition#accept()}).
 */
public interface OrchestrationRule {

    /**
     * Looks at {@code transition} before it happens: ACCEPT (the proposed state, or an adjusted one
     * that later rules then see), REJECT, WAIT or ABORT. The first answer other than ACCEPT ends
     * the policy's run of rules.
     */
    Decision before(Transition transition);

    /**
     * Acts once {@code recorded} is the run's state: the accepted state, or a rejection's
     * replacement. Called for every rule of the policy, whatever its {@code before} answered.
     */
    default void after(Transition transition, State recorded) {}

    /**
     * Gives back what {@link #before} took (a concurrency slot) when the transition did not happen
     * after all: a later rule did not accept it, or the run had meanwhile reached a terminal state.
     */
    default void undo(Transition transition) {}
}
