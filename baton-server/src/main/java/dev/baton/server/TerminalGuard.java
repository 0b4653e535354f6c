package dev.baton.server;

import dev.baton.spi.StateRecord;

/**
 * The rule every state passes, whichever way it arrives (set_state or a batch of events): a run
 * in a terminal state (COMPLETED, FAILED, CANCELLED, CRASHED) never leaves it. A proposal for
 * such a run is rejected with the terminal state as the one to use; any other is recorded.
 */
final class TerminalGuard implements StateRules {

    @Override
    public Decision decide(ActiveRuns.Run run, StateRecord proposed, Recorder recorder) {
        StateRecord current = run.state;
        if (current == null || !current.isFinal()) current = recorder.record(proposed);
        if (current == null) return Decision.accept(proposed);
        return Decision.reject(current, reason(run, current, proposed));
    }

    static String reason(ActiveRuns.Run run, StateRecord current, StateRecord proposed) {
        return "The " + run.describe() + " is already " + current.type() + " (a terminal state, never left); "
                + proposed.type() + " was not recorded";
    }
}
