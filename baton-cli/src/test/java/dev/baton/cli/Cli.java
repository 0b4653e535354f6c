package dev.baton.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code baton} commands in this JVM, in an environment of the test's, capturing what they print. */
record Cli(CliEnvironment env) {

    /** What a command did: its exit code and what it printed. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    /** Commands reading the embedded database under {@code home}. */
    static Cli embedded(Path home) {
        return new Cli(CliEnvironment.of(Map.of("BATON_HOME", home.toString())));
    }

    /** The same environment plus {@code name=value}. */
    Cli with(String name, String value) {
        Map<String, String> variables = new HashMap<>(env.variables());
        variables.put(name, value);
        return new Cli(new CliEnvironment(variables, env.properties(), env.terminal()));
    }

    /** The same environment, as if a terminal were attached. */
    Cli inTerminal() {
        return new Cli(new CliEnvironment(env.variables(), env.properties(), true));
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = BatonCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
