package dev.baton.cli;

import dev.baton.client.ApiException;
import picocli.CommandLine;

import java.io.PrintWriter;

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
        if (env.variable("BATON_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** A usage error: what was wrong, a suggestion when there is one, and where the help is. */
    static int usage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("baton: " + oneLine(e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
