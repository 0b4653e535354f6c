package dev.baton.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ahead-of-time cache of the JVMs a worker starts: made by one of them, then used by the others. */
class FlowRunJvmCacheTest {

    @Test
    void oneJvmMakesTheCacheTheNextOnesStartFromIt(@TempDir Path home) throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the one-step cache needs Java 25");
        FlowRunJvmCache cache = FlowRunJvmCache.of(home, "/opt/app.jar:/opt/baton-core.jar");
        List<String> first = cache.options();
        assertThat(first.get(0)).startsWith("-XX:AOTCacheOutput=");
        assertThat(cache.options()).as("another JVM while the first makes it: no cache, no second making").isEmpty();

        Path unfinished = Path.of(first.get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.write(unfinished, new byte[] {1, 2, 3}); // what the JDK writes as that JVM exits
        cache.made(first);
        List<String> later = cache.options();
        assertThat(later.get(0)).startsWith("-XX:AOTCache=").endsWith(".aot");
        assertThat(Path.of(later.get(0).substring("-XX:AOTCache=".length()))).exists();
        assertThat(later).contains("-Xlog:aot=off");
    }

    @Test
    void aClassPathWithADirectoryGetsNoCache(@TempDir Path home) {
        assertThat(FlowRunJvmCache.of(home, "/opt/app.jar:/opt/classes").options()).isEmpty();
    }

    @Test
    void aJvmThatMadeNothingLeavesTheNextOneToTryAgain(@TempDir Path home) {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the one-step cache needs Java 25");
        FlowRunJvmCache cache = FlowRunJvmCache.of(home, "/opt/app.jar");
        List<String> first = cache.options();
        cache.made(first); // it died before writing anything
        assertThat(cache.options().get(0)).startsWith("-XX:AOTCacheOutput=");
    }
}
