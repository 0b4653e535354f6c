package dev.baton.spi;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reading and administering recorded runs: what the CLI shows and the API server serves. Two
 * implementations answer it: the database itself (embedded or PostgreSQL) and the API server
 * over HTTP ({@code BATON_API_URL}), so every command works the same against either.
 *
 * <p>Every answer is a plain record made to travel as JSON.
 */
public interface RunHistory extends AutoCloseable {

    /** Flow runs matching {@code filter}, newest first, one page of them. */
    Page<FlowRunSummary> flowRuns(FlowRunFilter filter);

    /**
     * The flows runs were made of, by name in alphabetical order, one page of them.
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} not in
     *         1..{@value FlowSummary#MAX_LIMIT}
     */
    Page<FlowSummary> flows(int offset, int limit);

    /** The flow named {@code name} (exactly), if any run was made of it. */
    Optional<FlowSummary> flow(String name);

    /**
     * One flow run with its state history, its first {@value FlowRunDetail#MAX_TASK_RUNS} task runs
     * (each with history and upstream) and its subflow runs; {@link #taskRuns} pages through the rest.
     */
    Optional<FlowRunDetail> flowRun(UUID id);

    /**
     * The task runs of flow run {@code flowRunId} in creation order, each with its state history and
     * upstream, one page of them: at most {@code limit} from position {@code offset}; the page's
     * {@code total} is how many task runs the flow run has. Empty if there is no such flow run (a
     * flow run without task runs, or an offset past the end, gives an empty page instead).
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} not in
     *         1..{@value #MAX_TASK_RUN_PAGE}
     */
    Optional<Page<TaskRunDetail>> taskRuns(UUID flowRunId, int offset, int limit);

    /** The most task runs one call of {@link #taskRuns} answers. */
    int MAX_TASK_RUN_PAGE = 10_000;

    /**
     * Checks a page of task runs as {@link #taskRuns} takes it.
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} not in
     *         1..{@value #MAX_TASK_RUN_PAGE}, saying what to use instead
     */
    static void checkTaskRunPage(int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("The offset of a page of task runs must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > MAX_TASK_RUN_PAGE) {
            throw new IllegalArgumentException("The limit of a page of task runs must be 1 to " + MAX_TASK_RUN_PAGE
                    + ", not " + limit + " (read more a page at a time)");
        }
    }

    /**
     * The flow runs {@code reference} may mean, newest first, at most {@code limit}: the one whose
     * id it is, those whose id starts with it (hex digits, dashes where ids have them or none), and
     * those named exactly it. What the CLI takes wherever a flow run id is asked for.
     *
     * @throws IllegalArgumentException if {@code reference} is blank or {@code limit} not in
     *         1..{@value FlowRunFilter#MAX_LIMIT}
     */
    List<FlowRunSummary> flowRunsByReference(String reference, int limit);

    /**
     * Asks flow run {@code id} to cancel, as Prefect's {@code prefect flow-run cancel}: it goes
     * CANCELLING here, and the process running it, which reads that with its next heartbeat,
     * stops its task runs and ends it CANCELLED. A run already CANCELLING is left as it is; a
     * deployment's scheduled run that no runner or worker has claimed goes CANCELLED at once.
     * Answers the run as it is now; empty if there is no such flow run.
     *
     * @throws IllegalStateException if the flow run has already finished, saying in which state
     */
    Optional<FlowRunSummary> cancelFlowRun(UUID id);

    /**
     * Deletes flow run {@code id} with its states, task runs (theirs too), log lines and subflow
     * runs (the same way); false if there is no such flow run.
     *
     * @throws IllegalStateException if the flow run has not finished (cancel it first), saying so
     */
    boolean deleteFlowRun(UUID id);

    /** One task run with its state history. */
    Optional<TaskRunDetail> taskRun(UUID id);

    /** Log lines of a flow run (its task runs' too), oldest first, one page of them. */
    Page<LogLine> logs(LogFilter filter);

    /** Every tag concurrency limit, by tag. */
    List<ConcurrencyLimit> concurrencyLimits();

    /** The limit of one tag, with the task runs holding its slots. */
    Optional<ConcurrencyLimit> concurrencyLimit(String tag);

    /** Creates or replaces the limit of {@code tag}. */
    ConcurrencyLimit putConcurrencyLimit(String tag, int limit);

    /** Deletes the limit of {@code tag}; false if there was none. */
    boolean deleteConcurrencyLimit(String tag);

    /**
     * The deployments kept with these runs.
     *
     * @throws UnsupportedOperationException if this history keeps none, saying so
     */
    default Deployments deployments() {
        throw new UnsupportedOperationException(description() + " keeps no deployments");
    }

    /** Where the answers come from, for messages: a database URL without credentials, or an API URL. */
    String description();

    @Override
    void close();
}
