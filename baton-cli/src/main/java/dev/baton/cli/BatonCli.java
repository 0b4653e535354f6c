package dev.baton.cli;

import java.io.PrintStream;

/**
 * The {@code baton} command's Java side. {@code ./baton run FILE.java} is handled by the
 * launcher script itself (the JDK's source launcher compiles the file); the other commands
 * land here.
 */
public final class BatonCli {
    private BatonCli() {}

    static final String USAGE = """
            Usage: baton <command> [args...]

              run FILE.java [args...]   run a flow script with Baton on its class path
              worker hazelcast ...      start a worker JVM for HazelcastExecutor
                                        (--cluster-name NAME [--member HOST:PORT]... [--class-path JARS]
                                         [--bind ADDRESS] [--port PORT] [--threads N] [--allow PREFIX]...)
              version                   print Baton's version
              help                      print this help
            """;

    /** Runs a command and returns the process exit code. */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0]) {
            case "version", "--version" -> {
                out.println("baton " + version());
                return 0;
            }
            default -> {
                err.println("baton: unknown command '" + args[0] + "'.");
                err.print(USAGE);
                return 2;
            }
        }
    }

    static String version() {
        String v = BatonCli.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }
}
