package dev.baton.server;

/**
 * A request the API refuses, with the HTTP status to answer and a message saying what was wrong
 * and what to do. The server answers it as {@code {"error": message}}.
 */
final class ApiError extends RuntimeException {
    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
