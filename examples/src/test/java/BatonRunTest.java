import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./baton run} takes what {@code java FILE.java} takes: a script with a package line, a class not named
 * after its file, arguments of its own; and more: {@code //DEPS} lines and {@code --class-path}. Each case runs
 * the launcher script itself on a script of its own, in a Baton home of its own.
 */
@Execution(ExecutionMode.CONCURRENT)
class BatonRunTest {
    /** A one-task flow whose class is {@code CLASS}; it prints what its task returned. */
    private static final String FLOW = """
            import dev.baton.Flow;
            import dev.baton.Task;

            public class CLASS {
                public static void main(String[] args) {
                    var greet = Task.named("greet").of((String who) -> GREETING);
                    var flow = Flow.named("greeting").of(() -> greet.call(args.length > 0 ? args[0] : "world"));
                    System.out.println(flow.run().result());
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aScriptWithAPackageLineRunsItsClassInThatPackage() throws Exception {
        write("Hello.java", "package com.example.flows;\n\n" + flow("Hello", "\"hello \" + who"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "Hello.java", "package");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("hello package");
    }

    @Test
    void theFirstTopLevelClassRunsWhateverTheFileIsCalled() throws Exception {
        // as with `java scratch.java`: the first class in the file is the program, the second has a main too
        write("scratch.java", flow("Greeter", "\"first \" + who") + """

                class Second {
                    public static void main(String[] args) {
                        System.out.println("the second class ran");
                    }
                }
                """);

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "scratch.java", "class");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("first class").doesNotContain("the second class ran");
    }

    @Test
    void argumentsAfterTheFileAreTheScriptsEvenOptions() throws Exception {
        write("Echo.java", flow("Echo", "\"got \" + who"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "Echo.java", "--help");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("got --help");
    }

    @Test
    void depsLinesPutALibraryAndWhatItNeedsOnTheClassPath() throws Exception {
        // commons-text needs commons-lang3: Maven resolves both
        write("Deps.java", "//DEPS org.apache.commons:commons-text:1.13.1\n"
                + flow("Deps", "org.apache.commons.text.WordUtils.capitalize(who)"
                        + " + \" \" + org.apache.commons.lang3.StringUtils.reverse(who)"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "Deps.java", "baton");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Baton notab");
        // resolved once: the second run finds the class path in the cache and says nothing about resolving
        ExampleScript again = ExampleScript.baton(dir, dir.resolve("home"), "run", "Deps.java", "again");
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stdout()).contains("Again niaga");
        assertThat(again.stderr()).doesNotContain("resolving");
    }

    @Test
    void aDepsCoordinateThatDoesNotExistIsAClearError() throws Exception {
        write("Missing.java", "//DEPS dev.baton.nonexistent:no-such-library:9.9.9\n" + flow("Missing", "who"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "Missing.java");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("cannot resolve the //DEPS of Missing.java")
                .contains("dev.baton.nonexistent:no-such-library")
                .doesNotContain("Could not find or load main class");
    }

    @Test
    void aDepsLineThatIsNoCoordinateSaysWhatItTakes() throws Exception {
        write("Bad.java", "//DEPS commons-lang3\n" + flow("Bad", "who"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "Bad.java");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("'commons-lang3' is not a Maven coordinate").contains("group:artifact:version");
    }

    @Test
    void classPathPutsTheUsersJarsOnTheScriptsClassPath() throws Exception {
        Path jar = greetingJar();
        write("WithJar.java", flow("WithJar", "acme.Greeting.of(who)"));

        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "--class-path", jar.toString(),
                "WithJar.java", "jar");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("greetings, jar");
        ExampleScript missing = ExampleScript.baton(dir, dir.resolve("home"), "run", "-cp", "no-such.jar", "WithJar.java");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("--class-path: no such file or directory:").contains("no-such.jar");
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        ExampleScript run = ExampleScript.baton(dir, dir.resolve("home"), "run", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("Usage: baton run [--class-path JARS] FILE.java [args...]").contains("//DEPS");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void aQuietConsoleStillRecordsTheRunsInfoLines() throws Exception {
        write("Quiet.java", """
                import dev.baton.Baton;
                import dev.baton.Flow;
                import dev.baton.Task;

                public class Quiet {
                    public static void main(String[] args) {
                        var count = Task.named("count").of(() -> {
                            Baton.logger().info("counted 40 rows");
                            return 40;
                        });
                        System.out.println(Flow.named("quiet").of(() -> count.call()).run().id());
                    }
                }
                """);
        Path home = dir.resolve("home");

        // BATON_LOG_LEVEL=WARN (as ExampleScript.baton sets it): the console shows no INFO line...
        ExampleScript run = ExampleScript.baton(dir, home, "run", "Quiet.java");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("counted 40 rows").doesNotContain("| INFO ");

        // ...and the run's history still holds them
        ExampleScript logs = ExampleScript.baton(dir, home, "flow-run", "logs", run.stdout().strip());
        assertThat(logs.exitCode()).as(logs.stderr()).isZero();
        assertThat(logs.stdout()).contains("counted 40 rows", "Finished in state Completed()");
    }

    private String flow(String className, String greeting) {
        return FLOW.replace("CLASS", className).replace("GREETING", greeting);
    }

    private void write(String name, String source) throws IOException {
        Files.writeString(dir.resolve(name), source);
    }

    /** A jar holding {@code acme.Greeting.of(String)}, compiled here. */
    private Path greetingJar() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/acme")), classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(src.resolve("Greeting.java"), """
                package acme;
                public final class Greeting {
                    public static String of(String who) { return "greetings, " + who; }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), src.resolve("Greeting.java").toString())).isZero();
        Path jar = dir.resolve("greeting.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("acme/Greeting.class"));
            Files.copy(classes.resolve("acme/Greeting.class"), j);
            j.closeEntry();
        }
        return jar;
    }
}
