package dev.baton.internal.results;

import java.nio.file.Path;

/** A stored result's file is gone (deleted, or the store's directory was moved or cleaned). */
public final class ResultUnavailableException extends RuntimeException {

    /** Creates the exception for {@code ref}, expected at {@code file}. */
    public ResultUnavailableException(ResultRef ref, Path file, Throwable cause) {
        super("The " + ref + " is no longer available: " + file + " does not exist (was BATON_HOME cleaned or moved?)", cause);
    }
}
