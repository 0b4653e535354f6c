package dev.baton.server;

import dev.baton.deploy.DueRuns;
import dev.baton.deploy.RunsAhead;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's scheduler, as Prefect's: creates ahead the scheduled runs of every deployment a
 * work pool's workers start (one with a work pool: a served deployment's runs are made by the
 * process serving it), at start and then once a minute, and marks Late the scheduled runs still
 * not claimed {@value #LATE_AFTER_SECONDS} s after they were due, every {@link #PERIOD}.
 *
 * <p>Creating a run is idempotent in the database (its key is the deployment, the schedule and
 * the due time), so any number of servers on one database, restarted at any time, never create
 * one twice. Each server remembers how far ahead it made each deployment's runs ({@link RunsAhead}),
 * so a pass over many deployments only works out the runs that came into range since the last.
 * A pass that fails (the database away) is logged and tried again at the next.
 */
final class DeploymentScheduler implements AutoCloseable {
    static final int LATE_AFTER_SECONDS = 15;
    /** How long after its due time a scheduled run no one claimed goes Late. */
    static final Duration LATE_AFTER = Duration.ofSeconds(LATE_AFTER_SECONDS);
    /** How often a pass runs: it marks late runs, and creates runs ahead when a minute has passed since it last did. */
    static final Duration PERIOD = Duration.ofSeconds(5);

    private final Deployments deployments;
    private final Clock clock;
    private final RunsAhead ahead;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("baton-deployment-scheduler").daemon().factory());
    private Instant nextSchedulingPass = Instant.MIN; // guarded by this

    /** What one pass did. */
    record Pass(int created, int late) {}

    DeploymentScheduler(Deployments deployments, Clock clock) {
        this.deployments = deployments;
        this.clock = clock;
        this.ahead = new RunsAhead(deployments);
    }

    /** Starts the passes: the first at once, then every {@link #PERIOD}. */
    DeploymentScheduler start() {
        executor.scheduleWithFixedDelay(this::passQuietly, 0, PERIOD.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * One pass at the clock's time: runs ahead for every work-pool deployment if a minute has passed
     * since the last time that was done (or never), then late runs marked.
     */
    synchronized Pass pass() {
        Instant now = clock.instant();
        int created = 0;
        if (!now.isBefore(nextSchedulingPass)) {
            created = scheduleAll(now);
            nextSchedulingPass = now.plus(DueRuns.SCHEDULING_INTERVAL);
        }
        int late = deployments.markLate(now.minus(LATE_AFTER), now);
        return new Pass(created, late);
    }

    /** Creates the runs ahead of every deployment with a work pool; how many were new. */
    private int scheduleAll(Instant now) {
        List<DeploymentRecord> all = deployments.list();
        Set<UUID> pooled = new HashSet<>();
        int created = 0;
        for (DeploymentRecord d : all) {
            if (d.workPool() == null) continue;
            pooled.add(d.id());
            try {
                created += ahead.scheduleAhead(d, now);
            } catch (RuntimeException e) {
                // one deployment's fault (a schedule that cannot be worked out) holds up no other
                ApiServer.LOG.warn("Could not create the scheduled runs of deployment '{}': {}", d.name(),
                        e.toString());
            }
        }
        ahead.retain(pooled);
        if (created > 0) ApiServer.LOG.debug("Scheduler: {} scheduled run(s) created", created);
        return created;
    }

    /**
     * A deployment was just created or changed through the API: one with a work pool gets its runs
     * now, not at the next pass. A failure is logged; the next pass tries again.
     */
    void deployed(DeploymentRecord d) {
        if (d.workPool() == null || d.paused()) return;
        try {
            ahead.scheduleAhead(d, clock.instant());
        } catch (RuntimeException e) {
            ApiServer.LOG.warn("Could not create the scheduled runs of deployment '{}' (the scheduler tries again"
                    + " within a minute): {}", d.name(), e.toString());
        }
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            ApiServer.LOG.warn("The deployment scheduler's pass failed; trying again in {} s: {}", PERIOD.toSeconds(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                ApiServer.LOG.warn("The deployment scheduler did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DeploymentScheduler[every " + PERIOD + ", runs ahead every " + DueRuns.SCHEDULING_INTERVAL
                + ", late after " + LATE_AFTER + "]";
    }
}
