package dev.baton.cli;

import dev.baton.BatonRuntime;
import dev.baton.deploy.DeployedFlow;
import dev.baton.deploy.DueRuns;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.client.ApiRunStore;
import dev.baton.client.ApiRunStoreProvider;
import dev.baton.client.ApiSettings;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.ProcessShutdown;
import dev.baton.spi.RunStore;
import dev.baton.spi.RunEvents;
import dev.baton.store.jdbc.JdbcRunStore;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code baton worker start --pool P}: starts the due runs of the deployments in a work pool, each
 * in a JVM of its own (a flow that crashes cannot take the worker down) or in the worker's JVM
 * ({@code --in-process}); and {@code baton worker hazelcast}, which the launcher script runs. The
 * worker reads its pool from, and its runs record on, the API server at {@code BATON_API_URL} when
 * that is set (client mode, its JVMs too), else the database.
 */
@Command(name = "worker", synopsisSubcommandLabel = "<command>",
        description = "Start a worker: the runs of a work pool, or a JVM of a Hazelcast cluster.",
        subcommands = {WorkerCommand.Start.class, BatonCli.Worker.class})
final class WorkerCommand extends CommandGroup {

    @Command(name = "start", description = "Start the due runs of a work pool's deployments until stopped (Ctrl-C).")
    static final class Start implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--pool", paramLabel = "POOL", defaultValue = DeploymentRecord.DEFAULT_POOL,
                description = "The work pool whose runs to start (default: ${DEFAULT-VALUE}).")
        String pool;

        @Option(names = "--limit", paramLabel = "K", description = "At most K runs at once (default: no limit).")
        Integer limit;

        @Option(names = {"--class-path", "-cp"}, paramLabel = "JARS", description = "The jars or class directories"
                + " holding the flows, separated by ':' as in java -cp.")
        String classPath;

        @Option(names = "--in-process", description = "Run flows in the worker's JVM rather than one JVM per run.")
        boolean inProcess;

        @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s", description = "How often to"
                + " look for due runs (default: ${DEFAULT-VALUE}).")
        String pollInterval;

        @Option(names = "--run-once", description = "Start the runs due now, wait for them, and exit (1 if one did"
                + " not complete).")
        boolean runOnce;

        private final CliEnvironment env;

        Start(CliEnvironment env) {
            this.env = env;
        }

        @Override
        public Integer call() throws Exception {
            if (limit != null && limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 or more, not " + limit);
            }
            Duration poll = DeploymentCommand.duration(spec, pollInterval, "--poll-interval");
            ClassLoader loader = new URLClassLoader("baton-worker-flows", UserClassPath.urls(classPath),
                    WorkerCommand.class.getClassLoader());
            // the runs record where the worker reads its pool: the API server, else the database
            Map<String, String> childEnvironment = new HashMap<>();
            RunStore store;
            String where;
            if (env.apiUrl() != null) {
                ApiSettings api;
                try {
                    api = ApiSettings.of(env.apiUrl(), env.apiKey());
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure(e.getMessage() + " (BATON_API_URL)");
                }
                ApiRunStore.Options defaults = ApiRunStore.Options.defaults();
                store = ApiRunStore.open(api, new ApiRunStore.Options(defaults.capacity(), defaults.deliveryTimeout(),
                        defaults.heartbeatInterval(), defaults.maxBackoff(),
                        env.home().resolve(ApiRunStoreProvider.SPOOL_DIRECTORY)));
                childEnvironment.put(ApiSettings.URL_ENVIRONMENT, api.url().toString());
                childEnvironment.put(ApiSettings.KEY_ENVIRONMENT, api.apiKey());
                childEnvironment.put("BATON_DATABASE_URL", null);
                where = "the API server at " + api.url();
            } else {
                String url = HistorySource.databaseUrl(env);
                store = JdbcRunStore.builder().url(url).build();
                childEnvironment.put("BATON_DATABASE_URL", url);
                childEnvironment.put(ApiSettings.URL_ENVIRONMENT, null);
                childEnvironment.put(ApiSettings.KEY_ENVIRONMENT, null);
                where = "database " + store;
            }
            try (AutoCloseable closing = (AutoCloseable) store;
                 BatonRuntime runtime = BatonRuntime.builder().store(store).home(env.home()).build()) {
                Deployments deployments = store.deployments().orElseThrow();
                PoolTarget target = new PoolTarget(deployments, pool, runtime, loader, childEnvironment, inProcess);
                String process = DueRuns.thisProcess();
                DueRuns loop = new DueRuns(runtime.clock(), deployments, target, limit == null ? Integer.MAX_VALUE : limit,
                        runOnce ? Duration.ofDays(365) : poll, Duration.ofSeconds(15), process);
                say("Worker " + process + " started: work pool '" + pool + "', "
                        + (inProcess ? "flows in this JVM" : "a JVM per flow run")
                        + (limit == null ? "" : ", at most " + limit + " at once") + ", "
                        + where);
                if (runOnce) {
                    loop.passNow();
                    boolean allCompleted = target.awaitAll();
                    say("Worker: " + target.startedCount() + " run(s) started, " + (allCompleted ? "all completed"
                            : "not all completed"));
                    return allCompleted ? 0 : 1;
                }
                CountDownLatch stopped = new CountDownLatch(1);
                // Ctrl-C: the runs are cancelled (child JVMs get SIGTERM) and awaited before the store closes
                ProcessShutdown.beforeStoresClose(() -> {
                    loop.stop();
                    say("Worker stopped.");
                    stopped.countDown();
                });
                loop.start();
                stopped.await();
                return 0;
            }
        }

        private void say(String line) {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }

    }

    /** The deployments of one work pool, and how their runs start: a child JVM each, or here. */
    static final class PoolTarget implements DueRuns.Target {
        private static final ObjectMapper JSON = RunEvents.newMapper();
        private final Deployments deployments;
        private final String pool;
        private final BatonRuntime runtime;
        private final ClassLoader loader;
        private final Map<String, String> childEnvironment;
        private final boolean inProcess;
        private final Map<String, DeployedFlow> loaded = new ConcurrentHashMap<>();
        private final Map<String, FlowRunJvmCache> caches = new ConcurrentHashMap<>();
        private final List<CompletionStage<Boolean>> started = new ArrayList<>();

        /**
         * @param childEnvironment what a run's JVM gets in its environment (a null value: the variable removed):
         *                         where to record, the database or the API server the worker uses
         */
        PoolTarget(Deployments deployments, String pool, BatonRuntime runtime, ClassLoader loader,
                   Map<String, String> childEnvironment, boolean inProcess) {
            this.deployments = deployments;
            this.pool = pool;
            this.runtime = runtime;
            this.loader = loader;
            this.childEnvironment = childEnvironment;
            this.inProcess = inProcess;
        }

        @Override
        public Collection<DeploymentRecord> deployments() {
            List<DeploymentRecord> out = new ArrayList<>();
            for (DeploymentRecord d : deployments.list()) {
                // a deployment a process serves (no entrypoint, or no pool) is started by that process only
                if (pool.equals(d.workPool()) && d.entrypoint() != null) out.add(d);
            }
            return out;
        }

        @Override
        public DueRuns.Started start(ScheduledRun run, DeploymentRecord deployment) {
            DueRuns.Started s = inProcess ? startHere(run, deployment) : startChild(run, deployment);
            synchronized (started) {
                started.add(s.ended());
            }
            return s;
        }

        private DueRuns.Started startHere(ScheduledRun run, DeploymentRecord deployment) {
            DeployedFlow flow = loaded.computeIfAbsent(deployment.entrypoint(), e -> DeployedFlow.load(e, loader));
            return DueRuns.Started.of(flow.start(run, runtime));
        }

        private DueRuns.Started startChild(ScheduledRun run, DeploymentRecord deployment) {
            try {
                Path runFile = Files.createTempFile("baton-run-", ".json");
                Files.writeString(runFile, JSON.writeValueAsString(run));
                String java = ProcessHandle.current().info().command().orElse(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
                String cp = System.getProperty("java.class.path");
                URLClassLoader user = (URLClassLoader) loader;
                StringBuilder userCp = new StringBuilder();
                for (URL u : user.getURLs()) userCp.append(Path.of(u.toURI())).append(File.pathSeparator);
                String classPath = userCp + cp;
                FlowRunJvmCache cache = caches.computeIfAbsent(classPath, c -> FlowRunJvmCache.of(runtime.home(), c));
                List<String> cacheOptions = cache.options();
                List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
                command.addAll(cacheOptions);
                command.addAll(List.of("-cp", classPath, FlowRunProcess.class.getName(), deployment.entrypoint(),
                        runFile.toString()));
                ProcessBuilder b = new ProcessBuilder(command).inheritIO();
                childEnvironment.forEach((name, value) -> {
                    if (value == null) b.environment().remove(name);
                    else b.environment().put(name, value);
                });
                b.environment().put("BATON_HOME", runtime.home().toString());
                Process p = b.start();
                CompletableFuture<Boolean> ended = p.onExit().thenApply(x -> {
                    cache.made(cacheOptions);
                    try {
                        Files.deleteIfExists(runFile);
                    } catch (IOException ignored) {
                        // a temporary file left behind
                    }
                    return x.exitValue() == 0;
                });
                return new DueRuns.Started() {
                    @Override
                    public CompletionStage<Boolean> ended() {
                        return ended;
                    }

                    @Override
                    public void cancel() {
                        p.destroy(); // SIGTERM: the child cancels its run and records it Cancelled
                    }
                };
            } catch (IOException | java.net.URISyntaxException e) {
                throw new IllegalStateException("Could not start a JVM for flow run '" + run.name() + "': " + e, e);
            }
        }

        int startedCount() {
            synchronized (started) {
                return started.size();
            }
        }

        /** Waits for every run started so far; true if each completed. */
        boolean awaitAll() {
            List<CompletionStage<Boolean>> all;
            synchronized (started) {
                all = List.copyOf(started);
            }
            boolean ok = true;
            for (CompletionStage<Boolean> s : all) ok &= s.toCompletableFuture().join();
            return ok;
        }
    }
}
