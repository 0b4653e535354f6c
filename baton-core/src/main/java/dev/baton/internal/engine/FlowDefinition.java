package dev.baton.internal.engine;

import dev.baton.Executor;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** Everything the engine knows of a flow: its name, options, executor and body. */
public final class FlowDefinition {
    private final String name;
    private final String description;
    private final String version;
    private final Set<String> tags;
    private final Executor executor;
    private final boolean async;
    private final Invocable body;
    private final FlowOptions options;
    private final TaskDefinition subflowTask; // stands for this flow's runs inside a parent flow run

    public FlowDefinition(String name, String description, String version, Set<String> tags, Executor executor,
                          boolean async, Invocable body, FlowOptions options) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = description;
        this.version = version;
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags)); // keeps the order given
        this.executor = Objects.requireNonNull(executor, "executor");
        this.async = async;
        this.body = Objects.requireNonNull(body, "body");
        this.options = Objects.requireNonNull(options, "options");
        this.subflowTask = new TaskDefinition(name, description, version, java.util.Set.of(), async,
                args -> { throw new IllegalStateException("a subflow's task run is not executed"); }, TaskOptions.PLAIN);
    }

    public String name() { return name; }

    public String description() { return description; }

    public String version() { return version; }

    /** The flow's tags, in the order given; recorded with every run. */
    public Set<String> tags() { return tags; }

    public Executor executor() { return executor; }

    /** True if the body returns a CompletionStage; only async flows may call async tasks. */
    public boolean isAsync() { return async; }

    Invocable body() { return body; }

    public FlowOptions options() { return options; }

    /** This flow with other options: the same name and body (a new definition, as a new flow is). */
    public FlowDefinition withOptions(String description, String version, Set<String> tags, Executor executor,
                                      FlowOptions options) {
        return new FlowDefinition(name, description, version, tags, executor, async, body, options);
    }

    TaskDefinition subflowTask() { return subflowTask; }

    @Override
    public String toString() {
        return "Flow '" + name + "'";
    }
}
