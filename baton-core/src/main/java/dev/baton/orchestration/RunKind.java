package dev.baton.orchestration;

/** Which kind of run a transition is for: each kind has its own policy. */
public enum RunKind {
    TASK_RUN, FLOW_RUN;

    /** How messages name a run of this kind: {@code task run} or {@code flow run}. */
    public String displayName() {
        return this == TASK_RUN ? "task run" : "flow run";
    }
}
