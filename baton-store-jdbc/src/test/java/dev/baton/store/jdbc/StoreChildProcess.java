package dev.baton.store.jdbc;

import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;

import java.nio.file.Path;

/**
 * The JVM that {@link ProcessWiringTest} starts: with no store installed, so the engine takes the
 * process default. Prints {@code store=<class>} and {@code run=<id>} on stdout.
 *
 * <ul>
 *   <li>{@code run}: runs a flow of 300 task runs the ordinary way.</li>
 *   <li>{@code queued}: records a flow of 20,000 task runs in memory (80,000 calls, more than the queue holds), hands every call to the process's store
 *       (queued, never flushed) and returns from main at once: the shutdown hook must write them.</li>
 *   <li>{@code hang}: prints {@code pid=<pid>} and runs flow {@code doomed}, whose second task run never
 *       ends: the JVM runs until it is killed.</li>
 * </ul>
 */
public final class StoreChildProcess {
    private StoreChildProcess() {}

    public static void main(String[] args) {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        int tasks = args[0].equals("run") ? 300 : 20_000;
        var flow = Flow.named("child_process").of(() -> {
            TaskFuture<Integer> f = inc.submit(0);
            for (int i = 1; i < tasks; i++) f = inc.submit(f);
            return f.result();
        });
        System.out.println("store=" + BatonRuntime.defaults().store().getClass().getName());
        switch (args[0]) {
            case "run" -> System.out.println("run=" + flow.run().id());
            case "queued" -> {
                RecordingStore recording = new RecordingStore();
                FlowRun<Integer> run = flow.on(BatonRuntime.builder().store(recording)
                        .home(Path.of(System.getProperty("java.io.tmpdir"))).build()).run();
                recording.replayInto(BatonRuntime.defaults().store());
                System.out.println("run=" + run.id());
            }
            case "hang" -> {
                // a flow run stuck in a task run until the test kills this JVM (kill -9)
                Task1<Integer, Integer> stuck = Task.named("stuck").of(x -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return x;
                });
                System.out.println("pid=" + ProcessHandle.current().pid());
                System.out.flush();
                Flow.named("doomed").of(() -> inc.call(1) + stuck.call(2)).run();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
