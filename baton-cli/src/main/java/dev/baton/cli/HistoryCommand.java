package dev.baton.cli;

import dev.baton.internal.history.RunHistory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.UUID;
import java.util.concurrent.Callable;

/** A command that reads or changes recorded runs, wherever {@link HistorySource} says they are. */
abstract class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions options;

    final CliEnvironment env;

    HistoryCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public final Integer call() {
        Output output = new Output(spec.commandLine().getOut(), env, options);
        try (RunHistory history = HistorySource.open(env)) {
            int code = run(history, output);
            output.out.flush();
            return code;
        }
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(RunHistory history, Output out);

    /** {@code text} as a run id, or a usage error saying what an id looks like. */
    UUID runId(String text, String what) {
        try {
            if (text.length() == 36) return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "'" + text + "' is not a " + what
                + " id: ids are UUIDs such as 0193a1b2-6c3d-7e4f-8a9b-0c1d2e3f4a5b (see baton flow-run ls)");
    }
}
