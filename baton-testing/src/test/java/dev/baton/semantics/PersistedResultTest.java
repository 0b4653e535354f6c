package dev.baton.semantics;

import dev.baton.BatonRuntime;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.PersistedResult;
import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import dev.baton.State;
import dev.baton.Task;
import dev.baton.Task0;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Persisted results: written under BATON_HOME/results, referred to by the completed state, read
 * back from a run's record after the futures are gone; JSON by default, Java serialization as an
 * option; a value the serializer cannot write fails the run with a message naming the task, the
 * type and the serializer. Nothing is written without the options.
 */
@BatonTest
class PersistedResultTest {
    record Model(String name, List<Double> weights, Map<String, Integer> vocabulary) {}

    /** Serializable, but with no properties JSON could write. */
    static final class Opaque implements Serializable {
        private final int secret;

        Opaque(int secret) {
            this.secret = secret;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque other && other.secret == secret;
        }

        @Override
        public int hashCode() {
            return secret;
        }
    }

    /** Neither JSON nor Java serialization can write it. */
    static final class Unwritable {
        @SuppressWarnings("unused") private final Object lock = new Object();
    }

    private static Path home() {
        return BatonRuntime.current().home();
    }

    private static List<Path> resultFiles() throws Exception {
        Path dir = home().resolve("results");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void aPersistedResultIsAFileUnderBatonHome() throws Exception {
        Model model = new Model("m", List.of(0.5, 1.5), Map.of("a", 1));
        Task0<Model> train = Task.named("train").persistResult(true).of(() -> model);
        Flow0<Void> flow = Flow.named("f").procedure(train::submit);

        FlowRun<Void> run = flow.run();

        State completed = run.taskRuns().get(0).state();
        PersistedResult stored = completed.persistedResult().orElseThrow();
        assertThat(stored.serializer()).isEqualTo("json");
        assertThat(resultFiles()).hasSize(1);
        assertThat(stored.location()).contains(resultFiles().get(0).getFileName().toString());
        assertThat(Files.readString(resultFiles().get(0))).startsWith("baton-result/1 json\n");
    }

    @Test
    void theRecordReadsTheValueBackAfterTheFuturesAreGone(RecordedRuns runs) {
        Model model = new Model("m", List.of(0.5, 1.5), Map.of("a", 1, "b", 2));
        Task0<Model> train = Task.named("train").persistResult(true).of(() -> model);
        Flow0<Void> flow = Flow.named("f").procedure(train::submit); // the future is dropped

        flow.run();

        TaskRun taskRun = runs.taskRuns("train").get(0);
        assertThat(taskRun.state().result()).isEqualTo(model);
        assertThat(taskRun.history().get(taskRun.history().size() - 1).result()).isEqualTo(model);
    }

    @Test
    void withoutTheOptionNothingIsWrittenAndTheRecordHoldsNoValue(RecordedRuns runs) throws Exception {
        Task0<String> plain = Task.named("plain").of(() -> "value");
        Task0<String> retried = Task.named("retried").retries(2).of(() -> "value");
        Flow0<String> flow = Flow.named("f").of(() -> plain.call() + retried.call());

        FlowRun<String> run = flow.run();

        assertThat(run.result()).isEqualTo("valuevalue");
        assertThat(Files.exists(home().resolve("results"))).isFalse();
        assertThat(runs.taskRuns()).allSatisfy(t -> {
            assertThat(t.state().persistedResult()).isEmpty();
            assertThat(t.state().result()).isNull();
        });
    }

    @Test
    void theFutureStillCarriesTheValue() {
        Task0<Integer> answer = Task.named("answer").persistResult(true).of(() -> 42);
        Flow0<Object> flow = Flow.named("f").of(() -> answer.submit().state().result());

        assertThat(flow.run().result()).isEqualTo(42);
    }

    @Test
    void aNullResultIsPersistedToo() throws Exception {
        Task0<Void> nothing = Task.named("nothing").persistResult(true).procedure(() -> { });
        Flow0<Void> flow = Flow.named("f").procedure(nothing::submit);

        FlowRun<Void> run = flow.run();

        State s = run.taskRuns().get(0).state();
        assertThat(s.persistedResult()).isPresent();
        assertThat(s.result()).isNull();
        assertThat(resultFiles()).hasSize(1);
    }

    @Test
    void theJavaSerializerStoresSerializableValues() {
        Task0<Opaque> model = Task.named("model").persistResult(true).resultSerializer(ResultSerializer.java())
                .of(() -> new Opaque(7));
        Flow0<Void> flow = Flow.named("f").procedure(model::submit);

        FlowRun<Void> run = flow.run();

        State s = run.taskRuns().get(0).state();
        assertThat(s.persistedResult()).get().extracting(PersistedResult::serializer).isEqualTo("java");
        assertThat(s.result()).isEqualTo(new Opaque(7));
    }

    @Test
    void aValueJsonCannotWriteFailsTheRunNamingTaskTypeAndSerializer() throws Exception {
        Task0<Opaque> model = Task.named("model").persistResult(true).of(() -> new Opaque(7));
        Flow0<Void> flow = Flow.named("f").procedure(model::submit);

        FlowRun<Void> run = flow.run();

        TaskRun taskRun = run.taskRuns().get(0);
        assertThat(Traces.names(taskRun)).containsExactly("Pending", "Running", "Failed");
        State failed = taskRun.state();
        assertThat(failed.message()).get().asString()
                .startsWith("Task 'model' returned a value that cannot be persisted: ")
                .contains(Opaque.class.getName())
                .contains("json result serializer");
        assertThat(failed.cause()).get().isInstanceOf(ResultSerializationException.class);
        assertThat(run.state()).hasToString("Failed('1/1 states failed.')");
        assertThat(resultFiles()).isEmpty();
    }

    @Test
    void aValueJavaCannotWriteFailsTheRunNamingTaskTypeAndSerializer() {
        Task0<Unwritable> model = Task.named("model").persistResult(true).resultSerializer(ResultSerializer.java())
                .of(Unwritable::new);
        Flow0<Void> flow = Flow.named("f").procedure(model::submit);

        FlowRun<Void> run = flow.run();

        State failed = run.taskRuns().get(0).state();
        assertThat(failed.isFailed()).isTrue();
        assertThat(failed.message()).get().asString()
                .startsWith("Task 'model' returned a value that cannot be persisted: ")
                .contains(Unwritable.class.getName())
                .contains("java result serializer");
    }

    @Test
    void anUnpersistableValueIsFinalNotRetried() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Task0<Opaque> model = Task.named("model").persistResult(true).retries(2).of(() -> {
            calls.incrementAndGet();
            return new Opaque(1);
        });
        Flow0<Void> flow = Flow.named("f").procedure(model::submit);

        FlowRun<Void> run = flow.run();

        assertThat(run.taskRuns().get(0).state().isFailed()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFlowPersistsItsResult() {
        Flow0<Model> flow = Flow.named("f").persistResult(true).of(() -> new Model("flow", List.of(1.0), Map.of()));

        FlowRun<Model> run = flow.run();

        assertThat(run.state().persistedResult()).isPresent();
        assertThat(run.state().result()).isEqualTo(new Model("flow", List.of(1.0), Map.of()));
        assertThat(run.result()).isEqualTo(new Model("flow", List.of(1.0), Map.of()));
    }

    @Test
    void aFlowResultThatCannotBePersistedFailsTheFlowRun() {
        Flow0<Opaque> flow = Flow.named("exporter").persistResult(true).of(() -> new Opaque(3));

        FlowRun<Opaque> run = flow.run();

        assertThat(run.state().isFailed()).isTrue();
        assertThat(run.state().message()).get().asString()
                .startsWith("Flow 'exporter' returned a value that cannot be persisted: ")
                .contains(Opaque.class.getName());
    }
}
