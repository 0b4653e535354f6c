package dev.baton.orchestration;

import dev.baton.Clock;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.ConcurrencySlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;

/**
 * An ordered list of rules that decides the transitions of one kind of run (Prefect's core
 * policies). {@link #apply} runs the rules, records the outcome and runs the after-hooks:
 *
 * <pre>{@code
 * Policy policy = Policy.forTaskRuns(clock, tagLimits, cachedResults);
 * Decision d = policy.apply(new Transition(RunKind.TASK_RUN, id, tags, current, State.running(), context),
 *                           record::append);
 * switch (d) {
 *     case Decision.Accept a -> ...          // a.state() is recorded
 *     case Decision.Reject r -> ...          // r.state() stands (recorded if it replaced the proposal)
 *     case Decision.Wait w -> ...            // propose again after w.delay()
 *     case Decision.Abort x -> ...
 * }
 * }</pre>
 */
public final class Policy {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.orchestration");

    private final List<OrchestrationRule> rules;

    /** A policy of {@code rules}, applied in this order. */
    public Policy(List<? extends OrchestrationRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * The task run policy: no transition out of a terminal state, cache retrieval, waiting for a
     * scheduled time, tag concurrency slots, retries, renaming reruns, cache insertion.
     *
     * @param slots the tag concurrency slots (the engine's in-process limits, or the server's shared ones)
     * @param cache the result cache, or {@link CachedResults#NONE} where the caller decides caching (the server)
     */
    public static Policy forTaskRuns(Clock clock, ConcurrencySlots slots, CachedResults cache) {
        return new Policy(List.of(
                new NoLeavingTerminalStates(),
                new RetrieveFromCache(clock, cache),
                new WaitForScheduledTime(clock),
                new TagConcurrencySlots(clock, slots),
                new RetryFailedRuns(clock),
                new RenameReruns(),
                new InsertIntoCache(clock, cache)));
    }

    /**
     * The flow run policy: no transition out of a terminal state, only Cancelled after Cancelling,
     * waiting for a scheduled time, retries, renaming reruns.
     */
    public static Policy forFlowRuns(Clock clock) {
        return new Policy(List.of(
                new NoLeavingTerminalStates(),
                new CancellingEndsCancelled(),
                new WaitForScheduledTime(clock),
                new RetryFailedRuns(clock),
                new RenameReruns()));
    }

    /**
     * True if a run in state {@code current} may not move to {@code proposed} whatever a policy
     * says: out of a terminal state, and from Cancelling to anything but Cancelled. A run's record
     * checks this atomically as it appends a state, so of two racing proposals exactly one lands.
     */
    public static boolean refusedByEveryRecord(State current, State proposed) {
        return NoLeavingTerminalStates.refuses(current) || CancellingEndsCancelled.refuses(current, proposed);
    }

    /** The rules, in order. */
    public List<OrchestrationRule> rules() {
        return rules;
    }

    /**
     * Decides {@code transition} and carries the decision out: an accepted state, or a rejection's
     * replacement, is recorded through {@code recorder}, then every rule's after-hook runs. If the
     * recorder refuses (the run reached a terminal state, or Cancelling, meanwhile), the answer is
     * REJECT with that state. Rules that took something for a transition that did not happen give it back.
     */
    public Decision apply(Transition transition, StateRecorder recorder) {
        Objects.requireNonNull(recorder, "recorder");
        Transition current = transition;
        int accepted = 0; // rules whose before() let the transition through: they may have taken something
        Decision decision = null;
        for (OrchestrationRule rule : rules) {
            Decision d = rule.before(current);
            if (d instanceof Decision.Accept a) {
                accepted++;
                if (a.state() != current.proposed()) current = current.withProposed(a.state());
                continue;
            }
            decision = d;
            break;
        }
        if (decision == null) {
            decision = new Decision.Accept(current.proposed());
        } else {
            undo(current, accepted); // the proposed state will not be recorded
        }
        State toRecord = switch (decision) {
            case Decision.Accept a -> a.state();
            case Decision.Reject r -> r.state() == transition.initial() ? null : r.state();
            case Decision.Wait w -> null;
            case Decision.Abort x -> null;
        };
        if (toRecord == null) return decision;
        State standing = recorder.record(toRecord);
        if (standing != null) {
            if (decision instanceof Decision.Accept) undo(current, accepted);
            return new Decision.Reject(standing, standing.type() == StateType.CANCELLING
                    ? CancellingEndsCancelled.reason(transition.kind())
                    : NoLeavingTerminalStates.reason(transition.kind(), standing));
        }
        for (OrchestrationRule rule : rules) {
            try {
                rule.after(current, toRecord);
            } catch (RuntimeException e) {
                // the state is recorded: a failing after-hook cannot undo it, only say so
                LOG.warn("{} of {} {}: acting on state {} failed: {}", rule.getClass().getSimpleName(),
                        transition.kind().displayName(), transition.runId(), toRecord, e.toString(), e);
            }
        }
        return decision;
    }

    private void undo(Transition transition, int rulesThatAccepted) {
        for (int i = rulesThatAccepted - 1; i >= 0; i--) {
            try {
                rules.get(i).undo(transition);
            } catch (RuntimeException e) {
                LOG.warn("{} of {} {}: giving back what it took failed: {}", rules.get(i).getClass().getSimpleName(),
                        transition.kind().displayName(), transition.runId(), e.toString(), e);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Policy[");
        for (int i = 0; i < rules.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(rules.get(i).getClass().getSimpleName());
        }
        return b.append(']').toString();
    }
}
