package dev.baton.internal.engine;

import dev.baton.ResultSerializationException;
import dev.baton.State;
import dev.baton.StateType;
import dev.baton.TaskFuture;
import dev.baton.internal.ExceptionText;
import dev.baton.internal.results.ResultRef;
import dev.baton.orchestration.Decision;
import dev.baton.orchestration.RunKind;
import dev.baton.orchestration.StateRecorder;
import dev.baton.orchestration.Transition;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * The attempts of a flow run ({@link RunAttempts}, proposed to the flow run policy): each calls
 * the body ({@link FlowBodyCall}) and waits for every task run it started; the outcome, judged by
 * {@link FinalState} from what the body returned or threw and what its task runs came to, is
 * proposed with the flow's retries when it failed. A retry re-runs the body, where a call whose
 * run completed in an earlier attempt gets that run back ({@link FlowRunCalls}); the wait for it
 * sleeps on the clock, and a cancellation ends the wait at once.
 *
 * <p>Also what the run's proposals are recorded through: a final state with what the last
 * attempt's body returned or threw.
 */
final class FlowRunAttempts extends RunAttempts implements StateRecorder {
    private final FlowRunRecord<Object> record;
    /** What the last attempt's body returned or threw (or why no attempt could run). */
    private Object returned;
    private Throwable thrown;
    /** The state the run ends in when no attempt starts, as the hooks of {@link #enterRunning} decide it. */
    private State notStarted;
    /** The final state, once recorded during the attempts. */
    private State ended;

    FlowRunAttempts(FlowRunEngine engine, FlowRunRecord<Object> record, FlowOptions options) {
        super(engine, RunLog.FLOW_RUNS, engine, options.retries(), options.retryDelay(), options.retryIf());
        this.record = record;
    }

    /**
     * Runs attempts until one does not fail, or no retry follows: the state the run is to end in,
     * which {@link #end} records unless it is recorded already.
     */
    State run() {
        while (true) {
            if (!enterRunning()) {
                if (notStarted.isFinal() && notStarted == record.state()) ended = notStarted;
                return notStarted;
            }
            runAttempt();
            State fin = finalState();
            if (!fin.isFailed() || !mayRetry() || engine.isCancelling() && !engine.cancellation.timedOut()) return fin;
            // the retry rule decides: AwaitingRetry (recorded) and another attempt, or the failure stands (recorded)
            Decision d = proposeFailure(fin, bodyFailure(fin));
            if (isRetry(d)) continue;
            if (isCancelling(d.state())) return cancelled(); // cancelled as the attempt ended: no retry, only Cancelled may follow
            return ended = d.state() != null ? d.state() : record.state();
        }
    }

    /** No attempt can run: the executor did not start, for {@code failure} (or gave no session, if null). */
    State withoutAttempt(Throwable failure) {
        thrown = failure;
        return finalState();
    }

    /** One run of the body, then the wait for every task run it started. */
    private void runAttempt() {
        engine.tally.attemptStarts(record.taskRunCount());
        engine.cancellation.attemptStarts();
        FlowBodyCall.Outcome outcome = FlowBodyCall.call(engine);
        engine.tally.bodyEnded();
        returned = outcome.returned();
        thrown = awaitTaskRuns(outcome.thrown());
        engine.cancellation.attemptEnded();
    }

    /** Waits until every task run has settled; an interrupt ends the wait and the run crashes. */
    private Throwable awaitTaskRuns(Throwable thrown) {
        try {
            engine.tally.drained().get();
            return thrown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (engine.isCancelling()) {
                // cancelled while waiting: the task runs are being stopped; wait for them to settle
                engine.tally.drained().join();
                return thrown;
            }
            return new CancellationException("Flow run '" + record.name() + "' was interrupted while "
                    + engine.tally.outstanding() + " task runs were still running");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private State finalState() {
        return engine.tally.finalState(returned, thrown, engine.cancellation.timedOut(), engine.isCancelling(),
                record.taskRunCount(), engine.now());
    }

    // ----- the end -----

    /**
     * Records {@code fin}, the state the attempts came to, as the run's final state (its result
     * persisted first, if the flow asks), unless a final state is recorded already: the state that stands.
     */
    State end(State fin) {
        if (ended != null) return ended;
        fin = persistResult(fin);
        Object r = returned;
        Throwable t = thrown;
        Decision d = propose(fin, false, s -> record.finish(s, r, t));
        // cancelled as the run ended: only Cancelled may follow Cancelling
        if (isCancelling(d.state())) d = propose(cancelled(), false, s -> record.finish(s, r, t));
        return d.state() != null ? d.state() : fin; // a final state recorded first stands
    }

    /**
     * What {@code fin} failed or crashed of when the body (or the executor) threw: the exception
     * whose stack trace the log shows; null for an outcome the body returned.
     */
    Throwable bodyFailure(State fin) {
        if (thrown == null || fin.isCompleted() || fin.isCancelled()) return null;
        return fin.cause().orElse(null);
    }

    private State persistResult(State fin) {
        FlowOptions options = record.flow().options();
        if (!options.persistResult() || !fin.isCompleted() || returned instanceof State || returned instanceof TaskFuture<?>) {
            return fin;
        }
        EngineServices services = engine.services();
        try {
            ResultRef ref = services.results().write(returned, options.serializerOrDefault());
            return State.of(fin.type(), fin.name(), fin.epochNanos(), fin.message().orElse(null),
                    new StoredResult(services.results(), ref));
        } catch (ResultSerializationException e) {
            return State.of(StateType.FAILED, null, engine.now(), "Flow '" + record.flowName()
                    + "' returned a value that cannot be persisted: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            return State.of(StateType.FAILED, null, engine.now(), "Flow '" + record.flowName()
                    + "' returned a value that could not be written to result storage: " + ExceptionText.of(e), e);
        }
    }

    // ----- proposing states -----

    @Override
    Decision propose(State state, boolean mayRetry) {
        return propose(state, mayRetry, this);
    }

    /** Proposes {@code state} to the flow run policy, recorded through {@code recorder}. */
    private Decision propose(State state, boolean mayRetry, StateRecorder recorder) {
        Transition t = new Transition(RunKind.FLOW_RUN, record.id(), record.tags(), record.state(), state,
                new Transition.Context(started(), contextRetries(mayRetry), null));
        return engine.services().flowRunPolicy().apply(t, recorder);
    }

    /** Records a proposed state: a final one with what the last attempt's body returned or threw. */
    @Override
    public State record(State state) {
        return state.isFinal() ? record.finish(state, returned, thrown) : record.append(state);
    }

    @Override
    void sleep(Duration delay) throws InterruptedException {
        engine.cancellation.sleepUnlessCancelled(delay);
    }

    @Override
    void endCancelled() {
        notStarted = cancelled();
    }

    @Override
    void endInterrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        notStarted = State.of(StateType.CRASHED, null, engine.now(), "Flow run was interrupted while awaiting a retry", e);
    }

    @Override
    void endRefused(State standing) {
        notStarted = isCancelling(standing) ? cancelled() : standing;
    }

    @Override
    void endAborted(String reason) {
        notStarted = State.of(StateType.CRASHED, null, engine.now(), "Flow run could not start: " + reason, null);
    }

    private static boolean isCancelling(State s) {
        return s != null && s.type() == StateType.CANCELLING;
    }

    /** The state a cancelled run ends in. */
    private State cancelled() {
        return State.of(StateType.CANCELLED, null, engine.now(), "Flow run was cancelled", null);
    }
}
