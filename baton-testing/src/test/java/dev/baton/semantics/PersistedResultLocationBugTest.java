package dev.baton.semantics;

import dev.baton.BatonRuntime;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.PersistedResult;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PersistedResult.location() is documented as "Where the result is stored (a path under the
 * result storage directory)", but StoredResult.location() returns ResultRef.toString(), a log
 * form such as {@code result 0193a1c2-... (json)}, which is no path. Fix: return
 * {@code store.file(ref).toString()} (or the key relative to the results directory) and keep
 * the log form for toString().
 */
@BatonTest
class PersistedResultLocationBugTest {

    @Test
    void locationIsAPathToTheStoredFile() {
        Task0<Integer> answer = Task.named("answer").persistResult(true).of(() -> 42);
        Flow0<Void> flow = Flow.named("f").procedure(answer::submit);

        PersistedResult stored = flow.run().taskRuns().get(0).state().persistedResult().orElseThrow();

        Path results = BatonRuntime.current().home().resolve("results");
        Path location = Path.of(stored.location());
        Path file = location.isAbsolute() ? location : results.resolve(location);
        assertThat(file).exists().isRegularFile();
        assertThat(file.toAbsolutePath().normalize()).startsWith(results.toAbsolutePath().normalize());
    }
}
