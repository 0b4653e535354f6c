package dev.baton.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;

/**
 * The {@code baton} command's Java side: inspecting recorded flows and runs ({@code flow},
 * {@code flow-run}), tag
 * concurrency limits, the API server and its database. {@code ./baton run FILE.java} and
 * {@code ./baton worker ...} are handled by the launcher script itself; they are listed here
 * for the help.
 */
@Command(name = "baton", synopsisSubcommandLabel = "<command>",
        description = "Workflow orchestration for the JVM: run flows, inspect their runs, serve the API.",
        subcommands = {
                BatonCli.Run.class, WorkerCommand.class, FlowCommand.class, FlowRunCommand.class,
                ConcurrencyLimitCommand.class, DeployCommand.class, DeploymentCommand.class,
                ServerCommand.class, BatonCli.Version.class, CommandLine.HelpCommand.class,
        },
        footer = {"", "Runs are read from the embedded database under BATON_HOME (default ~/.baton),",
                "from the database at BATON_DATABASE_URL, or, when BATON_API_URL is set, from",
                "that API server (sending BATON_API_KEY). Colours only in a terminal; NO_COLOR",
                "or --no-color turns them off, --json prints records for scripts.", "",
                "Run 'baton help COMMAND' or 'baton COMMAND --help' for a command's options."})
public final class BatonCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Option(names = {"-V", "--version"}, versionHelp = true,
            description = "Print Baton's version and exit.")
    boolean version;

    /** {@code baton} alone: the help, and a usage error's exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CommandLine.ExitCode.USAGE;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, CliEnvironment.system()));
    }

    /** Runs a command and returns the process exit code: 0 done, 1 failed, 2 a usage error. */
    static int execute(String[] args, PrintStream out, PrintStream err, CliEnvironment env) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, charset(out)), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, charset(err)), true);
        try {
            return commandLine(env).setOut(o).setErr(e).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The command tree, its commands given {@code env}, with Baton's error handling. */
    static CommandLine commandLine(CliEnvironment env) {
        CommandLine cli = new CommandLine(BatonCli.class, new CommandFactory(env));
        cli.setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new Failures(env))
                .setParameterExceptionHandler(Failures::usage)
                .setExecutionStrategy(BatonCli::executeKnownCommand);
        cli.getCommandSpec().versionProvider(() -> new String[] {"baton " + version()});
        // help in colour on the same terms as the output: a terminal, no NO_COLOR
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(env.colours(false) ? CommandLine.Help.Ansi.ON
                : CommandLine.Help.Ansi.OFF));
        addHelpOptions(cli);
        return cli;
    }

    /**
     * Runs the command picocli parsed, unless an argument where a command is expected named none:
     * picocli drops that error when {@code --help} follows ({@code baton deployment --help} would
     * print the top-level help and exit 0), so it is raised here whatever options came with it.
     */
    private static int executeKnownCommand(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            CommandLine command = p.commandSpec().commandLine();
            if (!command.getSubcommands().isEmpty() && !p.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(command, p.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** Gives every command but {@code help} itself a {@code -h, --help} option. */
    private static void addHelpOptions(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommand() instanceof CommandLine.HelpCommand) continue;
            if (sub.getCommandSpec().findOption("--help") == null) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help and exit.").build());
            }
            addHelpOptions(sub);
        }
    }

    static String version() {
        String v = BatonCli.class.getPackage().getImplementationVersion();
        if (v == null) v = dev.baton.server.ApiServer.VERSION; // from the same build
        return v == null || v.equals("unknown") ? "development build" : v;
    }

    private static Charset charset(PrintStream stream) {
        try {
            return (Charset) PrintStream.class.getMethod("charset").invoke(stream);
        } catch (ReflectiveOperationException e) {
            return Charset.defaultCharset();
        }
    }

    /** Makes commands, handing the environment to those that take it in their constructor. */
    private record CommandFactory(CliEnvironment env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                var constructor = type.getDeclaredConstructor(CliEnvironment.class);
                constructor.setAccessible(true);
                return constructor.newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    @Command(name = "version", description = "Print Baton's version.")
    static final class Version implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println("baton " + version());
        }
    }

    /** Listed for the help: the launcher script runs flow scripts itself. */
    @Command(name = "run", description = "Run a flow script: run FILE.java [args...]",
            customSynopsis = "baton run FILE.java [args...]",
            footer = {"Compiles FILE.java once (cached under BATON_HOME) and runs it with Baton",
                    "on its class path; done by the ./baton launcher script."})
    static final class Run extends LauncherOnly {}

    /** Listed for the help: the launcher script starts workers itself. */
    @Command(name = "hazelcast", description = "Start a worker JVM for HazelcastExecutor.",
            customSynopsis = {"baton worker hazelcast (--cluster-name-file FILE | --cluster-name NAME)",
                    "                              [--member HOST:PORT]... [--class-path JARS] [--bind ADDRESS]",
                    "                              [--port PORT] [--threads N] [--allow PREFIX]..."},
            footer = {"The cluster name is the cluster's only password: keep it in a file only you can read",
                    "(chmod 600) or in BATON_CLUSTER_NAME; --cluster-name puts it where ps shows it to every user.",
                    "A worker listens on its --bind address only (default 127.0.0.1).",
                    "Started by the ./baton launcher script."})
    static final class Worker extends LauncherOnly {}

    /** A command the {@code ./baton} script handles before Java starts. */
    abstract static class LauncherOnly implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Unmatched
        java.util.List<String> arguments;

        @Override
        public Integer call() {
            throw new CommandFailure("'" + spec.name() + "' is run by the ./baton launcher script: ./baton "
                    + spec.name() + " ...");
        }
    }
}
