package dev.baton.cli;

import dev.baton.client.ApiException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * How a command's failure reaches the user: one line on standard error, no stack trace (unless
 * {@code BATON_DEBUG} is set); exit code 1 for a failure, 2 for a usage error, with a pointer
 * to the command's help.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    private final CliEnvironment env;

    Failures(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        boolean expected = e instanceof CommandFailure || e instanceof ApiException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException;
        String message = expected && e.getMessage() != null ? e.getMessage()
                : "unexpected error: " + e + " (set BATON_DEBUG=1 for the stack trace; please report it)";
        err.println("baton: " + oneLine(message));
        if (e instanceof CommandFailure f) for (String line : f.details()) err.println("  " + line);
        if (env.variable("BATON_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** A usage error: what was wrong, a suggestion when there is one, and where the help is. */
    static int usage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String unknown = unknownCommand(e);
        err.println("baton: " + (unknown != null ? "Unknown command '" + unknown + "' for '"
                + command.getCommandSpec().qualifiedName() + "'" : oneLine(e.getMessage())));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * The word given where {@code e}'s command expects one of its commands ({@code baton
     * deployment}), or null when the error is another.
     */
    private static String unknownCommand(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) return null;
        if (e.getCommandLine().getSubcommands().isEmpty()) return null;
        List<String> args = unmatched.getUnmatched();
        if (args.isEmpty() || args.get(0).startsWith("-")) return null;
        return args.get(0);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
