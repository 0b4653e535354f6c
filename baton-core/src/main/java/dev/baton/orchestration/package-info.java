/**
 * The orchestration rules: one set of rules decides every state transition of a flow run or a
 * task run, in the engine (embedded mode) and in the server alike, as Prefect's
 * {@code set_state} does. This package is part of Baton's extension API: a server, or any other
 * program keeping run records, decides proposals with {@link dev.baton.orchestration.Policy#forTaskRuns}
 * and {@link dev.baton.orchestration.Policy#forFlowRuns}, or with a policy of its own rules. The
 * rules themselves are package-private; their order and behaviour are described on the factories.
 *
 * <p>A caller proposes a {@link dev.baton.orchestration.Transition} (the run, its current
 * state, the proposed state, and what the caller knows besides) to a
 * {@link dev.baton.orchestration.Policy}: an ordered list of
 * {@link dev.baton.orchestration.OrchestrationRule}s, one policy for task runs and one
 * for flow runs. The answer is a {@link dev.baton.orchestration.Decision}: ACCEPT (maybe
 * with the state adjusted), REJECT (with the state to use instead), WAIT (propose again after a
 * delay) or ABORT. {@link dev.baton.orchestration.Policy#apply} records the resulting
 * state through the caller's {@link dev.baton.orchestration.StateRecorder}, which refuses
 * atomically to move a run out of a terminal state, then runs the rules' after-hooks (cache
 * insertion, releasing concurrency slots).
 *
 * <p><b>Partial context.</b> The engine knows everything about its runs, including the task's
 * options, and so fills the whole {@link dev.baton.orchestration.Transition.Context}.
 * The server builds a transition from its database: current state, tags and run count, but no
 * retry or cache options. Every rule that needs something absent from the context simply
 * accepts, so the server applies the terminal guard, the scheduled-time wait, tag concurrency
 * slots and the rename of reruns, while retries and the cache are decided by the client's
 * engine, which knows the options, before it proposes the outcome to the server.
 *
 * <p>What no rule decides: a proposal for a run that does not exist is the server's to answer
 * (ABORT, or 404) before any policy runs; and a forced transition (the API's {@code force})
 * bypasses the policy.
 *
 * <p><b>Hot path.</b> A task run without options does not consult a policy: the only rule that
 * can apply to it, no transition out of a terminal state, is enforced by the run's record
 * itself when a state is appended ({@link dev.baton.orchestration.Policy#refusedByEveryRecord}).
 *
 * <p>Everything time-based reads the policy's {@link dev.baton.Clock}, so rules are tested on
 * fake time.
 */
package dev.baton.orchestration;
