package dev.baton.cli;

import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.Task1;

import java.util.concurrent.CountDownLatch;

/**
 * A flow's own JVM, as {@code ./baton run} starts one, recording in the embedded database under
 * {@code BATON_HOME} (the process default store). Started by {@link RunningFlow}: runs flow
 * {@code long_running} ({@code run()}, on the calling thread) whose task run {@code quick-0}
 * completes and whose task run {@code block-0} prints {@code blocked} and waits until it is
 * interrupted; prints {@code state=<type>} once the flow run has ended (cancelled, say), then exits.
 */
public final class FlowProcess {
    private FlowProcess() {}

    public static void main(String[] args) {
        Task0<Integer> quick = Task.named("quick").of(() -> 1);
        Task1<Integer, Integer> block = Task.named("block").of(x -> {
            System.out.println("blocked");
            System.out.flush();
            new CountDownLatch(1).await(); // until the flow run is cancelled, or the JVM killed
            return x;
        });
        FlowRun<Integer> run = Flow.named("long_running").of(() -> block.call(quick.call())).run();
        System.out.println("state=" + run.state().type());
        System.out.flush();
    }
}
