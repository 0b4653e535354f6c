package dev.baton.spi;

/**
 * The kinds of run events, as one byte each: the kind of an event waiting in a
 * {@link RunEventQueue} and the kind byte of an event in the binary form ({@link RunEventCodec}).
 * One numbering for both, so a kind means the same wherever it is read. The numbers of the first
 * seven are part of the binary form: they never change.
 *
 * <p>In a queue, each kind says what the event's subject (and state) is:
 * <table>
 *   <caption>The subject and state of each kind in a queue</caption>
 *   <tr><th>kind</th><th>subject</th><th>state</th><th>in the binary form</th></tr>
 *   <tr><td>{@link #FLOW_RUN_CREATED}</td><td>the {@code FlowRun}</td><td>none</td><td>{@link RunEvent.FlowRunCreated}</td></tr>
 *   <tr><td>{@link #TASK_RUN_CREATED}</td><td>the {@code TaskRun}</td><td>none</td><td>{@link RunEvent.TaskRunCreated}</td></tr>
 *   <tr><td>{@link #FLOW_RUN_STATE}</td><td>the {@code FlowRun}</td><td>the state entered</td><td>{@link RunEvent.FlowRunState}</td></tr>
 *   <tr><td>{@link #TASK_RUN_STATE}</td><td>the {@code TaskRun}</td><td>the state entered</td><td>{@link RunEvent.TaskRunState}</td></tr>
 *   <tr><td>{@link #LOG}</td><td>the {@link LogLine}</td><td>none</td><td>{@link RunEvent.Log}</td></tr>
 *   <tr><td>{@link #HEARTBEAT}</td><td>the store's own note of the flow runs alive</td><td>none</td><td>{@link RunEvent.Heartbeat}</td></tr>
 *   <tr><td>{@link #FLOW_RUN_FINISHED}</td><td>the {@code FlowRun}</td><td>none</td><td>{@link RunEvent.FlowRunFinished}</td></tr>
 *   <tr><td>{@link #REPORTED}</td><td>a {@link RunEvent} of any kind</td><td>none</td><td>never</td></tr>
 * </table>
 *
 * <p>Plain bytes rather than an enum: a queue keeps them in a {@code byte[]} beside its events (an
 * array store, no reference to write), the binary form writes and reads them as they are, and a
 * {@code switch} on them compiles to a jump table.
 */
public final class RunEventKind {
    /** A flow run was created (the engine's {@code RunStore.flowRunStarted}). */
    public static final byte FLOW_RUN_CREATED = 1;
    /** A task run was created. */
    public static final byte TASK_RUN_CREATED = 2;
    /** A flow run entered a state. */
    public static final byte FLOW_RUN_STATE = 3;
    /** A task run entered a state. */
    public static final byte TASK_RUN_STATE = 4;
    /** A log line of a run. */
    public static final byte LOG = 5;
    /** Flow runs of a process are alive. */
    public static final byte HEARTBEAT = 6;
    /** A flow run finished: nothing more of it follows. */
    public static final byte FLOW_RUN_FINISHED = 7;
    /**
     * An event another process reported (through the API server), queued whole as a
     * {@link RunEvent}; only in a queue, never in the binary form.
     */
    public static final byte REPORTED = 8;

    private RunEventKind() {}
}
