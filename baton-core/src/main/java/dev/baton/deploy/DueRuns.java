package dev.baton.deploy;

import dev.baton.Clock;
import dev.baton.FlowRunHandle;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loop a runner or a worker runs: each pass creates the scheduled runs of its deployments
 * ahead (once a minute), marks the late ones, and claims and starts the due ones, at most
 * {@code limit} running at once. Passes run on the clock's timers, every poll interval, sooner
 * when a run falls due or a running one ends; they never overlap.
 */
public final class DueRuns {
    private static final Logger LOG = LoggerFactory.getLogger(DueRuns.class);
    /** How often the scheduled runs are created ahead. */
    public static final Duration SCHEDULING_INTERVAL = Duration.ofMinutes(1);

    /** What the loop serves and how it starts a run. */
    public interface Target {
        /** The deployments whose runs are created ahead, claimed and started; read on every pass. */
        Collection<DeploymentRecord> deployments();

        /** Starts a claimed run (Pending last in its history). */
        Started start(ScheduledRun run, DeploymentRecord deployment);
    }

    /** A run started: the loop cancels it when stopped and counts it until it ends. */
    public interface Started {
        /** Completes once the run has ended, with true if it completed. */
        CompletionStage<Boolean> ended();

        /** Asks the run to stop (it ends Cancelled). */
        void cancel();

        /** A run started in this JVM. */
        static Started of(FlowRunHandle<?> handle) {
            CompletionStage<Boolean> ended = handle.toCompletionStage().thenApply(r -> r.state().isCompleted());
            return new Started() {
                @Override
                public CompletionStage<Boolean> ended() {
                    return ended;
                }

                @Override
                public void cancel() {
                    handle.cancel();
                }
            };
        }
    }

    /** This process as claims name it: {@code pid@host}. */
    public static String thisProcess() {
        return ProcessName.NAME;
    }

    private static final class ProcessName {
        static final String NAME = ProcessHandle.current().pid() + "@" + host();

        private static String host() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) return env.strip();
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return "localhost";
            }
        }
    }

    private final Clock clock;
    private final Deployments store;
    private final Target target;
    private final int limit;
    private final Duration pollInterval;
    private final Duration lateAfter;
    private final String process;
    private final Map<UUID, Started> running = new ConcurrentHashMap<>();
    private final RunsAhead ahead;
    private final Object lock = new Object();
    private Clock.Timer next;
    private Instant nextSchedulingPass = Instant.MIN;
    private boolean started, stopping;

    public DueRuns(Clock clock, Deployments store, Target target, int limit, Duration pollInterval, Duration lateAfter,
                   String process) {
        this.clock = clock;
        this.store = store;
        this.target = target;
        this.limit = limit;
        this.pollInterval = pollInterval;
        this.lateAfter = lateAfter;
        this.process = process;
        this.ahead = new RunsAhead(store);
    }

    /** Starts the passes: the first at once (on the clock's timer). */
    public void start() {
        synchronized (lock) {
            if (started) throw new IllegalStateException("started already");
            started = true;
            next = clock.schedule(this::pass, Duration.ZERO);
        }
    }

    /** Makes one pass now, on this thread; unless {@link #start()} was called, no other follows. */
    public void passNow() {
        pass();
    }

    /** Stops the passes, cancels the runs still running and waits for them to end. */
    public void stop() {
        synchronized (lock) {
            stopping = true;
            if (next != null) next.cancel();
        }
        List<Started> left = new ArrayList<>(running.values());
        if (!left.isEmpty()) LOG.info("Stopping: cancelling {} running flow run(s)", left.size());
        for (Started s : left) s.cancel();
        for (Started s : left) s.ended().toCompletableFuture().join();
    }

    /** How many runs this loop has running now. */
    public int running() {
        return running.size();
    }

    private void pass() {
        synchronized (lock) {
            if (stopping) return;
            Collection<DeploymentRecord> deployments = List.of();
            try {
                Instant now = clock.now();
                deployments = target.deployments();
                if (!now.isBefore(nextSchedulingPass)) {
                    for (DeploymentRecord d : deployments) scheduleAhead(d, now);
                    nextSchedulingPass = now.plus(SCHEDULING_INTERVAL);
                }
                store.markLate(now.minus(lateAfter), now);
                int free = limit - running.size();
                if (free > 0 && !deployments.isEmpty()) {
                    Map<UUID, DeploymentRecord> byId = new java.util.HashMap<>();
                    for (DeploymentRecord d : deployments) byId.put(d.id(), d);
                    for (ScheduledRun run : store.claimDue(byId.keySet(), now, free, process)) {
                        startClaimed(run, byId.get(run.deploymentId()));
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("A pass over the due runs failed; trying again in {}: {}", pollInterval, e.toString(), e);
            }
            if (started) next = clock.schedule(this::pass, untilNextPass(deployments));
        }
    }

    /**
     * Creates the runs {@code d}'s schedules have due ahead that this loop has not created already
     * (the store ignores those another process created); see {@link RunsAhead}.
     */
    private void scheduleAhead(DeploymentRecord d, Instant now) {
        int added = ahead.scheduleAhead(d, now);
        if (added > 0) LOG.debug("Deployment '{}': {} scheduled run(s) created", d.name(), added);
    }

    private void startClaimed(ScheduledRun run, DeploymentRecord deployment) {
        Started s;
        try {
            s = target.start(run, deployment);
        } catch (RuntimeException e) {
            LOG.error("Could not start flow run '{}' of deployment '{}': {}", run.name(), deployment.name(), e.toString(), e);
            return;
        }
        running.put(run.id(), s);
        s.ended().whenComplete((r, x) -> {
            running.remove(run.id());
            synchronized (lock) {
                // a slot is free: start the next due run now rather than at the next pass
                if (!stopping && started) {
                    if (next != null) next.cancel();
                    next = clock.schedule(this::pass, Duration.ZERO);
                }
            }
        });
    }

    /** Until the next pass: the poll interval, or less if a run falls due sooner. */
    private Duration untilNextPass(Collection<DeploymentRecord> deployments) {
        Instant now = clock.now();
        Instant at = now.plus(pollInterval);
        for (DeploymentRecord d : deployments) {
            for (ScheduledRun r : store.scheduledRuns(d.id(), 1)) {
                // one due already waits for a free slot: a run that ends brings the next pass forward
                if (r.due().isAfter(now) && r.due().isBefore(at)) at = r.due();
            }
        }
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
