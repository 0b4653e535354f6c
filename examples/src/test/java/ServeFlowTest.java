import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ServeFlow.java} as a user runs it: {@code ./baton run} serves the deployment, its
 * scheduled runs run, {@code ./baton deployment run --watch} from another process gets an ad-hoc
 * run started and followed to its end, and Ctrl-C (SIGINT) stops the server cleanly: nothing left
 * running, the deployment paused.
 */
class ServeFlowTest {

    @Test
    void servesRunsAdHocRunsFromTheCliAndStopsCleanlyOnSigint(@TempDir Path home) throws Exception {
        Path output = home.resolve("serve.out");
        Path examples = ExampleScript.EXAMPLES;
        Process serve = ExampleScript.startBaton(examples, home, output, "run", "ServeFlow.java", "2");
        try {
            awaitOutput(serve, output, s -> s.contains("Serving flow 'hello' as deployment 'hello'"));
            awaitOutput(serve, output, s -> s.contains("Hello, world!") && s.contains("Finished in state Completed"));

            ExampleScript ls = ExampleScript.baton(examples, home, "deployment", "ls");
            assertThat(ls.exitCode()).as(ls.stderr()).isZero();
            assertThat(ls.stdout()).contains("hello").contains("every 2.0s").contains("active");

            ExampleScript adHoc = ExampleScript.baton(examples, home, "deployment", "run", "hello",
                    "--param", "name=Baton", "--watch", "--watch-timeout", "60s");
            assertThat(adHoc.exitCode()).as(adHoc.stdout() + adHoc.stderr()).isZero();
            assertThat(adHoc.stdout()).contains("Scheduled").contains("Pending").contains("Running")
                    .contains("Completed").contains("Hello, Baton!");

            new ProcessBuilder("kill", "-INT", String.valueOf(serve.pid())).start().waitFor();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGINT").isTrue();
        } finally {
            serve.destroyForcibly();
        }
        ExampleScript inspect = ExampleScript.baton(examples, home, "deployment", "inspect", "hello");
        assertThat(inspect.stdout()).as(inspect.stderr()).contains("(paused)");
        ExampleScript runs = ExampleScript.baton(examples, home, "flow-run", "ls", "--json", "--limit", "1000");
        assertThat(runs.stdout()).contains("\"COMPLETED\"").doesNotContain("\"RUNNING\"").doesNotContain("\"PENDING\"");
    }

    private static void awaitOutput(Process p, Path output, Predicate<String> done) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String text = Files.readString(output);
            if (done.test(text)) return;
            if (!p.isAlive()) throw new AssertionError("the serving process exited (" + p.exitValue() + "):\n" + text);
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; output so far:\n" + text);
            Thread.sleep(100);
        }
    }
}
