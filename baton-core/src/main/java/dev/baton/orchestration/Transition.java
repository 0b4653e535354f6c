package dev.baton.orchestration;

import dev.baton.RetryDelay;
import dev.baton.State;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A proposed state transition of one run, as a policy sees it.
 *
 * @param kind     task run or flow run
 * @param runId    the run's id
 * @param tags     the run's tags (task tags for a task run, flow tags for a flow run)
 * @param initial  the run's current state, or null for a run that has none yet
 * @param proposed the state the caller wants the run to move to
 * @param context  what the caller knows besides; parts may be missing (see {@link Context})
 */
public record Transition(RunKind kind, UUID runId, Set<String> tags, State initial, State proposed, Context context) {

    public Transition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(runId, "runId");
        tags = tags == null ? Set.of() : tags;
        Objects.requireNonNull(proposed, "proposed");
        context = context == null ? Context.NONE : context;
    }

    /** This transition with another proposed state (a rule adjusted it, e.g. renamed it). */
    public Transition withProposed(State state) {
        return new Transition(kind, runId, tags, initial, state, context);
    }

    /** The answer of a rule that lets this transition through as proposed. */
    public Decision accept() {
        return new Decision.Accept(proposed);
    }

    /**
     * What the caller knows of a run beyond its states. The engine fills all of it; the server
     * knows only the run count. Rules that need a missing part accept.
     *
     * @param runCount how many times the run has entered RUNNING before (its attempts so far;
     *                 for a proposed FAILED, including the attempt that failed)
     * @param retries  the run's retry options, or null: no retry is decided here
     * @param caching  the run's cache key and options, or null: no cache is used
     * @param flowRunId the flow run a task run belongs to, or null if not known (keepers of
     *                  concurrency slots that record the holder's flow run use it)
     */
    public record Context(int runCount, Retries retries, Caching caching, UUID flowRunId) {
        /** Nothing known: a first run without retries or cache. */
        public static final Context NONE = new Context(0, null, null, null);

        public Context {
            if (runCount < 0) throw new IllegalArgumentException("runCount must be >= 0, got " + runCount);
        }

        /** A context that does not name the flow run. */
        public Context(int runCount, Retries retries, Caching caching) {
            this(runCount, retries, caching, null);
        }

        /** Only the run count. */
        public static Context runCount(int runCount) {
            return runCount == 0 ? NONE : new Context(runCount, null, null);
        }
    }

    /**
     * How a failed run may be retried.
     *
     * @param retries attempts allowed after the first one
     * @param delay   the wait before retry number n (1 for the first retry); a null answer means no retry
     * @param retryIf which failures are retried (given the failure's cause)
     */
    public record Retries(int retries, RetryDelay delay, Predicate<? super Throwable> retryIf) {
        public Retries {
            if (retries < 0) throw new IllegalArgumentException("retries must be >= 0, got " + retries);
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(retryIf, "retryIf");
        }
    }

    /**
     * The cache a task run uses.
     *
     * @param key        the run's cache key (null: the run is not cached)
     * @param refresh    run even when a valid entry exists, and replace it
     * @param expiration how long a new entry is valid, or null for ever
     */
    public record Caching(String key, boolean refresh, Duration expiration) {}
}
