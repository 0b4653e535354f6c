package dev.baton.internal.engine;

import dev.baton.TaskCall;
import dev.baton.internal.results.ContextObjectInputStream;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A task body call shipped to a worker: the body, its resolved arguments and the run's names.
 * On the worker it runs in a {@link RemoteTaskScope}, which collects the body's log lines; the
 * outcome travels back and is turned into the value (or failure) in the flow run's process,
 * where the log lines are written to the run's log.
 *
 * <p>On the wire the body is the bytes its task serialized once, and a worker deserializes each
 * distinct body once: a call costs its arguments, not a lambda's serialization.
 */
final class RemoteTaskCall implements TaskCall {
    @Serial private static final long serialVersionUID = 1L;

    static {
        ContextObjectInputStream.envelope(Wire.class);
        ContextObjectInputStream.envelope(OutcomeWire.class);
    }

    private final String taskName, taskRunName, flowRunName;
    private final UUID taskRunId, flowRunId;
    private final boolean async, rerunOnWorkerLoss;
    private final transient byte[] bodyBytes;
    private transient Invocable body;
    private final Object[] args;
    private final transient TaskRunScope run; // only in the flow run's process

    /**
     * The call of {@code run}'s body with {@code args}, for a worker.
     *
     * @throws IllegalArgumentException if the body (or what its lambda captures) is not serializable
     */
    static RemoteTaskCall of(TaskRunScope run, Object[] args) {
        try {
            return new RemoteTaskCall(run, args);
        } catch (IOException e) {
            throw new IllegalArgumentException("Task run '" + run.record.name() + "' cannot be sent to "
                    + run.engine.flow().executor() + ": its body (or what its lambda captures) is not serializable: "
                    + dev.baton.internal.ExceptionText.of(e), e);
        }
    }

    private RemoteTaskCall(TaskRunScope run, Object[] args) throws IOException {
        TaskDefinition task = run.record.task();
        this.taskName = task.name();
        this.taskRunName = run.record.name();
        this.taskRunId = run.record.id();
        this.flowRunName = run.engine.record().name();
        this.flowRunId = run.engine.record().id();
        this.async = task.isAsync();
        this.rerunOnWorkerLoss = task.options().rerunOnWorkerLoss();
        this.bodyBytes = task.serializedBody();
        this.body = task.body();
        this.args = args;
        this.run = run;
    }

    private RemoteTaskCall(Wire w) {
        this.taskName = w.taskName;
        this.taskRunName = w.taskRunName;
        this.flowRunName = w.flowRunName;
        this.taskRunId = w.taskRunId;
        this.flowRunId = w.flowRunId;
        this.async = w.async;
        this.rerunOnWorkerLoss = w.rerunOnWorkerLoss;
        this.bodyBytes = w.bodyBytes;
        this.args = w.args;
        this.run = null;
    }

    @Override
    public String taskRunName() {
        return taskRunName;
    }

    @Override
    public boolean isAsync() {
        return async;
    }

    @Override
    public boolean rerunOnWorkerLoss() {
        return rerunOnWorkerLoss;
    }

    /** What comes back from a worker: the value, or the failure, and the body's log lines. */
    record Outcome(boolean completed, Object value, Throwable failure, List<LogLine> logLines) implements Serializable {
        @Serial
        private Object writeReplace() {
            return new OutcomeWire(this);
        }
    }

    /** An outcome's form on the wire: a plain value as its bytes, log lines as their fields. */
    static final class OutcomeWire implements Externalizable {
        @Serial private static final long serialVersionUID = 1L;
        private static final Level[] LEVELS = Level.values();
        private Outcome outcome;

        /** For deserialization. */
        public OutcomeWire() {}

        OutcomeWire(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeBoolean(outcome.completed());
            if (outcome.completed()) WireValues.write(out, outcome.value());
            else out.writeObject(outcome.failure());
            List<LogLine> lines = outcome.logLines() == null ? List.of() : outcome.logLines();
            out.writeInt(lines.size());
            for (LogLine line : lines) {
                out.writeByte(line.level().ordinal());
                WireValues.write(out, line.message());
                WireValues.write(out, line.failure());
            }
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
            boolean completed = in.readBoolean();
            Object value = completed ? WireValues.read(in) : null;
            Throwable failure = completed ? null : (Throwable) in.readObject();
            int n = in.readInt();
            List<LogLine> lines = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int level = in.readByte();
                if (level < 0 || level >= LEVELS.length) throw new IOException("unknown log level " + level + " on the wire");
                lines.add(new LogLine(LEVELS[level], (String) WireValues.read(in), (String) WireValues.read(in)));
            }
            outcome = new Outcome(completed, value, failure, lines);
        }

