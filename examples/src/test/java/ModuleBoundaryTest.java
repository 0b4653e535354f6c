import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The modules outside baton-core are written against its API ({@code dev.baton}) and extension API
 * ({@code dev.baton.spi}), not the engine's own {@code dev.baton.internal}: jdeps reads every
 * module's compiled classes (this module is built after all of them) and lists each class that
 * refers to an internal one: there must be none.
 */
class ModuleBoundaryTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Set<String> MODULES = Set.of("baton-testing", "baton-hazelcast", "baton-store-jdbc",
            "baton-server", "baton-client", "baton-cli");

    private static final Pattern DEPENDENCY = Pattern.compile("->\\s+(dev\\.baton\\.internal\\.[\\w.]+?)(?:\\$[\\w$]+)?\\s");

    @Test
    void noModuleOutsideCoreUsesTheEnginesInternals() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(
                () -> new AssertionError("this JDK has no jdeps; run the build with a full JDK (>= 21)"));
        Map<String, Set<String>> used = new TreeMap<>();
        for (String module : MODULES) {
            Path classes = ROOT.resolve(module).resolve("target/classes");
            assertThat(classes).as("the compiled classes of " + module + " (the build compiles it first)").isDirectory();
            StringWriter out = new StringWriter();
            int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-e",
                    "dev\\.baton\\.internal\\..*", classes.toString());
            assertThat(exit).as("jdeps on " + classes + ":\n" + out).isZero();
            Matcher m = DEPENDENCY.matcher(out.toString());
            while (m.find()) used.computeIfAbsent(module, k -> new TreeSet<>()).add(m.group(1));
        }
        assertThat(used).as("internal classes of baton-core used by other modules (move what they need to"
                + " dev.baton.spi, or make it part of the API)").isEmpty();
    }

    @Test
    void theCheckSeesAUseOfAnInternalClass() throws Exception {
        // guards the check itself: core's own classes do use dev.baton.internal, so jdeps must report them
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-e", "dev\\.baton\\.internal\\..*",
                ROOT.resolve("baton-core/target/classes").toString());
        assertThat(Files.isDirectory(ROOT.resolve("baton-core/target/classes"))).isTrue();
        assertThat(DEPENDENCY.matcher(out.toString()).find()).as(out.toString()).isTrue();
    }
}
