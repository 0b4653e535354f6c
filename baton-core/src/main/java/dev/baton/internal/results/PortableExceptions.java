package dev.baton.internal.results;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;

/**
 * Exceptions that must cross a process boundary by Java serialization (a failed upstream's state
 * handed to a task run on a worker). Every {@code Throwable} is {@code Serializable}, but one whose
 * fields hold something that is not (a connection, a lock, a lambda) fails to write, and with it
 * the whole call. Such an exception is replaced by a {@link StandIn} that keeps what a reader
 * needs: the original class's name, the message, the stack trace, and its causes (each made
 * portable the same way).
 */
public final class PortableExceptions {
    private PortableExceptions() {}

    /** {@code t} itself if it can be serialized, else a stand-in for it; null for null. */
    public static Throwable of(Throwable t) {
        if (t == null || serializes(t)) return t;
        return new StandIn(t);
    }

    private static boolean serializes(Throwable t) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(t);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Stands for an exception that could not be serialized. Its message is the original's
     * {@code toString()} ({@code com.example.LoadError: disk gone}); its stack trace and causes
     * are the original's.
     */
    public static final class StandIn extends RuntimeException {
        @Serial private static final long serialVersionUID = 1L;
        private final String originalClassName;

        StandIn(Throwable original) {
            super(original.toString(), of(original.getCause()));
            this.originalClassName = original.getClass().getName();
            setStackTrace(original.getStackTrace());
        }

        /** The class of the exception this stands for. */
        public String originalClassName() {
            return originalClassName;
        }
    }
}
