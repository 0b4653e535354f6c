package dev.baton.orchestration;

import dev.baton.State;

/**
 * Where a policy records the state it decided on: a run's history in memory, or a row in the
 * server's database.
 */
@FunctionalInterface
public interface StateRecorder {

    /**
     * Makes {@code state} the run's current state, unless the run already is in a terminal state
     * (or is Cancelling and {@code state} is not Cancelled); the check and the write are atomic,
     * so of two concurrent proposals of a terminal state exactly one is recorded.
     *
     * @return null if {@code state} was recorded, else the state that stands
     */
    State record(State state);
}
