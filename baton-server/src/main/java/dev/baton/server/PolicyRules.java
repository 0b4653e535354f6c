package dev.baton.server;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.orchestration.Policy;
import dev.baton.orchestration.RunKind;
import dev.baton.orchestration.Transition;
import dev.baton.spi.StateRecord;

import java.time.Instant;

/**
 * The orchestration {@link Policy} of baton-core (the same rules the engine applies in process)
 * deciding {@code set_state} for the server: no leaving a terminal state, waiting for a scheduled
 * time, tag concurrency slots shared by every process reporting here, and renaming reruns. The
 * server knows a run's states, tags and run count but not its retry or cache options, so those
 * rules accept here: the client's engine decided them before proposing.
 */
final class PolicyRules implements StateRules {
    private final Policy policy;
    private final RunKind kind;

    PolicyRules(Policy policy, RunKind kind) {
        this.policy = policy;
        this.kind = kind;
    }

    @Override
    public Decision decide(ActiveRuns.Run run, StateRecord proposed, Recorder recorder) {
        State initial = run.state == null ? null : toState(run.state);
        State proposedState = toState(proposed);
        Transition t = new Transition(kind, run.id, run.tags, initial, proposedState,
                Transition.Context.runCount(run.runCount));
        dev.baton.orchestration.Decision d = policy.apply(t, s -> {
            StateRecord standing = recorder.record(s == proposedState ? proposed : toRecord(s, proposed));
            return standing == null ? null : toState(standing);
        });
        return switch (d) {
            case dev.baton.orchestration.Decision.Accept a ->
                    Decision.accept(a.state() == proposedState ? proposed : toRecord(a.state(), proposed));
            // the current state, or the replacement the policy recorded in the proposal's place
            case dev.baton.orchestration.Decision.Reject r ->
                    new Decision(Decision.Status.REJECT, run.state, null, r.reason());
            case dev.baton.orchestration.Decision.Wait w -> new Decision(Decision.Status.WAIT, run.state,
                    w.delay().toNanos() / 1e9, w.reason());
            case dev.baton.orchestration.Decision.Abort x -> new Decision(Decision.Status.ABORT, run.state,
                    null, x.reason());
        };
    }

    static State toState(StateRecord r) {
        Instant t = r.timestamp();
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        return State.of(r.type(), r.name(), nanos, r.message(), r.type() == StateType.SCHEDULED ? r.scheduledTime()
                : null);
    }

    /** A state a rule made (renamed, replaced) as a record; the proposal's result stays with a COMPLETED one. */
    static StateRecord toRecord(State s, StateRecord proposed) {
        return new StateRecord(s.type(), s.name(), s.timestamp(), s.message().orElse(null),
                s.scheduledTime().orElse(null), s.type() == proposed.type() ? proposed.resultRef() : null);
    }
}
