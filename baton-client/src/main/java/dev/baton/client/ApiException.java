package dev.baton.client;

/**
 * A request to the Baton API server failed: it could not be reached, refused the credentials,
 * rejected the request (its message passed on) or answered something unreadable. The message
 * names the server and says what to do; {@link #status()} is the HTTP status, or 0 when none
 * came back.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String serverMessage;

    ApiException(int status, String message, Throwable cause) {
        this(status, message, cause, null);
    }

    ApiException(int status, String message, Throwable cause, String serverMessage) {
        super(message, cause);
        this.status = status;
        this.serverMessage = serverMessage;
    }

    /** The server's own message ({@code "error"} of its answer), or null when it gave none. */
    String serverMessage() {
        return serverMessage;
    }

    /** The HTTP status the server answered with, or 0 if it did not answer. */
    public int status() {
        return status;
    }
}
