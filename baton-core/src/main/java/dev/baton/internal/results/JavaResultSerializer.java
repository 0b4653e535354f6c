package dev.baton.internal.results;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.StreamCorruptedException;

/**
 * The {@code java} result serializer: {@link java.io.Serializable} values through Java
 * serialization, for types JSON cannot represent. Classes are looked up with the thread's
 * context class loader first (see {@link ContextObjectInputStream}).
 *
 * <p>Security: Java deserialization runs code of the classes named in the bytes. Result files
 * are written by Baton itself under {@code BATON_HOME}, so they are as trusted as the class path;
 * never read bytes from elsewhere with this serializer.
 */
public final class JavaResultSerializer implements ResultSerializer {

    /** The one instance; it holds no state. */
    public static final JavaResultSerializer INSTANCE = new JavaResultSerializer();

    /** The name recorded beside stored results. */
    public static final String NAME = "java";

    private JavaResultSerializer() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            // The exception's message is the class that failed, which may be nested deep inside the value.
            String type = typeOf(value);
            String offender = e.getMessage() == null ? type : e.getMessage();
            String what = offender.equals(type) ? type + " does not" : "it holds a " + offender + ", which does not";
            throw new ResultSerializationException("Cannot store a result of type " + type
                    + " with the java result serializer: " + what + " implement java.io.Serializable. Make "
                    + offender + " implement Serializable, or use ResultSerializer.json() (the default), which needs"
                    + " no interface.", e);
        } catch (IOException | RuntimeException e) {
            throw new ResultSerializationException("Cannot store a result of type " + typeOf(value)
                    + " with the java result serializer: " + e, e);
        } catch (StackOverflowError e) {
            throw new ResultSerializationException("Cannot store a result of type " + typeOf(value)
                    + " with the java result serializer: the value is nested too deeply", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object deserialize(byte[] bytes) {
        try {
            return ContextObjectInputStream.readObject(bytes, null);
        } catch (ClassNotFoundException e) {
            throw new ResultSerializationException("Cannot read a java result: class " + e.getMessage()
                    + " is not on the class path (was it renamed or removed since the result was stored?)", e);
        } catch (InvalidClassException e) {
            throw new ResultSerializationException("Cannot read a java result: class " + e.classname
                    + " has changed since the result was stored (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new ResultSerializationException("Cannot read a java result: the bytes end too early (truncated, or not"
                    + " Java serialization data)", e);
        } catch (StreamCorruptedException e) {
            throw new ResultSerializationException("Cannot read a java result: the bytes are not Java serialization data ("
                    + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new ResultSerializationException("Cannot read a java result: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "ResultSerializer.java()";
    }

    private static String typeOf(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
