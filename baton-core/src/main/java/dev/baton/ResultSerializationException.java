package dev.baton;

/** A result could not be serialized or read back; the message names the type and the serializer. */
public class ResultSerializationException extends RuntimeException {
    /** Creates the exception. */
    public ResultSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
