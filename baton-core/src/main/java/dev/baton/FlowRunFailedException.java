package dev.baton;

/**
 * Thrown by {@link FlowRun#result()} and by calling a flow directly when the flow run did
 * not complete. The message names the flow run and its final state.
 */
public class FlowRunFailedException extends RuntimeException {
    private final transient FlowRun<?> flowRun;

    /** Creates the exception for {@code flowRun}; {@code cause} is the body's exception, if any. */
    public FlowRunFailedException(FlowRun<?> flowRun, Throwable cause) {
        super("Flow run '" + flowRun.name() + "' of flow '" + flowRun.flowName() + "' ended in state " + flowRun.state(), cause);
        this.flowRun = flowRun;
    }

    /** The flow run that did not complete. */
    public FlowRun<?> flowRun() {
        return flowRun;
    }
}
