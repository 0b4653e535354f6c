package dev.baton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.baton.Support.completed;
import static org.assertj.core.api.Assertions.assertThat;

/** Method references as task bodies, as the README shows them: overloaded ones with their types named. */
class MethodReferenceTest {
    private static final Task1<String, Integer> PARSE = Task.named("parse").<String, Integer>of(Integer::parseInt);
    private static final Task1<Path, String> READ = Task.named("read").<Path, String>of(Files::readString);
    private static final Task1<String, String> TRIM = Task.named("trim").of(String::strip);
    private static final Task1<String, Boolean> IS_NULL = Task.named("is_null").of(s -> s == null);

    @Test
    void methodReferencesRunAsTaskBodiesAndANullArgumentTakesACast(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("n.txt"), " 42 \n");
        FlowRun<Integer> run = completed(Flow.named("refs").of(() -> {
            assertThat(IS_NULL.call((String) null)).isTrue();
            return PARSE.call(TRIM.submit(READ.submit(file)));
        }).run());
        assertThat(run.result()).isEqualTo(42);
        assertThat(run.taskRuns()).extracting(TaskRun::taskName).containsExactly("is_null", "read", "trim", "parse");
    }
}
