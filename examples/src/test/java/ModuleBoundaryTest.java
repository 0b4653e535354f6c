import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The modules outside baton-core are written against its API ({@code dev.baton}) and extension APIs
 * ({@code dev.baton.spi}, {@code dev.baton.orchestration}), not the engine's own
 * {@code dev.baton.internal}: every module has a module descriptor, so the compiler refuses a use of
 * a package its module does not export, and no descriptor exports or opens an internal package.
 * This test reads the compiled descriptors (this module is built after all of them).
 */
class ModuleBoundaryTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Set<String> MODULES = Set.of("baton-core", "baton-testing", "baton-hazelcast",
            "baton-store-jdbc", "baton-server", "baton-client", "baton-cli");

    @Test
    void everyModuleIsAJavaModuleThatKeepsTheEnginesPackagesToItself() throws IOException {
        Set<String> exposed = new TreeSet<>();
        for (String module : MODULES) {
            ModuleDescriptor d = descriptor(module);
            d.exports().forEach(e -> {
                if (e.source().contains(".internal")) exposed.add(d.name() + " exports " + e);
            });
            d.opens().forEach(o -> {
                if (o.source().contains(".internal")) exposed.add(d.name() + " opens " + o);
            });
        }
        assertThat(exposed).as("internal packages other modules could use (move what they need to dev.baton.spi,"
                + " or make it part of the API)").isEmpty();
    }

    @Test
    void coreExportsItsApiAndExtensionApisOnly() throws IOException {
        ModuleDescriptor core = descriptor("baton-core");
        Set<String> exported = new TreeSet<>();
        core.exports().forEach(e -> exported.add(e.source() + (e.isQualified() ? " to " + e.targets() : "")));

        assertThat(exported).containsExactly("dev.baton", "dev.baton.deploy", "dev.baton.orchestration", "dev.baton.spi");
        // guards the check above: the engine's packages are in the module, just not exported
        assertThat(core.packages()).contains("dev.baton.internal", "dev.baton.internal.engine", "dev.baton.internal.deploy");
    }

    private static ModuleDescriptor descriptor(String module) throws IOException {
        Path classes = ROOT.resolve(module).resolve("target/classes");
        Path file = classes.resolve("module-info.class");
        assertThat(file).as("the module descriptor of " + module + " (the build compiles it first)").isRegularFile();
        try (InputStream in = Files.newInputStream(file)) {
            return ModuleDescriptor.read(in, () -> packagesIn(classes));
        }
    }

    /** The packages of the classes under {@code classes} (javac does not list them in the descriptor). */
    private static Set<String> packagesIn(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            Set<String> packages = new TreeSet<>();
            files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
                    .forEach(f -> packages.add(classes.relativize(f.getParent()).toString().replace('/', '.')));
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
