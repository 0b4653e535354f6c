package dev.baton.cli;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/** A command that only groups subcommands ({@code baton flow-run}): run alone, it prints its usage. */
abstract class CommandGroup implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
