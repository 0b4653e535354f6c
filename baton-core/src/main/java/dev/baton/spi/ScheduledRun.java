package dev.baton.spi;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A flow run of a deployment that is due at a time and has not started: what a scheduler creates
 * ahead of time, an ad-hoc run asks for, and a runner or worker claims.
 *
 * @param id             the flow run's id, which it keeps when it runs
 * @param name           the flow run's name
 * @param deploymentId   the deployment it is a run of
 * @param flowName       the flow it runs
 * @param parameters     its parameters, a JSON object by name (the deployment's, its schedule's, and overrides)
 * @param due            when it is due to start
 * @param idempotencyKey what makes a scheduled run unique (deployment, schedule and due time): creating it
 *                       again is a no-op; null for an ad-hoc run
 * @param history        its states so far, oldest first (Scheduled, perhaps Late, then Pending once claimed)
 */
public record ScheduledRun(UUID id, String name, UUID deploymentId, String flowName, String parameters, Instant due,
                           @Nullable String idempotencyKey, List<StateRecord> history) {
    public ScheduledRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(due, "due");
        history = List.copyOf(history);
    }

    /** Its current state: the last of its history. */
    public StateRecord state() {
        return history.get(history.size() - 1);
    }
}
