package dev.baton.internal.deploy;

import dev.baton.Flow;
import dev.baton.internal.engine.FlowDefinition;

import java.util.function.Function;

/**
 * The way from a {@link Flow} to its engine definition, which the flow keeps to itself: {@code Flow}
 * hands over the accessor as its class is initialised, and deployments use it to run a flow as a
 * flow run that exists already.
 */
public final class FlowDefinitions {
    private static volatile Function<Flow, FlowDefinition> definitionOf;

    private FlowDefinitions() {}

    /** Called once, by {@code Flow}'s static initialiser. */
    public static void install(Function<Flow, FlowDefinition> accessor) {
        definitionOf = accessor;
    }

    /** The definition of {@code flow}. */
    public static FlowDefinition of(Flow flow) {
        Function<Flow, FlowDefinition> f = definitionOf;
        if (f == null) {
            try { // a loaded class is not necessarily initialised yet
                Class.forName(Flow.class.getName(), true, Flow.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = definitionOf;
        }
        return f.apply(flow);
    }
}
