import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Baton's jars are modules: an application that is a module itself ({@code requires dev.baton.core})
 * runs a flow on the module path, recording it in the embedded database found by the service
 * loader, and reads it back. The other tests run on the class path.
 */
class ModulePathTest {
    private static final String MODULE_INFO = """
            module app {
                requires dev.baton.core;
            }
            """;

    private static final String MAIN = """
            package app;

            import dev.baton.BatonRuntime;
            import dev.baton.Flow;
            import dev.baton.FlowRun;
            import dev.baton.Task;

            public class Main {
                public static void main(String[] args) {
                    var square = Task.named("square").of((Integer x) -> x * x);
                    var sum = Flow.named("module-path").of(() -> {
                        int total = 0;
                        for (int i = 1; i <= 3; i++) total += square.submit(i).result();
                        return total;
                    });
                    FlowRun<Integer> run = sum.run();
                    System.out.println("result=" + run.result() + " state=" + run.state().type());
                    var runtime = BatonRuntime.defaults();
                    System.out.println("store=" + runtime.store().getClass().getModule().getName());
                    FlowRun<?> recorded = runtime.store().flowRun(run.id()).orElseThrow();
                    System.out.println("recorded=" + recorded.state().type() + " taskRuns=" + recorded.taskRuns().size());
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aModularApplicationRunsAFlowAndReadsItsRecordBack() throws Exception {
        String modulePath = String.join(File.pathSeparator, modulePathEntries());
        Path src = dir.resolve("src/app");
        Files.createDirectories(src);
        Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("Main.java"), MAIN);
        Path classes = dir.resolve("classes");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, errors, errors, "--module-path", modulePath, "-d", classes.toString(),
                dir.resolve("src/module-info.java").toString(), src.resolve("Main.java").toString());
        assertThat(compiled).as(errors.toString(StandardCharsets.UTF_8)).isZero();

        String java = ProcessHandle.current().info().command().orElseThrow();
        // SQLite's driver loads its native library: on the module path it is allowed by module name
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=org.xerial.sqlitejdbc",
                "--module-path", classes + File.pathSeparator + modulePath, "--module", "app/app.Main")
                .redirectErrorStream(true);
        pb.environment().put("BATON_HOME", dir.resolve("home").toString());
        pb.environment().remove("BATON_API_URL");
        pb.environment().remove("BATON_DATABASE_URL");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = new String(out, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("result=14 state=COMPLETED", "store=dev.baton.store.jdbc",
                "recorded=COMPLETED taskRuns=3");
        assertThat(output).as("nothing warned on the module path").doesNotContain("WARN", "Exception");
    }

    /**
     * This test's class path as a module path: Baton's modules (their compiled classes) and the jars
     * of their dependencies; directories without a module descriptor (this module's own classes)
     * are left out.
     */
    private static List<String> modulePathEntries() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) ? Files.exists(p.resolve("module-info.class")) : e.endsWith(".jar")) entries.add(e);
        }
        assertThat(entries).as("Baton's modules on this test's class path: " + cp)
                .anyMatch(e -> e.contains("baton-core")).anyMatch(e -> e.contains("baton-store-jdbc"));
        return entries;
    }
}
