import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs an example file the way {@code ./baton run examples/X.java} does: the JDK's source
 * launcher, with Baton and its console logging on the class path, in a process of its own.
 */
record ExampleScript(int exitCode, String stdout, String stderr) {
    static final Path EXAMPLES = Path.of(System.getProperty("user.dir"));

    static ExampleScript run(String file, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the compiled examples must not be on the class path: the source launcher refuses a class it finds there
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().equals(EXAMPLES.resolve("target/classes").toAbsolutePath()))
                .filter(e -> !e.contains("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, EXAMPLES.resolve(file).toString()));
        command.addAll(List.of(args));
        return exec(file, command);
    }

    /**
     * Runs an example's compiled class, as {@code ./baton run} does for every script (it compiles
     * them to a directory): worker JVMs of a distributed executor load the example's classes from
     * the class path, which the source launcher's in-memory classes are not on.
     */
    static ExampleScript runCompiled(String mainClass, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(hazelcastJvmOptions());
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return exec(mainClass, command);
    }

    /** The JVM options of a flow's JVM that uses Hazelcast, as ./baton gives them (scripts/jvm-options.sh). */
    private static List<String> hazelcastJvmOptions() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", ". scripts/jvm-options.sh && baton_jvm_options . "
                + Runtime.version().feature() + " client").directory(Path.of("..").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("scripts/jvm-options.sh failed: " + out);
        return out.lines().toList();
    }

    /**
     * Runs the {@code ./baton} launcher itself with {@code args} in {@code directory}, Baton's classes taken from
     * this build ({@code BATON_CLASS_PATH}: the launcher builds nothing) and {@code home} as {@code BATON_HOME}.
     */
    static ExampleScript baton(Path directory, Path home, String... args) throws IOException, InterruptedException {
        return exec(String.join(" ", args), launcher(directory, home, args));
    }

    /**
     * Starts the {@code ./baton} launcher as {@link #baton} runs it, without waiting: for commands
     * that run until stopped. Its output (stdout and stderr) goes to {@code output}.
     */
    static Process startBaton(Path directory, Path home, Path output, String... args) throws IOException {
        ProcessBuilder builder = launcher(directory, home, args);
        // Ctrl-C as a terminal sends it: SIGINT handled by default, even where the build runs with it ignored
        // (a background job of a script), which the JVM would inherit and keep
        List<String> command = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
        command.addAll(builder.command());
        builder.command(command);
        builder.environment().put("BATON_LOG_LEVEL", "INFO");
        return builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static ProcessBuilder launcher(Path directory, Path home, String... args) {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes"))
                .filter(e -> !Path.of(e).toAbsolutePath().equals(EXAMPLES.resolve("target/classes").toAbsolutePath()))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(EXAMPLES.resolve("../baton").toAbsolutePath().normalize().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().put("BATON_CLASS_PATH", classPath);
        builder.environment().put("BATON_HOME", home.toString());
        builder.environment().put("BATON_LOG_LEVEL", "WARN");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("BATON_API_URL");
        builder.environment().remove("BATON_DATABASE_URL");
        return builder;
    }

    private static ExampleScript exec(String file, List<String> command) throws IOException, InterruptedException {
        return exec(file, new ProcessBuilder(command));
    }

    private static ExampleScript exec(String file, ProcessBuilder builder) throws IOException, InterruptedException {
        Path out = Files.createTempFile("example-", ".out"), err = Files.createTempFile("example-", ".err");
        try {
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(file + " did not finish within 300 s; output so far:\n" + Files.readString(out));
            }
            return new ExampleScript(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The stdout tokens the example printed with {@code \r} or spaces, without the log lines. */
    List<String> printed(String regex) {
        List<String> tokens = new ArrayList<>();
        for (String piece : stdout.split("[\\r\\n ]+")) if (piece.matches(regex)) tokens.add(piece);
        return tokens;
    }
}
