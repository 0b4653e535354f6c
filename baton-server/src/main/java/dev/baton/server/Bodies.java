package dev.baton.server;

import dev.baton.StateType;
import dev.baton.spi.StateRecord;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The request and response bodies of the API that are not history records themselves. Optional
 * numbers are boxed so that a missing field can be told from a zero; {@link Nullable} marks what
 * may be null (or left out of a request), as the OpenAPI document says.
 */
final class Bodies {
    private Bodies() {}

    /** {@code GET /api/health}. */
    record Health(String status, String version, String database) {}

    /**
     * {@code POST /api/events}, {@code POST /api/logs}: how many were recorded, how many refused;
     * {@code duplicate}: the batch (by its {@code Baton-Batch} id) was applied before, nothing was done now;
     * {@code durableThrough}: the highest sequence of the client's batches up to which all are written to the
     * database (null for a batch without an id, or when none is yet).
     */
    record Accepted(int accepted, int rejected, boolean duplicate, @Nullable Long durableThrough) {
        static final Accepted DUPLICATE = new Accepted(0, 0, true, null);

        Accepted(int accepted, int rejected) {
            this(accepted, rejected, false, null);
        }

        /** This answer, saying that the client's batches up to sequence {@code through} are written. */
        Accepted withDurableThrough(long through) {
            return new Accepted(accepted, rejected, duplicate, through < 0 ? null : through);
        }
    }

    /** {@code POST /api/flow_runs}: a flow run to create; id, name and created are given by the server when missing. */
    record FlowRunCreate(@Nullable UUID id, @Nullable String name, String flowName, @Nullable String parameters,
                         @Nullable UUID parentFlowRunId, @Nullable UUID parentTaskRunId, @Nullable Set<String> tags,
                         @Nullable Instant created, @Nullable String process) {}

    /** {@code POST /api/task_runs}: a task run to create; id, ordinal and name are given by the server when missing. */
    record TaskRunCreate(@Nullable UUID id, UUID flowRunId, @Nullable Integer ordinal, @Nullable String name,
                         String taskName, @Nullable String taskVersion, @Nullable Set<String> tags,
                         @Nullable List<UUID> upstream, @Nullable UUID subflowRunId) {}

    /** {@code POST /api/flow_runs/filter}: a FlowRunFilter whose fields may all be left out. */
    record FlowRunQuery(@Nullable Set<StateType> states, @Nullable String name, @Nullable Instant createdAfter,
                        @Nullable Instant createdBefore, @Nullable Set<String> tags, @Nullable Integer offset,
                        @Nullable Integer limit) {}

    /** {@code POST /api/flow_runs/lookup}: an id, the start of one, or a name; at most {@code limit} answers. */
    record FlowRunLookup(String reference, @Nullable Integer limit) {}

    /**
     * {@code POST /api/flow_runs/states}: the flow runs whose current state a process asks for
     * (its running ones, to learn which were asked to cancel).
     */
    record FlowRunStatesQuery(List<UUID> ids) {}

    /** {@code POST /api/logs/filter}: a LogFilter whose offset and limit may be left out. */
    record LogQuery(@Nullable UUID flowRunId, @Nullable UUID taskRunId, @Nullable Integer offset,
                    @Nullable Integer limit) {}

    /** {@code POST .../set_state}: the state proposed; {@code force} skips the orchestration rules. */
    record SetState(StateRecord state, @Nullable Boolean force) {}

    /** The answer of {@code set_state}. */
    record SetStateResult(Decision.Status status, @Nullable StateRecord state, @Nullable Double delaySeconds,
                          @Nullable String reason) {}

    /** One node of {@code GET /api/flow_runs/{id}/graph}: a task run and the task runs it waited for. */
    record GraphNode(UUID id, String name, @Nullable StateRecord state, List<UUID> upstream) {}

    /** {@code POST /api/concurrency_limits}. */
    record LimitCreate(String tag, Integer limit) {}

    /** {@code POST /api/concurrency_limits/increment}: take a slot of every tag for a task run, or none. */
    record SlotRequest(List<String> tags, UUID taskRunId, @Nullable UUID flowRunId) {}

    /** The answer to a slot request: acquired, or ask again after {@code retryAfterSeconds}. */
    record SlotAnswer(boolean acquired, double retryAfterSeconds) {}

    /** {@code POST /api/concurrency_limits/decrement}: release every slot a task run holds. */
    record SlotRelease(UUID taskRunId) {}

    /** The answer to a release: the task run holds no slot any more. */
    record Released(UUID taskRunId) {}

    /** The answer of {@code POST /api/scheduled_runs}: how many of the runs sent were new (the others existed). */
    record Added(int added) {}

    /**
     * {@code POST /api/scheduled_runs/claim}: claim for {@code process} at most {@code max} runs of
     * these deployments due at {@code now} (the server's time when left out).
     */
    record Claim(List<UUID> deploymentIds, @Nullable Instant now, Integer max, String process) {}

    /**
     * {@code POST /api/scheduled_runs/mark_late}: mark Late the scheduled runs due before
     * {@code dueBefore}, at {@code now} (the server's time when left out).
     */
    record MarkLate(Instant dueBefore, @Nullable Instant now) {}

    /** The answer of {@code POST /api/scheduled_runs/mark_late}: how many runs went Late. */
    record Marked(int marked) {}

    /** Every error answer. */
    record Error(String error) {}
}
