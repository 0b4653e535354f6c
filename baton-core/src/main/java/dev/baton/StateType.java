package dev.baton;

/**
 * The kind of a {@link State}, as in Prefect's state model. Named variants such as
 * {@code Cached} or {@code NotReady} share a type with their base state.
 */
public enum StateType {
    SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, CRASHED, PAUSED, CANCELLING;

    private final String displayName = name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);

    /** True for the types a run never leaves: COMPLETED, FAILED, CANCELLED and CRASHED. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == CRASHED;
    }

    /** The name of the base state of this type, e.g. {@code "Completed"} for COMPLETED. */
    public String displayName() {
        return displayName;
    }
}
