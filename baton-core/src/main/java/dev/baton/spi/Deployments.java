package dev.baton.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployments and their scheduled flow runs, kept where runs are recorded (the database, or the
 * API server over it), so that schedulers, runners and workers in any number of processes share
 * them. Every call is one transaction; none is on the engine's hot path.
 *
 * <p>A scheduled run is a flow run in state SCHEDULED with its deployment and due time. Creating
 * one is idempotent by its key, so schedulers that run twice, or in two processes over one database,
 * never create the same run twice; claiming one moves it to PENDING for one process only, so of
 * runners and workers polling at once each run is started exactly once.
 */
public interface Deployments {

    /**
     * Creates the deployment named {@code deployment.name()}, or replaces it (keeping its id and
     * creation time); a change of its schedules deletes the runs its old schedules had created and
     * no one has claimed. Answers it as stored.
     */
    DeploymentRecord put(DeploymentRecord deployment);

    /** Every deployment, by name. */
    List<DeploymentRecord> list();

    /** The deployment named exactly {@code name}. */
    Optional<DeploymentRecord> get(String name);

    /** The deployment with this id. */
    Optional<DeploymentRecord> get(UUID id);

    /**
     * Pauses or resumes deployment {@code name}: pausing deletes its scheduled runs no one has
     * claimed (ad-hoc runs stay); a scheduler gives a resumed one runs again. Empty if there is none.
     */
    Optional<DeploymentRecord> setPaused(String name, boolean paused, Instant now);

    /** Deletes deployment {@code name} and its runs not yet started; the runs it had stay in the history. */
    boolean delete(String name);

    /**
     * Creates each run whose key is not taken yet (ad-hoc runs, without a key, always), leaving out
     * the runs of a deployment that no longer exists and the scheduled runs of a paused one; answers
     * how many were new.
     */
    int addScheduledRuns(List<ScheduledRun> runs);

    /** The runs of deployment {@code deploymentId} not yet claimed, soonest first, at most {@code limit}. */
    List<ScheduledRun> scheduledRuns(UUID deploymentId, int limit);

    /** The scheduled run with this flow run id, if it is still not claimed. */
    Optional<ScheduledRun> scheduledRun(UUID flowRunId);

    /**
     * Claims for {@code process} at most {@code max} runs of these deployments that are due at
     * {@code now}, soonest first: each goes PENDING, with {@code process} as its process and a
     * heartbeat at {@code now} (so a process that dies from here on has its run found crashed).
     * A run is claimed by one caller only, however many ask at once; a deployment's concurrency
     * limit counts its claimed runs not yet finished. Answers the claimed runs, Pending last in each
     * history. The process that then runs one takes it over ({@link RunStore#flowRunResumed}).
     */
    List<ScheduledRun> claimDue(Collection<UUID> deploymentIds, Instant now, int max, String process);

    /**
     * Marks Late (a SCHEDULED state named so) every scheduled run due before {@code dueBefore}
     * and not claimed nor marked yet, at {@code now}; answers how many.
     */
    int markLate(Instant dueBefore, Instant now);
}
