package dev.baton.cli;

import dev.baton.Baton;
import dev.baton.BatonRuntime;
import dev.baton.Clock;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow0;
import dev.baton.Flow1;
import dev.baton.Flow2;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task0;
import dev.baton.Task1;
import dev.baton.Task2;
import dev.baton.Task;
import dev.baton.TaskFuture;
import dev.baton.spi.RunStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Real flows, run by the engine, recorded in a real store: what the CLI tests inspect. */
final class RecordedRuns {
    private RecordedRuns() {}

    static final Task1<String, List<String>> extract = Task.named("extract").tags("io")
            .of(source -> List.of(source + "-a", source + "-b"));
    static final Task2<List<String>, Integer, Integer> transform = Task.named("transform")
            .of((rows, factor) -> rows.size() * factor);
    static final Task1<Integer, Integer> square = Task.named("square").of(x -> x * x);
    static final Flow1<Integer, Integer> child = Flow.named("child").of(square::call);

    /**
     * extract and flaky first; transform after both; a subflow (child) after transform; a
     * broken task run whose failure the flow tolerates. Fails flaky's first attempt.
     */
    static Flow2<String, Integer, Integer> etl() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> flaky = Task.named("flaky").retries(1).retryDelay(Duration.ofMillis(1)).of(() -> {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("flaky attempt 1 failed");
            return "ok";
        });
        Task0<Void> broken = Task.named("broken").procedure(() -> {
            throw new IllegalArgumentException("broken on purpose");
        });
        return Flow.named("etl").executor(new ConcurrentExecutor()).of((source, factor) -> {
            Baton.logger().info("extracting from {}", source);
            TaskFuture<List<String>> rows = extract.submit(source);
            TaskFuture<String> ok = flaky.submit();
            TaskFuture<Integer> total = transform.waitFor(ok).submit(rows, factor);
            broken.submit().await();
            Baton.logger().warn("total is {}", total.result());
            return child.call(total.result());
        });
    }

    static final Flow0<Integer> failing = Flow.named("failing").of(() -> {
        throw new IllegalStateException("failing on purpose");
    });

    /** A flow writing {@code lines} log lines, numbered from 0. */
    static Flow0<Integer> chatty(int lines) {
        Task1<Integer, Integer> say = Task.named("say").of(n -> {
            for (int i = 0; i < n; i++) Baton.logger().info("line {}", i);
            return n;
        });
        return Flow.named("chatty").of(() -> say.call(lines));
    }

    /** A flow of {@code length} task runs, each waiting for the one before. */
    static Flow0<Integer> chain(int length) {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        return Flow.named("chain").of(() -> {
            TaskFuture<Integer> f = inc.submit(0);
            for (int i = 1; i < length; i++) f = inc.submit(f);
            return f.result();
        });
    }

    /** Runs {@code body} with its flow runs recorded in {@code store}. */
    static <T> T recordingIn(RunStore store, Path home, Supplier<T> body) {
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(store).home(home).build().makeCurrent()) {
            return body.get();
        }
    }

    static <T> FlowRun<T> run(RunStore store, Path home, Supplier<FlowRun<T>> body) {
        return recordingIn(store, home, body);
    }
}
