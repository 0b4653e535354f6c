package dev.baton.cli;

import java.util.List;

/**
 * A command could not do what was asked, for a reason the user can act on: printed as one line
 * (then the detail lines, if any, indented), exit code 1.
 */
final class CommandFailure extends RuntimeException {
    private final List<String> details;

    CommandFailure(String message) {
        this(message, List.of());
    }

    /** With lines that show what the message speaks of (the candidates of an ambiguous id, say). */
    CommandFailure(String message, List<String> details) {
        super(message);
        this.details = List.copyOf(details);
    }

    List<String> details() {
        return details;
    }
}
