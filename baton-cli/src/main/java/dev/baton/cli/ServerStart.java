package dev.baton.cli;

import dev.baton.server.ApiServer;
import dev.baton.server.ServerOptions;
import dev.baton.store.jdbc.CrashDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code baton server start}: the REST API over the run history (the database at
 * {@code BATON_DATABASE_URL}, else the embedded one under {@code BATON_HOME}), requiring
 * {@code BATON_API_KEY} when that is set, until the process is stopped (Ctrl+C) or the thread
 * running it is interrupted.
 */
@Command(name = "start", description = "Start the API server, until stopped with Ctrl+C. Clients use"
        + " BATON_API_URL=http://HOST:PORT/api; with BATON_API_KEY set, every request needs that key.")
final class ServerStart implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = ServerOptions.DEFAULT_HOST, description = "The address to listen on"
            + " (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "The port (default:"
            + " ${DEFAULT-VALUE}; 0 for any free one).")
    int port;

    final CliEnvironment env;

    ServerStart(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not "
                    + port);
        }
        String key = env.variable(ServerOptions.API_KEY_ENVIRONMENT);
        ServerOptions options = ServerOptions.builder().host(host).port(port).databaseUrl(env.databaseUrl())
                .batonHome(env.home()).apiKey(key).crashTimeout(CrashDetector.configuredTimeout()).build();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        boolean interrupted = false;
        ApiServer server = ApiServer.start(options);
        Thread hook = Thread.ofPlatform().name("baton-server-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("Baton API server " + ApiServer.VERSION + " listening at " + server.url());
            out.println("  database  " + server.database());
            out.println("  API key   " + (key == null ? "none (set BATON_API_KEY to require one)" : "required"));
            out.println("Use it with: export BATON_API_URL=" + server.url());
            out.println("Stop it with Ctrl+C.");
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            // stopped by whoever runs this command in-process (a test): close below, then say so
            interrupted = true;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is closing it
            }
            server.close(); // with the interrupt flag clear: stopping Jetty waits
            if (interrupted) Thread.currentThread().interrupt();
        }
        out.println("Baton API server stopped.");
        out.flush();
        return 0;
    }
}
