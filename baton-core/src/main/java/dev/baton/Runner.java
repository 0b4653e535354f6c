package dev.baton;

import dev.baton.deploy.DeployedFlow;
import dev.baton.deploy.DueRuns;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.InMemoryDeployments;
import dev.baton.spi.ProcessShutdown;
import dev.baton.spi.ScheduledRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Serves deployments in this process, as Prefect's runner: registers them with the run store
 * (the database or API server every process shares, or this process's memory), creates their
 * scheduled runs ahead of time, and starts each run once it is due, in this JVM, at most
 * {@linkplain Builder#limit limit} at once, until stopped. What {@link Flow#serve} does in a
 * user's {@code main}; build one to serve several flows, or to control when it starts and stops.
 *
 * <pre>{@code
 * try (Runner runner = Runner.builder()
 *         .add(nightly, Deployment.named("nightly-etl").schedules(Schedule.cron("0 2 * * *", "Europe/Paris")))
 *         .add(hourly, Deployment.named("hourly").schedules(Schedule.interval(Duration.ofHours(1))))
 *         .limit(4)
 *         .build().start()) {
 *     runner.awaitStop();      // until runner.stop(), or Ctrl-C with runUntilStopped()
 * }
 * }</pre>
 *
 * <p>Runs due while no runner is there become Late after {@linkplain Builder#lateAfter a grace
 * period}, and start as soon as a runner is back. Stopping cancels the runs still running
 * (they end Cancelled) and, as in Prefect, pauses the served deployments so that no runs pile up
 * while nobody serves them; serving them again resumes them.
 */
public final class Runner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

    private final BatonRuntime runtime;
    private final Clock clock;
    private final Deployments deployments;
    private final List<Served> served;
    private final boolean pauseOnStop;
    private final Map<UUID, Served> byId = new ConcurrentHashMap<>();
    private final Map<UUID, FlowRunHandle<?>> running = new ConcurrentHashMap<>();
    private final DueRuns loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lock = new Object();
    private boolean started, stopping;

    /** A flow served under a deployment: how to call it with a run's parameters. */
    private record Served(DeployedFlow flow, Deployment deployment) {}

    private Runner(Builder b) {
        this.runtime = b.runtime != null ? b.runtime : BatonRuntime.current();
        this.clock = runtime.clock();
        this.deployments = runtime.store().deployments().orElseGet(() -> new InMemoryDeployments(runtime.store()));
        this.served = List.copyOf(b.served);
        this.pauseOnStop = b.pauseOnStop;
        this.loop = new DueRuns(clock, deployments, new DueRuns.Target() {
            @Override
            public Collection<DeploymentRecord> deployments() {
                // read again each pass: a deployment may be paused or changed from outside (the CLI, the API)
                List<DeploymentRecord> out = new ArrayList<>(byId.size());
                for (UUID id : byId.keySet()) deployments.get(id).ifPresent(out::add);
                return out;
            }

            @Override
            public DueRuns.Started start(ScheduledRun run, DeploymentRecord deployment) {
                return startRun(run);
            }
        }, b.limit, b.pollInterval, b.lateAfter, DueRuns.thisProcess());
    }

    /** What {@link Flow#deploy} does: registers the deployment for its work pool's workers and makes its first runs. */
    static void deploy(Flow flow, Deployment deployment, BatonRuntime runtime) {
        DeployedFlow deployed = DeployedFlow.of(flow, Builder.callers());
        if (deployed.entrypoint() == null) {
            throw new IllegalArgumentException("A worker loads flow '" + flow.name() + "' from the static field that"
                    + " holds it, and none was found in " + Builder.callers().stream().map(Class::getName).toList()
                    + ": declare it as a static final field of the class that deploys it");
        }
        deployed.checkParameters(deployment);
        BatonRuntime rt = runtime != null ? runtime : BatonRuntime.current();
        Deployments store = rt.store().deployments().orElseThrow(() -> new IllegalStateException("The run store "
                + rt.store() + " keeps no deployments that workers could read: deploy to the database"
                + " (BATON_DATABASE_URL, or the embedded one under BATON_HOME)"));
        Instant now = rt.clock().now();
        DeploymentRecord stored = deployed.register(store, deployment, deployment.workPool(), now);
        store.addScheduledRuns(dev.baton.spi.Scheduling.upcoming(stored, now));
        LOG.info("Deployed flow '{}' as deployment '{}' for work pool '{}'", flow.name(), deployment.name(),
                deployment.workPool());
    }

    /** Starts building a runner. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers the deployments (creating or updating each, resumed), creates their scheduled runs
     * and starts polling for due runs; returns at once.
     *
     * @throws IllegalStateException if it was started before
     */
    public Runner start() {
        synchronized (lock) {
            if (started) throw new IllegalStateException("This runner was started already; build another");
            started = true;
            Instant now = clock.now();
            for (Served s : served) {
                Deployment d = s.deployment();
                DeploymentRecord stored = s.flow().register(deployments, d, null, now); // no work pool: served here
                byId.put(stored.id(), s);
                LOG.info("Serving flow '{}' as deployment '{}'{}", s.flow().flowName(), d.name(),
                        d.schedules().isEmpty() ? " (no schedule: ad-hoc runs only)" : ", due " + d.schedules());
            }
            loop.start();
        }
        return this;
    }

    /**
     * Starts, then blocks until the runner is stopped: by {@link #stop()} from another thread, or
     * by the JVM shutting down (Ctrl-C, SIGTERM), which stops it cleanly first.
     */
    public void runUntilStopped() {
        Runnable step = this::stop;
        ProcessShutdown.beforeStoresClose(step);
        // a store without a shutdown hook of its own (in memory) runs the steps through this one
        Thread hook = Thread.ofPlatform().name("baton-runner-stop").unstarted(ProcessShutdown::run);
        Runtime.getRuntime().addShutdownHook(hook);
        start();
        awaitStop();
        ProcessShutdown.remove(step);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped it
        }
    }

    /** Waits until {@link #stop()} has finished. */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    /**
     * Stops: no more runs start, runs still running are cancelled and waited for (each ends
     * Cancelled), and the served deployments are paused unless the builder said
     * {@link Builder#pauseOnStop pauseOnStop(false)}. Does nothing if stopped already.
     */
    public void stop() {
        synchronized (lock) {
            if (stopping) {
                awaitStop(); // another thread stops it: done when that is
                return;
            }
            stopping = true;
        }
        loop.stop();
        if (pauseOnStop) {
            for (Served s : served) deployments.setPaused(s.deployment().name(), true, clock.now());
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        stop();
    }

    /** The flow runs this runner has running now. */
    public List<FlowRunHandle<?>> running() {
        return List.copyOf(running.values());
    }

    private DueRuns.Started startRun(ScheduledRun run) {
        FlowRunHandle<?> h = byId.get(run.deploymentId()).flow().start(run, runtime);
        running.put(run.id(), h);
        h.toCompletionStage().whenComplete((r, x) -> running.remove(run.id()));
        return DueRuns.Started.of(h);
    }

    /** Builds a {@link Runner}. */
    public static final class Builder {
        private BatonRuntime runtime;
        private final List<Served> served = new ArrayList<>();
        private final Map<String, Flow> names = new LinkedHashMap<>();
        private int limit = Integer.MAX_VALUE;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration lateAfter = Duration.ofSeconds(15);
        private boolean pauseOnStop = true;

        private Builder() {}

        /** Records and runs on {@code runtime} (its store and clock) rather than the current one. */
        public Builder runtime(BatonRuntime runtime) {
            this.runtime = Flow.checked(runtime);
            return this;
        }

        /**
         * Serves {@code flow} as {@code deployment}. The flow must be held in a static field (of the
         * class calling this, or one of its enclosing classes), where its parameter types are read.
         *
         * @throws IllegalArgumentException if the deployment's name is served twice, the flow's parameters
         *         cannot be named or typed, or the deployment's parameters do not fit them, saying what to do
         */
        public Builder add(Flow flow, Deployment deployment) {
            Objects.requireNonNull(flow, "flow");
            Objects.requireNonNull(deployment, "deployment");
            if (names.putIfAbsent(deployment.name(), flow) != null) {
                throw new IllegalArgumentException("Deployment '" + deployment.name() + "' is served twice by this runner");
            }
            DeployedFlow deployed = DeployedFlow.of(flow, callers());
            deployed.checkParameters(deployment);
            served.add(new Served(deployed, deployment));
            return this;
        }

        /** Starts at most {@code limit} flow runs at once (by default, no limit). */
        public Builder limit(int limit) {
            if (limit < 1) throw new IllegalArgumentException("A runner's limit must be 1 or more, not " + limit);
            this.limit = limit;
            return this;
        }

        /** How often the store is asked for due runs (runs created elsewhere, ad-hoc runs); 1 second by default. */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("A poll interval must be positive, not " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** How long after its due time an unstarted run becomes Late; 15 seconds by default, as Prefect. */
        public Builder lateAfter(Duration grace) {
            if (grace.isNegative()) throw new IllegalArgumentException("A grace period cannot be negative: " + grace);
            this.lateAfter = grace;
            return this;
        }

        /** Whether stopping pauses the served deployments (true by default, as Prefect's {@code pause_on_shutdown}). */
        public Builder pauseOnStop(boolean pause) {
            this.pauseOnStop = pause;
            return this;
        }

        /**
         * The runner, not started yet.
         *
         * @throws IllegalStateException if nothing is served
         */
        public Runner build() {
            if (served.isEmpty()) {
                throw new IllegalStateException("A runner serves at least one flow: add(flow, Deployment.named(...))");
            }
            return new Runner(this);
        }

        static List<Class<?>> callers() {
            return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                    .map(StackWalker.StackFrame::getDeclaringClass)
                    .filter(c -> c != Builder.class && c != Runner.class && c != Flow.class)
                    .distinct().limit(4).toList());
        }
    }
}
