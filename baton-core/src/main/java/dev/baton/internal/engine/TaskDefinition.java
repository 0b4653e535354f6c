package dev.baton.internal.engine;

import java.util.Objects;
import java.util.Set;

/**
 * Everything the engine knows of a task: its name, options and body. Shared by all runs of
 * the task; compared by identity.
 */
public final class TaskDefinition {
    private final String name;
    private final String description;
    private final String version;
    private final Set<String> tags;
    private final boolean async;
    private final Invocable body;
    private final TaskOptions options;

    public TaskDefinition(String name, String description, String version, Set<String> tags, boolean async,
                          Invocable body, TaskOptions options) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = description;
        this.version = version;
        this.tags = Set.copyOf(tags);
        this.async = async;
        this.body = Objects.requireNonNull(body, "body");
        this.options = Objects.requireNonNull(options, "options");
    }

    public String name() { return name; }

    public String description() { return description; }

    public String version() { return version; }

    public Set<String> tags() { return tags; }

    /** True if the body returns a CompletionStage: such tasks may only be called from async flows. */
    public boolean isAsync() { return async; }

    Invocable body() { return body; }

    public TaskOptions options() { return options; }

    /** This task with other options: the same name and body (a new definition, as a new task is). */
    public TaskDefinition withOptions(String description, String version, Set<String> tags, TaskOptions options) {
        TaskDefinition d = new TaskDefinition(name, description, version, tags, async, body, options);
        d.serializedBody = serializedBody; // the same body
        return d;
    }

    private volatile byte[] serializedBody;

    /**
     * The body in Java-serialized form, made once per task: distributed executors send these
     * bytes with every call instead of serializing the lambda again.
     *
     * @throws java.io.NotSerializableException (wrapped) if what the body's lambda captures is not serializable
     */
    byte[] serializedBody() throws java.io.IOException {
        byte[] b = serializedBody;
        if (b == null) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(body);
            }
            serializedBody = b = bytes.toByteArray();
        }
        return b;
    }

    @Override
    public String toString() {
        return "Task '" + name + "'";
    }
}
