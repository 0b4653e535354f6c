package dev.baton.testing;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.spi.InMemoryRunStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * JUnit 5 extension: before each test, flow runs started from the test's thread (and the
 * threads it starts) run on a fresh {@link BatonRuntime}: an in-memory run store, an empty Baton home in a
 * temporary directory (result storage and the cache), no tag concurrency limits, and the
 * system clock, or a {@link FakeClock} if the test method declares one as a parameter.
 * After the test, the previous runtime is back and the temporary home is deleted.
 *
 * <p>Test methods may declare {@link RecordedRuns} (what their flows recorded) and
 * {@link FakeClock} parameters. Use it with {@link BatonTest} or
 * {@code @ExtendWith(BatonExtension.class)}.
 */
public final class BatonExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BatonExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        InMemoryRunStore store = InMemoryRunStore.unbounded();
        boolean fakeTime = context.getTestMethod().map(BatonExtension::wantsFakeClock).orElse(false);
        Clock clock = fakeTime ? new FakeClock() : Clock.system();
        Path home = Files.createTempDirectory("baton-test-home-");
        ExtensionContext.Store s = context.getStore(NAMESPACE);
        s.put(RecordedRuns.class, new RecordedRuns(store));
        s.put(Clock.class, clock);
        s.put(Path.class, home);
        s.put(BatonRuntime.Scope.class, BatonRuntime.builder().store(store).clock(clock).home(home).build().makeCurrent());
    }

    private static boolean wantsFakeClock(Method m) {
        return Arrays.stream(m.getParameterTypes()).anyMatch(t -> t == FakeClock.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BatonRuntime.Scope scope = context.getStore(NAMESPACE).remove(BatonRuntime.Scope.class, BatonRuntime.Scope.class);
        if (scope != null) scope.close();
        Path home = context.getStore(NAMESPACE).remove(Path.class, Path.class);
        if (home != null) deleteRecursively(home);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is not worth failing a test for
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RecordedRuns.class || type == FakeClock.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Object value = context.getStore(NAMESPACE).get(type == FakeClock.class ? Clock.class : type);
        if (value == null) {
            throw new IllegalStateException(type.getSimpleName() + " is available to test methods (and"
                    + " @BeforeEach/@AfterEach), not to constructors or @BeforeAll methods");
        }
        return value;
    }
}
