package dev.baton.cli;

/** A command could not do what was asked, for a reason the user can act on: printed as one line, exit code 1. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
        super(message);
    }
}