        @Serial
        private Object readResolve() {
            return outcome;
        }
    }

    /** A log line the body wrote on the worker. */
    record LogLine(Level level, String message, String failure) implements Serializable {}

    @Override
    public Object runOnWorker() {
        RemoteTaskScope scope = new RemoteTaskScope(this);
        RunScope previous = RunScope.enter(scope);
        try {
            Object out = body().invoke(args);
            if (async) {
                if (!(out instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("Async task '" + taskName + "' returned " + out + " instead of a CompletionStage");
                }
                try {
                    out = stage.toCompletableFuture().get();
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }
            return new Outcome(true, out, null, scope.logLines());
        } catch (Throwable t) {
            return new Outcome(false, null, portable(t), scope.logLines());
        } finally {
            RunScope.exit(previous);
        }
    }

    private Invocable body() throws IOException, ClassNotFoundException {
        if (body == null) body = Bodies.of(bodyBytes);
        return body;
    }

    /** {@code t} if it can travel back, else a stand-in with its class, message and stack. */
    private static Throwable portable(Throwable t) {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(t);
            return t;
        } catch (IOException | RuntimeException e) {
            RemoteTaskException stand = new RemoteTaskException(t.getClass().getName() + ": " + t.getMessage());
            stand.setStackTrace(t.getStackTrace());
            return stand;
        }
    }

    @Override
    public Object result(Object outcome) throws Exception {
        if (!(outcome instanceof Outcome o)) {
            throw new IllegalStateException("Task run '" + taskRunName + "': a worker answered " + outcome + " instead of an outcome");
        }
        if (run != null && o.logLines() != null) {
            for (LogLine line : o.logLines()) {
                RunLog.log(RunLog.TASK_RUNS, line.level(), run, line.failure() == null ? line.message()
                        : line.message() + System.lineSeparator() + line.failure(), null);
            }
        }
        if (o.completed()) return o.value();
        if (o.failure() instanceof Exception e) throw e;
        if (o.failure() instanceof Error e) throw e;
        throw new RemoteTaskException(String.valueOf(o.failure()));
    }

    String taskRunNameForScope() {
        return taskRunName;
    }

    UUID taskRunId() {
        return taskRunId;
    }

    UUID flowRunId() {
        return flowRunId;
    }

    String flowRunName() {
        return flowRunName;
    }

    /** A failure on a worker whose own exception could not travel back. */
    static final class RemoteTaskException extends Exception {
        @Serial private static final long serialVersionUID = 1L;

        RemoteTaskException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "TaskCall[" + taskRunName + " of flow run " + flowRunName + "]";
    }

    @Serial
    private Object writeReplace() {
        return new Wire(this);
    }

    /** The call's form on the wire: plain fields, and the body as its task's bytes. */
    static final class Wire implements Externalizable {
        @Serial private static final long serialVersionUID = 1L;
        private String taskName, taskRunName, flowRunName;
        private UUID taskRunId, flowRunId;
        private boolean async, rerunOnWorkerLoss;
        private byte[] bodyBytes;
        private Object[] args;

        /** For deserialization. */
        public Wire() {}

        Wire(RemoteTaskCall c) {
            taskName = c.taskName;
            taskRunName = c.taskRunName;
            flowRunName = c.flowRunName;
            taskRunId = c.taskRunId;
            flowRunId = c.flowRunId;
            async = c.async;
            rerunOnWorkerLoss = c.rerunOnWorkerLoss;
            bodyBytes = c.bodyBytes;
            args = c.args;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeUTF(taskName);
            out.writeUTF(taskRunName);
            out.writeUTF(flowRunName);
            out.writeLong(taskRunId.getMostSignificantBits());
            out.writeLong(taskRunId.getLeastSignificantBits());
            out.writeLong(flowRunId.getMostSignificantBits());
            out.writeLong(flowRunId.getLeastSignificantBits());
            out.writeBoolean(async);
            out.writeBoolean(rerunOnWorkerLoss);
            out.writeInt(bodyBytes.length);
            out.write(bodyBytes);
            out.writeInt(args.length);
            for (Object a : args) WireValues.write(out, a);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
            taskName = in.readUTF();
            taskRunName = in.readUTF();
            flowRunName = in.readUTF();
            taskRunId = new UUID(in.readLong(), in.readLong());
            flowRunId = new UUID(in.readLong(), in.readLong());
            async = in.readBoolean();
            rerunOnWorkerLoss = in.readBoolean();
            bodyBytes = new byte[in.readInt()];
            in.readFully(bodyBytes);
            args = new Object[in.readInt()];
            for (int i = 0; i < args.length; i++) args[i] = WireValues.read(in);
        }

        @Serial
        private Object readResolve() {
            return new RemoteTaskCall(this);
        }
    }

    /** Bodies deserialized on this worker, by their bytes: each distinct body is read once. */
    static final class Bodies {
        private static final int MAX = 4096;
        private static final Map<Key, Invocable> CACHE = new ConcurrentHashMap<>();

        private record Key(byte[] bytes, int hash) {
            Key(byte[] bytes) {
                this(bytes, Arrays.hashCode(bytes));
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
            }

            @Override
            public int hashCode() {
                return hash;
            }
        }

        static Invocable of(byte[] bytes) throws IOException, ClassNotFoundException {
            Key key = new Key(bytes);
            Invocable cached = CACHE.get(key);
            if (cached != null) return cached;
            Invocable body = (Invocable) ContextObjectInputStream.readObject(bytes, null);
            if (CACHE.size() >= MAX) CACHE.clear();
            CACHE.put(key, body);
            return body;
        }
    }
}
