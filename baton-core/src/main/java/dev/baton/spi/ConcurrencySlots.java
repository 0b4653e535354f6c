package dev.baton.spi;

import dev.baton.orchestration.Transition;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the concurrency slots of limited tags: at most N runs carrying a tag with limit N are
 * RUNNING at once. The engine uses its in-process limits ({@code TagLimits}) together with the
 * keeper its run store offers (the limits in the database, or the API server's); the server keeps
 * slots in its database so a tag's limit holds across every process reporting to it.
 */
public interface ConcurrencySlots {

    /** No limits: every run may run. */
    ConcurrencySlots NONE = new ConcurrencySlots() {
        @Override
        public Acquisition acquire(UUID runId, Set<String> tags) {
            return Acquisition.ACQUIRED;
        }

        @Override
        public void release(UUID runId) {}

        @Override
        public boolean mayLimit(Set<String> tags) {
            return false;
        }

        @Override
        public String toString() {
            return "ConcurrencySlots.NONE";
        }
    };

    /**
     * Takes a slot of every limited tag in {@code tags} for run {@code runId}, all or none. A keeper
     * in this process may wait for free slots itself (it knows the moment one is released, so it
     * never needs to poll) and then answers {@link Acquisition#ACQUIRED}; a shared keeper answers
     * at once, with {@link Acquisition.RetryAfter} when a slot is taken, and the rule turns that
     * into WAIT.
     *
     * @throws InterruptedException if the thread was interrupted while waiting for a slot
     */
    Acquisition acquire(UUID runId, Set<String> tags) throws InterruptedException;

    /**
     * Takes the slots of the run of {@code transition} (its id and tags), as
     * {@link #acquire(UUID, Set)} does; keepers that record which flow run holds a slot override
     * this to use the flow run the transition's context names.
     *
     * @throws InterruptedException if the thread was interrupted while waiting for a slot
     */
    default Acquisition acquire(Transition transition) throws InterruptedException {
        return acquire(transition.runId(), transition.tags());
    }

    /**
     * False if no tag of {@code tags} has a limit here, as far as this keeper knows without asking
     * anyone (no I/O): the engine then runs the task run without proposing RUNNING to the slot
     * rule at all. True when unsure.
     */
    default boolean mayLimit(Set<String> tags) {
        return !tags.isEmpty();
    }

    /**
     * A tag of {@code tags} whose limit is 0 here (no run carrying it can ever run), as far as this
     * keeper knows without waiting on anyone; null if none.
     */
    default String tagLimitedToZero(Set<String> tags) {
        return null;
    }

    /** Gives back every slot {@code runId} holds; does nothing if it holds none. */
    void release(UUID runId);

    /** The answer to an attempt to take slots. */
    sealed interface Acquisition {
        /** The run holds a slot of each of its limited tags (or none of its tags is limited). */
        Acquisition ACQUIRED = new Acquired();

        /** Slots taken. */
        record Acquired() implements Acquisition {}

        /** A slot was not free: try again after {@code delay}; {@code tag} is one whose slots are all taken. */
        record RetryAfter(Duration delay, String tag) implements Acquisition {
            public RetryAfter {
                Objects.requireNonNull(delay, "delay");
                if (delay.isNegative()) throw new IllegalArgumentException("retry-after cannot be negative, got " + delay);
            }
        }
    }
}
