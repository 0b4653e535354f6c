package dev.baton.internal.engine;

import dev.baton.RetryDelay;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.internal.ExceptionText;
import dev.baton.orchestration.Decision;
import dev.baton.orchestration.Transition;
import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The attempts of one run, flow run or task run alike, as the run's orchestration policy decides
 * them. Before each attempt the run proposes RUNNING until the policy lets it start
 * ({@link #enterRunning}), sleeping through each WAIT (a retry not yet due, a tag whose
 * concurrency slots are all taken); after a failed attempt it proposes the failure with its
 * retries ({@link #proposeFailure}), and the retry rule either puts AwaitingRetry in its place, so
 * another attempt follows ({@link #isRetry}), or lets the failure stand.
 *
 * <p>A cancellation of the flow run is seen alike by both kinds: before each proposal of RUNNING,
 * and as an interrupt of the sleep. What differs are the hooks: how a state is proposed and
 * recorded, how the run sleeps (a task run gives its executor slot back meanwhile), and what a
 * cancellation, an interrupt, a refusal or an abort ends the run in.
 */
abstract sealed class RunAttempts permits FlowRunAttempts, TaskAttempts {
    final FlowRunEngine engine;
    private final Logger log;
    private final RunScope scope;
    private final RetryDelay retryDelay;
    private final Predicate<? super Throwable> retryIf;
    /** The run's retry options as the policy asks them (guarded: a failing condition is logged), or null. */
    private final Transition.Retries retries;
    /** Attempts started so far; async task attempts move between threads. */
    private volatile int started;

    /**
     * @param log   where the run's lines go ({@link RunLog#FLOW_RUNS} or {@link RunLog#TASK_RUNS})
     * @param scope the run the lines name
     */
    RunAttempts(FlowRunEngine engine, Logger log, RunScope scope, int retries, RetryDelay retryDelay,
                Predicate<? super Throwable> retryIf) {
        this.engine = engine;
        this.log = log;
        this.scope = scope;
        this.retryDelay = retryDelay;
        this.retryIf = retryIf;
        this.retries = retries == 0 ? null : new Transition.Retries(retries, this::guardedDelay, this::guardedRetryIf);
    }

    // ----- hooks: what differs between flow runs and task runs -----

    /**
     * Proposes {@code state} to the run's policy, which records it (or a replacement) through the
     * run's recorder; {@code mayRetry}: with the run's retries, for the retry rule to decide.
     */
    abstract Decision propose(State state, boolean mayRetry);

    /** Sleeps for {@code delay} before proposing RUNNING again; an interrupt ends the wait. */
    abstract void sleep(Duration delay) throws InterruptedException;

    /** The flow run is cancelling: the run ends Cancelled, without another attempt. */
    abstract void endCancelled();

    /** The wait before an attempt was interrupted, not by a cancellation: the run ends without another attempt. */
    abstract void endInterrupted(InterruptedException e);

    /** The policy refused RUNNING: the run stays in {@code standing} (Cached, or a final state that stands). */
    abstract void endRefused(State standing);

    /** The policy aborted the proposal of RUNNING, for {@code reason}: proposing again would not help. */
    abstract void endAborted(String reason);

    // ----- the attempts -----

    /**
     * Proposes RUNNING for the next attempt until the policy accepts it, sleeping through each
     * WAIT: true once the attempt has started; false if the run ends instead (see the hooks).
     */
    final boolean enterRunning() {
        while (true) {
            if (engine.isCancelling()) {
                endCancelled();
                return false;
            }
            Decision d = propose(State.of(StateType.RUNNING, null, engine.now(), null, null), false);
            switch (d) {
                case Decision.Accept a -> {
                    started++;
                    return true;
                }
                case Decision.Wait w -> {
                    try {
                        sleep(w.delay());
                    } catch (InterruptedException e) {
                        interrupted(e);
                        return false;
                    }
                }
                case Decision.Reject r -> {
                    endRefused(r.state());
                    return false;
                }
                case Decision.Abort x -> {
                    endAborted(x.reason());
                    return false;
                }
            }
        }
    }

    /** The wait before an attempt was interrupted: by the flow run's cancellation, or by something else. */
    final void interrupted(InterruptedException e) {
        if (engine.isCancelling()) endCancelled();
        else endInterrupted(e);
    }

    /**
     * Proposes {@code failed}, the state of a failed attempt, with the run's retries and returns
     * the policy's decision: a retry ({@link #isRetry}, logged with {@code cause}) or the failure
     * standing (recorded, or another final state stood first).
     */
    final Decision proposeFailure(State failed, Throwable cause) {
        Decision d = propose(failed, true);
        if (isRetry(d) && log.isWarnEnabled()) {
            State awaiting = d.state();
            RunLog.log(log, Level.WARN, scope, "Attempt " + started + " failed: "
                    + awaiting.message().orElse(awaiting.toString()), cause);
        }
        return d;
    }

    /** Whether the retry rule answered a proposed failure with AwaitingRetry: another attempt follows. */
    static boolean isRetry(Decision d) {
        return d instanceof Decision.Reject r && r.state().isScheduled();
    }

    /** Attempts started so far. */
    final int started() {
        return started;
    }

    /** Whether the run has retries at all. */
    final boolean mayRetry() {
        return retries != null;
    }

    /** The retries for a proposal's context: the run's, if {@code mayRetry}, else none. */
    final Transition.Retries contextRetries(boolean mayRetry) {
        return mayRetry ? retries : null;
    }

    // ----- the retry options, guarded -----

    /** The retry condition, as the policy asks it; a condition that throws means no retry, and is logged. */
    private boolean guardedRetryIf(Throwable failure) {
        try {
            return retryIf.test(failure);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return false;
        }
    }

    /** The retry delay, as the policy asks it; null (no retry) if it throws, which is logged. */
    private Duration guardedDelay(int retry) {
        try {
            return retryDelay.before(retry);
        } catch (RuntimeException e) {
            retryOptionFailed(e);
            return null;
        }
    }

    private void retryOptionFailed(RuntimeException e) {
        RunLog.log(log, Level.ERROR, scope, "The retry condition or delay failed (" + ExceptionText.of(e)
                + "); not retrying", e);
    }
}
