package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.orchestration.Policy;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * What flow run and task run records share: an id and an append-only state history.
 * One writer at a time appends (under the record's lock); readers need no lock. Once a
 * terminal state is recorded nothing more is, and after Cancelling only Cancelled: the record
 * enforces these orchestration rules itself, atomically, so it holds on the fast path too and concurrent proposals of
 * terminal states leave exactly one in the history.
 */
abstract class RunRecord {
    private final long idMsb, idLsb;
    private State[] states = new State[4];
    private volatile int size;

    RunRecord(long idMsb, long idLsb) {
        this.idMsb = idMsb;
        this.idLsb = idLsb;
    }

    /**
     * A record whose history already holds {@code first} (Pending), so the run has a state from the
     * moment anything can see it; the run store hears of it through {@link #announceFirst()}, once it
     * has been told the run exists.
     */
    RunRecord(long idMsb, long idLsb, State first) {
        this(idMsb, idLsb);
        if (first != null) {
            states[0] = first;
            size = 1;
        }
    }

    /** A record whose history already holds {@code earlier} (a run recorded before this process took it over). */
    RunRecord(long idMsb, long idLsb, List<State> earlier) {
        this(idMsb, idLsb);
        if (earlier.size() > states.length) states = new State[Integer.highestOneBit(earlier.size()) * 2];
        for (int i = 0; i < earlier.size(); i++) states[i] = earlier.get(i);
        size = earlier.size();
    }

    /** Tells the run store about the first state, given at construction; call it right after announcing the run. */
    final synchronized void announceFirst() {
        recorded(states[0]);
    }

    public final UUID id() {
        return new UUID(idMsb, idLsb);
    }

    /**
     * Appends {@code state} to the history, where it becomes the current state, unless the
     * current state is terminal, or is Cancelling and {@code state} is not Cancelled
     * ({@link Policy#refusedByEveryRecord}). A
     * {@link dev.baton.orchestration.StateRecorder}.
     *
     * @return null if {@code state} was appended, else the state that stands
     */
    final synchronized State append(State state) {
        int n = size;
        if (n > 0 && refuses(states[n - 1], state)) return states[n - 1];
        if (n == states.length) states = Arrays.copyOf(states, n * 2);
        states[n] = state;
        size = n + 1; // volatile write publishes the element (and a grown array) to readers
        recorded(state);
        return null;
    }

    /** The transitions a record refuses whatever the policy said: out of a terminal state, and from Cancelling to anything but Cancelled. */
    static boolean refuses(State current, State proposed) {
        return Policy.refusedByEveryRecord(current, proposed);
    }

    /** Tells the run store about a state just appended (under the record's lock, so in order). */
    abstract void recorded(State state);

    public final State state() {
        int n = size;
        return n == 0 ? null : states[n - 1];
    }

    public final List<State> history() {
        int n = size;
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(states, n)));
    }
}
