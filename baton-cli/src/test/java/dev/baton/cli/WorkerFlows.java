package dev.baton.cli;

import dev.baton.Baton;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.Flow4;
import dev.baton.Task;
import dev.baton.Task1;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.concurrent.CountDownLatch;

/** Flows that workers load by their entrypoints ({@code dev.baton.cli.WorkerFlows#greet}) in the worker tests. */
public final class WorkerFlows {
    private WorkerFlows() {}

    static final Task1<String, String> hello = Task.named("hello").of(name -> "Hello, " + name + "!");

    /** Logs a greeting; with {@code BATON_TEST_RUN_LOG} set, appends the name greeted to that file. */
    static final Flow1<String, String> greet = Flow.named("greet").parameterNames("name").of(name -> {
        String greeting = hello.call(name);
        Baton.logger().info(greeting);
        String log = System.getenv("BATON_TEST_RUN_LOG");
        if (log != null) {
            Files.writeString(Path.of(log), name + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return greeting;
    });

    enum Mode { FULL, INCREMENTAL }

    /** A report of a day, of typed parameters: what {@code baton deployment run --param} is checked against. */
    static final Flow4<LocalDate, Integer, Mode, String, String> report = Flow.named("report")
            .parameterNames("day", "rows", "mode", "label")
            .of((day, rows, mode, label) -> label + ": " + rows + " rows of " + day + " (" + mode + ")");

    static final Task1<Integer, Integer> block = Task.named("block").of(x -> {
        System.out.println("blocked");
        System.out.flush();
        new CountDownLatch(1).await(); // until cancelled, or the JVM killed
        return x;
    });

    /** Blocks in task run block-0 until cancelled. */
    static final Flow0<Integer> blocking = Flow.named("blocking").of(() -> block.call(1));
}
