package dev.baton.store.jdbc;

import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static dev.baton.store.jdbc.SameRun.assertSameRun;
import static org.assertj.core.api.Assertions.assertThat;

/** The store on the embedded database (SQLite), a file in a fresh Baton home per test. */
class EmbeddedRunStoreTest extends RunStoreContract {

    @Override
    Database database() {
        return new Database(Database.embeddedUrl(home), null);
    }

    @Override
    JdbcRunStore.Builder builder() {
        return JdbcRunStore.builder().embedded(home);
    }

    @Test
    void theEmbeddedFileIsUnderTheBatonHomeAndSurvivesARestart() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("restart").of(() -> {
            TaskFuture<Integer> f = inc.submit(1);
            return inc.submit(f).result() + inc.call(5);
        });
        JdbcRunStore before = open();
        FlowRun<Integer> first = recordingIn(before, flow::run);
        FlowRun<Integer> second = recordingIn(before, flow::run);
        before.close();
        assertThat(Files.isRegularFile(home.resolve("baton.db"))).isTrue();

        try (JdbcRunStore after = JdbcRunStore.builder().embedded(home).build()) {
            List<FlowRun<?>> runs = after.flowRuns();
            assertThat(runs).hasSize(2);
            assertSameRun(second, runs.get(0));
            assertSameRun(first, runs.get(1));
        }
    }

    @Test
    void closingWritesEverythingQueuedAndLaterEventsAreDroppedLoudly() {
        RecordingStore recording = new RecordingStore();
        JdbcRunStore store = open();
        FlowRun<Integer> run = recordingInMemory(recording);
        recording.replayInto(store); // queued, never flushed by flowRunFinished
        store.close();
        var log = capture();
        try {
            store.flowRunStarted(run); // after close: dropped, and said so
        } finally {
            release(log);
        }
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("closed", "NOT recorded"));
        assertThat(store.lostEvents()).isEqualTo(1);

        try (JdbcRunStore after = JdbcRunStore.builder().embedded(home).build()) {
            assertSameRun(run, after.flowRun(run.id()).orElseThrow());
        }
    }

    private FlowRun<Integer> recordingInMemory(RecordingStore recording) {
        dev.baton.internal.engine.EngineServices.useOnThisThread(new dev.baton.internal.engine.EngineServices(
                recording, dev.baton.Clock.system(), home, new dev.baton.internal.engine.TagLimits()));
        try {
            Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
            return Flow.named("queued").of(() -> {
                TaskFuture<Integer> f = inc.submit(0);
                for (int i = 0; i < 2_000; i++) f = inc.submit(f);
                return f.result();
            }).run();
        } finally {
            dev.baton.internal.engine.EngineServices.useOnThisThread(null);
        }
    }
}
