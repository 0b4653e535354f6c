package dev.baton.internal.engine;

import dev.baton.BatonRuntime;

import java.util.function.Function;

/**
 * The engine's way to the {@link EngineServices} of a {@link BatonRuntime}, which keeps them to
 * itself (its public face shows only what users configure). {@code BatonRuntime} hands over the
 * accessor as its class is initialised.
 */
public final class EngineAccess {
    private static volatile Function<BatonRuntime, EngineServices> servicesOf;

    private EngineAccess() {}

    /** Called once, by {@code BatonRuntime}'s static initialiser. */
    public static void install(Function<BatonRuntime, EngineServices> accessor) {
        if (servicesOf != null) throw new IllegalStateException("the runtime accessor is installed already");
        servicesOf = accessor;
    }

    /** The engine services of {@code runtime}. */
    public static EngineServices services(BatonRuntime runtime) {
        Function<BatonRuntime, EngineServices> f = servicesOf;
        if (f == null) {
            try { // a loaded class is not necessarily initialised yet
                Class.forName(BatonRuntime.class.getName(), true, BatonRuntime.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = servicesOf;
        }
        return f.apply(runtime);
    }
}
