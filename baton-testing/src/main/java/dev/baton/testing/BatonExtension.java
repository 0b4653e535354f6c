package dev.baton.testing;

import dev.baton.internal.store.InMemoryRunStore;
import dev.baton.internal.store.RunStores;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: before each test, flow runs started from the test's thread (and the
 * threads it starts) record to a fresh in-memory store, so tests never see each other's runs
 * and never touch a real store; after the test, the previous store is back. A test method
 * may declare a {@link RecordedRuns} parameter to read what its flows recorded.
 *
 * <p>Use it with {@link BatonTest} or {@code @ExtendWith(BatonExtension.class)}.
 */
public final class BatonExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BatonExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        InMemoryRunStore store = InMemoryRunStore.unbounded();
        context.getStore(NAMESPACE).put(RecordedRuns.class, new RecordedRuns(store));
        RunStores.useOnThisThread(store);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RunStores.useOnThisThread(null);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RecordedRuns.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RecordedRuns runs = context.getStore(NAMESPACE).get(RecordedRuns.class, RecordedRuns.class);
        if (runs == null) {
            throw new IllegalStateException("RecordedRuns is available to test methods (and @BeforeEach/@AfterEach),"
                    + " not to constructors or @BeforeAll methods");
        }
        return runs;
    }
}
