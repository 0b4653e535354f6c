package dev.baton.cli;

import dev.baton.BatonRuntime;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.deploy.DeployedFlow;
import dev.baton.spi.ProcessShutdown;
import dev.baton.spi.RunEvents;
import dev.baton.spi.ScheduledRun;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM a worker starts for one claimed run: {@code FlowRunProcess ENTRYPOINT RUN_FILE} loads the
 * flow at the entrypoint, runs the claimed run (JSON in the file) as the flow run it is, and exits 0
 * if it completed, 1 if not, 2 if it could not start. SIGTERM (the worker stopping) cancels the run,
 * which then ends Cancelled, before the JVM exits. The run store is the process's default (the
 * worker passes its database), so the run's heartbeats, cancellation from outside and crash
 * detection work as for any flow run.
 */
public final class FlowRunProcess {
    private FlowRunProcess() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FlowRunProcess ENTRYPOINT RUN_FILE (started by baton worker)");
            System.exit(2);
        }
        ScheduledRun run;
        DeployedFlow flow;
        try {
            run = RunEvents.newMapper().readValue(Files.readString(Path.of(args[1])), ScheduledRun.class);
            flow = DeployedFlow.load(args[0], FlowRunProcess.class.getClassLoader());
        } catch (Exception e) {
            System.err.println("baton worker: cannot start the flow run in " + args[1] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        BatonRuntime runtime = BatonRuntime.defaults();
        FlowRunHandle<?> handle = flow.start(run, runtime);
        // SIGTERM: the run is cancelled and ends Cancelled before the store closes (it runs the steps first)
        ProcessShutdown.beforeStoresClose(() -> {
            if (handle.cancel()) handle.await();
        });
        FlowRun<?> done = handle.await();
        System.exit(done.state().isCompleted() ? 0 : 1);
    }
}
