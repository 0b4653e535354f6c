package dev.baton.server;

import dev.baton.spi.StateRecord;

/**
 * Decides a state proposed for a run through {@code set_state} and records the outcome. Called
 * with the run's lock held (see {@link ActiveRuns}), so the rules see a current state no other
 * proposal is changing, and their decision and its recording are one step.
 */
interface StateRules {

    /**
     * Decides {@code proposed} for {@code run} (current state {@code run.state}, null for none yet)
     * and records the state decided on through {@code recorder}.
     */
    Decision decide(ActiveRuns.Run run, StateRecord proposed, Recorder recorder);

    /** Records a state decided on as the run's current one. */
    @FunctionalInterface
    interface Recorder {
        /** Records {@code state}; null if recorded, else the terminal state that stands. */
        StateRecord record(StateRecord state);
    }
}
