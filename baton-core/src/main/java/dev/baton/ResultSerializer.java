package dev.baton;

/**
 * Turns task and flow results into bytes and back, for persisted results and the cache.
 * JSON is the default; Java serialization is the option for {@link java.io.Serializable}
 * types that JSON cannot represent.
 *
 * <pre>{@code
 * Task.named("load").persistResult(true).resultSerializer(ResultSerializer.java()).of(...)
 * }</pre>
 */
public interface ResultSerializer {

    /** A short name recorded beside every stored result ({@code json}, {@code java}), to read it back. */
    String name();

    /**
     * The bytes of {@code value}.
     *
     * @throws ResultSerializationException if this serializer cannot represent the value; the message names its type
     */
    byte[] serialize(Object value);

    /**
     * The value {@link #serialize} was given.
     *
     * @throws ResultSerializationException if the bytes cannot be read back (e.g. a class is missing)
     */
    Object deserialize(byte[] bytes);

    /** JSON (Jackson) with the values' types recorded, so records, collections and maps come back as they were. */
    static ResultSerializer json() {
        return dev.baton.internal.results.JsonResultSerializer.INSTANCE;
    }

    /** Java serialization, for {@link java.io.Serializable} values. */
    static ResultSerializer java() {
        return dev.baton.internal.results.JavaResultSerializer.INSTANCE;
    }
}
