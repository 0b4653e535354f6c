package dev.baton.server;

import dev.baton.spi.StateRecord;

/**
 * The answer to a proposed state, as {@code set_state} gives it: ACCEPT (with the state as
 * entered, possibly renamed), REJECT (with the state to use instead: the current one), WAIT
 * (propose again after {@code delaySeconds}) or ABORT (give the run up).
 */
record Decision(Status status, StateRecord state, Double delaySeconds, String reason) {

    /** The four verbs of orchestration. */
    enum Status { ACCEPT, REJECT, WAIT, ABORT }

    static Decision accept(StateRecord state) {
        return new Decision(Status.ACCEPT, state, null, null);
    }

    static Decision reject(StateRecord current, String reason) {
        return new Decision(Status.REJECT, current, null, reason);
    }
}
