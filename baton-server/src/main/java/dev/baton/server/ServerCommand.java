package dev.baton.server;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./baton server start [--host H] [--port P]}: starts the API server and keeps it running
 * until the process is told to stop (SIGTERM, Ctrl-C), then closes it cleanly, so everything
 * acknowledged is written to the database. The database comes from {@code BATON_DATABASE_URL}
 * (else the embedded one under {@code BATON_HOME}), the API key from {@code BATON_API_KEY}.
 *
 * <pre>{@code
 * int exit = ServerCommand.run(new String[] {"--port", "4200"});   // returns when stopped
 * }</pre>
 */
public final class ServerCommand {
    private ServerCommand() {}

    /** Runs the command and exits the JVM with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Parses {@code args} ({@code --host H}, {@code --port P}, {@code --help}), starts the server
     * and blocks until the JVM shuts down.
     *
     * @return the exit status: 0 after a clean stop or for --help, 1 if the server could not
     *         start, 2 for bad arguments
     */
    public static int run(String[] args) {
        try {
            ServerOptions.Builder options = ServerOptions.fromEnvironment();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> options.host(value(args, ++i, "--host"));
                    case "--port" -> options.port(port(value(args, ++i, "--port")));
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("--host=")) options.host(args[i].substring(7));
                        else if (args[i].startsWith("--port=")) options.port(port(args[i].substring(7)));
                        else throw new IllegalArgumentException("Unknown argument '" + args[i] + "'");
                    }
                }
            }
            return serve(options.build(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            return 2;
        }
    }

    /**
     * Starts a server with {@code options}, prints where it listens to {@code out}, and blocks
     * until the JVM shuts down, closing the server on the way out.
     *
     * @return 0 after a clean stop, 1 if the server could not start (the reason printed to stderr)
     */
    public static int serve(ServerOptions options, PrintStream out) {
        ApiServer server;
        try {
            server = ApiServer.start(options);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("baton-server-shutdown").unstarted(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }));
        out.println("Baton API server " + ApiServer.VERSION + " listening at " + server.url());
        out.println("Database: " + server.database());
        if (options.requiresApiKey()) out.println("Requests need the API key (BATON_API_KEY).");
        if (!isLoopback(options.host())) {
            out.println("Listening on " + options.host() + ": reachable from other machines"
                    + (options.requiresApiKey() ? "" : " WITHOUT an API key (set BATON_API_KEY)"));
        }
        out.println();
        out.println("To record flow runs here, set in their environment:");
        out.println("  BATON_API_URL=" + server.url());
        out.println("Stop with Ctrl-C.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static int port(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, not '" + s + "'");
        }
    }

    static String usage() {
        return "Usage: baton server start [--host HOST] [--port PORT]\n"
                + "  --host  the address to listen on (default " + ServerOptions.DEFAULT_HOST + ")\n"
                + "  --port  the port to listen on (default " + ServerOptions.DEFAULT_PORT + ")\n"
                + "Environment: BATON_DATABASE_URL (default: the embedded database under BATON_HOME),"
                + " BATON_API_KEY (require this key as a bearer token), BATON_CRASH_TIMEOUT (mark flow runs"
                + " unheard of for this long CRASHED; default 30s)";
    }
}
