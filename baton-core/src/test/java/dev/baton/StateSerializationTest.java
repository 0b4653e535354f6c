package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.internal.results.PortableExceptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A state crosses Java serialization (how a distributed executor hands an {@code allowFailure}
 * state to a worker) with its type, name, time, message, value and exception; an exception that
 * cannot be serialized arrives as a stand-in with its class name, message, stack trace and causes.
 */
class StateSerializationTest {

    private static Object roundTrip(Object value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    /** Java serialization cannot write it: a field holds a plain Object. */
    static final class LoadError extends RuntimeException {
        @SuppressWarnings({"unused", "serial"})
        private final Object lock = new Object();

        LoadError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Test
    void aCompletedStateTravelsWithItsValue() throws Exception {
        State completed = State.of(StateType.COMPLETED, "Cached", 123L, "from the cache", List.of(1, 2));

        State back = (State) roundTrip(completed);

        assertThat(back).isEqualTo(completed);
        assertThat(back.result()).isEqualTo(List.of(1, 2));
        assertThat(back.isCached()).isTrue();
        assertThat(back.message()).contains("from the cache");
    }

    @Test
    void aFailedStateTravelsWithItsException() throws Exception {
        IllegalStateException boom = new IllegalStateException("disk gone");
        State failed = State.of(StateType.FAILED, null, 5L, "Task run encountered an exception", boom);

        State back = (State) roundTrip(failed);

        assertThat(back.type()).isEqualTo(StateType.FAILED);
        assertThat(back.timestamp()).isEqualTo(failed.timestamp());
        Throwable cause = back.cause().orElseThrow();
        assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessage("disk gone");
        assertThat(cause.getStackTrace()).isEqualTo(boom.getStackTrace());
    }

    @Test
    void anExceptionThatCannotBeSerializedTravelsAsAStandInWithItsTypeMessageStackAndCauses() throws Exception {
        LoadError inner = new LoadError("socket closed", null);
        LoadError error = new LoadError("no route", new RuntimeException("wrapped", inner));
        State failed = State.of(StateType.FAILED, null, 5L, "m", error);

        State back = (State) ((List<?>) roundTrip(List.of(failed))).get(0); // a state inside an argument, as allowFailure in a list

        Throwable cause = back.cause().orElseThrow();
        assertThat(cause).isInstanceOf(PortableExceptions.StandIn.class).hasMessage(LoadError.class.getName() + ": no route");
        assertThat(((PortableExceptions.StandIn) cause).originalClassName()).isEqualTo(LoadError.class.getName());
        assertThat(cause.getStackTrace()).isEqualTo(error.getStackTrace());
        assertThat(cause.getCause()).as("a cause that cannot be serialized (through its own cause) is stood in for too")
                .isInstanceOf(PortableExceptions.StandIn.class)
                .hasMessage("java.lang.RuntimeException: wrapped");
        assertThat(cause.getCause().getCause()).hasMessage(LoadError.class.getName() + ": socket closed");
    }

    /** A stored result whose reference cannot be serialized. */
    record Stored(Object value) implements PersistedResult {
        @Override public String location() { return "results/x"; }
        @Override public String serializer() { return "json"; }
        @Override public Object load() { return value; }
    }

    @Test
    void aPersistedResultTravelsAsItsValue() throws Exception {
        State completed = State.of(StateType.COMPLETED, null, 1L, null, new Stored("v"));
        State scheduled = State.of(StateType.SCHEDULED, "AwaitingRetry", 1L, null, Instant.ofEpochSecond(9));

        assertThat(((State) roundTrip(completed)).result()).isEqualTo("v");
        assertThat(((State) roundTrip(scheduled)).scheduledTime()).contains(Instant.ofEpochSecond(9));
    }
}
