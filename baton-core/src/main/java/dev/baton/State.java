package dev.baton;


import dev.baton.internal.results.PortableExceptions;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable, timestamped state of a flow run or task run.
 *
 * <p>A state has a {@link StateType} and a name; the name is the type's display name
 * ({@code Completed}) or a named variant ({@code Cached}, {@code Retrying},
 * {@code AwaitingRetry}, {@code TimedOut}, {@code Late}, {@code NotReady}). A run keeps
 * every state it went through in its history.
 *
 * <p>States in a run's history hold no result values: values belong to the futures that
 * return them, so a finished run record costs the same whatever its tasks returned.
 * A state obtained from {@link TaskFuture#state()} carries its value in {@link #result()}.
 *
 * <p>A state is {@link Serializable}, so that one passed to a task run (through
 * {@code allowFailure(...)}) reaches a worker of a distributed executor: its value must be
 * serializable, like any argument there; its exception travels as it is, or, if it cannot be
 * serialized itself, as a stand-in keeping its class name, message, stack trace and causes; a
 * persisted result travels as its value.
 *
 * <pre>{@code
 * State s = future.state();
 * if (s.isCompleted()) System.out.println(s.result());
 * else System.out.println(s);             // Failed('Task run encountered an exception: ...')
 * }</pre>
 */
public final class State implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    static final String CACHED = "Cached", RETRYING = "Retrying", AWAITING_RETRY = "AwaitingRetry",
            TIMED_OUT = "TimedOut", LATE = "Late", NOT_READY = "NotReady";

    private final StateType type;
    private final String name;
    private final long epochNanos;
    private final String message;
    private final Object data; // the result of a COMPLETED state, the Throwable of a FAILED/CRASHED one

    private State(StateType type, String name, long epochNanos, String message, Object data) {
        this.type = Objects.requireNonNull(type, "type");
        this.name = name == null ? type.displayName() : name;
        this.epochNanos = epochNanos;
        this.message = message;
        this.data = data;
    }

    /**
     * Restores a state exactly, as engines and stores do; users normally want the named
     * factories below. {@code name} null means the type's display name; {@code data} is the
     * value of a COMPLETED state, the Throwable of a FAILED or CRASHED one, or the due
     * {@link Instant} of a SCHEDULED one.
     */
    public static State of(StateType type, String name, long epochNanos, String message, Object data) {
        return new State(type, name, epochNanos, message, data);
    }

    private static State now(StateType type, String name, String message, Object data) {
        return new State(type, name, Clock.system().epochNanos(), message, data);
    }

    // ----- factories, for flows that return a state and for tests -----

    /** A Scheduled state. */
    public static State scheduled() { return now(StateType.SCHEDULED, null, null, null); }

    /** A Pending state. */
    public static State pending() { return now(StateType.PENDING, null, null, null); }

    /** A Running state. */
    public static State running() { return now(StateType.RUNNING, null, null, null); }

    /** A Completed state without a value. */
    public static State completed() { return now(StateType.COMPLETED, null, null, null); }

    /** A Completed state carrying {@code result}. */
    public static State completed(Object result) { return now(StateType.COMPLETED, null, null, result); }

    /** A Failed state with a message. */
    public static State failed(String message) { return now(StateType.FAILED, null, message, null); }

    /** A Failed state with a message and the exception that caused it. */
    public static State failed(String message, Throwable cause) { return now(StateType.FAILED, null, message, cause); }

    /** A Cancelled state with a message. */
    public static State cancelled(String message) { return now(StateType.CANCELLED, null, message, null); }

    /** A Crashed state with a message. */
    public static State crashed(String message) { return now(StateType.CRASHED, null, message, null); }

    /** A Paused state. */
    public static State paused() { return now(StateType.PAUSED, null, null, null); }

    /** A Cancelling state. */
    public static State cancelling() { return now(StateType.CANCELLING, null, null, null); }

    /** NotReady (PENDING type): a run that will not start because an upstream run did not complete. */
    public static State notReady(String message) { return now(StateType.PENDING, NOT_READY, message, null); }

    /** Cached (COMPLETED type): a result taken from the cache instead of running. */
    public static State cached(Object result) { return now(StateType.COMPLETED, CACHED, null, result); }

    /** Retrying (RUNNING type): a run's second or later attempt. */
    public static State retrying() { return now(StateType.RUNNING, RETRYING, null, null); }

    /** AwaitingRetry (SCHEDULED type): a failed attempt waiting for its next one, due at {@code scheduledTime}. */
    public static State awaitingRetry(String message, Instant scheduledTime) {
        return now(StateType.SCHEDULED, AWAITING_RETRY, message, scheduledTime);
    }

    /** TimedOut (FAILED type): a run that exceeded its time limit. */
    public static State timedOut(String message) { return now(StateType.FAILED, TIMED_OUT, message, null); }

    /** Late (SCHEDULED type): a scheduled run that did not start on time. */
    public static State late() { return now(StateType.SCHEDULED, LATE, null, null); }

    // ----- reading -----

    /** The state's type. */
    public StateType type() { return type; }

    /** The state's name: the type's display name or a named variant such as {@code NotReady}. */
    public String name() { return name; }

    /** When the run entered this state. */
    public Instant timestamp() { return Instant.ofEpochSecond(0, epochNanos); }

    /** The same instant as {@link #timestamp()}, in nanoseconds since the epoch. */
    public long epochNanos() { return epochNanos; }

    /** Why the run is in this state, when there is something to say. */
    public Optional<String> message() { return Optional.ofNullable(message); }

    /**
     * The value of a completed state: the value itself for a state read from a future; for a
     * state in a run's history, the persisted result read back from storage, or {@code null}
     * if it was not persisted (histories hold no values).
     */
    public Object result() {
        if (type != StateType.COMPLETED) return null;
        return data instanceof PersistedResult stored ? stored.load() : data;
    }

    /** Where a completed run's persisted result is stored, if it was persisted. */
    public Optional<PersistedResult> persistedResult() {
        return type == StateType.COMPLETED && data instanceof PersistedResult stored ? Optional.of(stored) : Optional.empty();
    }

    /** The exception that made the run fail or crash, when known. */
    public Optional<Throwable> cause() {
        return data instanceof Throwable t && type != StateType.COMPLETED ? Optional.of(t) : Optional.empty();
    }

    /** When a SCHEDULED state (Scheduled, AwaitingRetry, Late) is due, if known. */
    public Optional<Instant> scheduledTime() {
        return type == StateType.SCHEDULED && data instanceof Instant i ? Optional.of(i) : Optional.empty();
    }

    /** True for the Cached state: the value came from the cache instead of a run. */
    public boolean isCached() { return type == StateType.COMPLETED && CACHED.equals(name); }

    /** True if the type is final: the run will not change state again. */
    public boolean isFinal() { return type.isFinal(); }

    /** True for COMPLETED states (Completed, Cached). */
    public boolean isCompleted() { return type == StateType.COMPLETED; }

    /** True for FAILED states (Failed, TimedOut). */
    public boolean isFailed() { return type == StateType.FAILED; }

    /** True for CRASHED states. */
    public boolean isCrashed() { return type == StateType.CRASHED; }

    /** True for CANCELLED states. */
    public boolean isCancelled() { return type == StateType.CANCELLED; }

    /** True for PENDING states (Pending, NotReady). */
    public boolean isPending() { return type == StateType.PENDING; }

    /** True for RUNNING states (Running, Retrying). */
    public boolean isRunning() { return type == StateType.RUNNING; }

    /** True for SCHEDULED states (Scheduled, AwaitingRetry, Late). */
    public boolean isScheduled() { return type == StateType.SCHEDULED; }

    /** True for the NotReady state: the run will never start because an upstream run did not complete. */
    public boolean isNotReady() { return type == StateType.PENDING && NOT_READY.equals(name); }

    /** True once the run has settled: a final state, or NotReady. */
    public boolean isSettled() { return type.isFinal() || isNotReady(); }

    /** This state carrying {@code value}: how a future shows the history state of its run. */
    public State withResult(Object value) {
        return value == data ? this : new State(type, name, epochNanos, message, value);
    }

    /** Prefect's short form: {@code Completed()}, {@code Failed('boom')}. */
    @Override
    public String toString() {
        return message == null ? name + "()" : name + "('" + message + "')";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof State s && s.type == type && s.name.equals(name) && s.epochNanos == epochNanos
                && Objects.equals(s.message, message) && Objects.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, epochNanos, message);
    }

    // ----- serialization: through a proxy, so the exception or stored result inside can be made portable -----

    @Serial
    private Object writeReplace() {
        Object portable = data;
        if (data instanceof Throwable t) portable = PortableExceptions.of(t);
        else if (data instanceof PersistedResult stored && !(stored instanceof Serializable)) portable = stored.load();
        return new Wire(type, name, epochNanos, message, portable);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a State is read through its serialization proxy");
    }

    /** A state's serialized form. */
    private record Wire(StateType type, String name, long epochNanos, String message, Object data) implements Serializable {
        @Serial
        private Object readResolve() {
            return new State(type, name, epochNanos, message, data);
        }
    }
}
