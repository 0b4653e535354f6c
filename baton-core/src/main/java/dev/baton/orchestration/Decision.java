package dev.baton.orchestration;

import dev.baton.State;

import java.time.Duration;
import java.util.Objects;

/**
 * A policy's answer to a proposed transition, as Prefect's {@code set_state} answers:
 * <ul>
 *   <li>{@link Accept}: the run moves to {@link Accept#state()}, the proposed state or an adjusted one (renamed);</li>
 *   <li>{@link Reject}: the proposed state is refused; the run is in {@link Reject#state()} instead, either
 *       its current state (nothing changes) or a replacement (AwaitingRetry, Cached) recorded in its place;</li>
 *   <li>{@link Wait}: nothing changes; propose again after {@link Wait#delay()};</li>
 *   <li>{@link Abort}: nothing changes, and proposing again will not help.</li>
 * </ul>
 */
public sealed interface Decision {

    /** The verb, as the HTTP API spells it. */
    enum Status { ACCEPT, REJECT, WAIT, ABORT }

    Status status();

    /** The state the run is in after this decision, if it names one (ACCEPT and REJECT do). */
    default State state() {
        return null;
    }

    /** Accepts {@code state}. */
    static Decision accept(State state) {
        return new Accept(state);
    }

    /** Rejects the proposed state; the run is to be in {@code state} instead. */
    static Decision reject(State state, String reason) {
        return new Reject(state, reason);
    }

    /** Asks the caller to propose again after {@code delay}. */
    static Decision waitFor(Duration delay, String reason) {
        return new Wait(delay, reason);
    }

    /** Refuses the transition for good. */
    static Decision abort(String reason) {
        return new Abort(reason);
    }

    /** The run moves to {@code state}. */
    record Accept(State state) implements Decision {
        public Accept {
            Objects.requireNonNull(state, "state");
        }

        @Override
        public Status status() {
            return Status.ACCEPT;
        }
    }

    /** The proposal is refused; the run is in {@code state} instead. */
    record Reject(State state, String reason) implements Decision {
        public Reject {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Status status() {
            return Status.REJECT;
        }
    }

    /** Propose again after {@code delay}. */
    record Wait(Duration delay, String reason) implements Decision {
        public Wait {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) throw new IllegalArgumentException("a wait cannot be negative, got " + delay);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Status status() {
            return Status.WAIT;
        }
    }

    /** The transition cannot happen. */
    record Abort(String reason) implements Decision {
        public Abort {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Status status() {
            return Status.ABORT;
        }
    }
}
