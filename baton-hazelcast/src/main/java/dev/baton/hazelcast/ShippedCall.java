package dev.baton.hazelcast;

import dev.baton.TaskCall;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/** What a worker's executor service runs: a task body call, whose outcome travels back. */
final class ShippedCall implements Callable<Object>, Serializable {
    @Serial private static final long serialVersionUID = 1L;

    private final TaskCall call;

    ShippedCall(TaskCall call) {
        this.call = call;
    }

    @Override
    public Object call() {
        return call.runOnWorker();
    }

    @Override
    public String toString() {
        return call.toString();
    }
}
