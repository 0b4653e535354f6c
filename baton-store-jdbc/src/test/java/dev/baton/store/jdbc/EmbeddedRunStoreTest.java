package dev.baton.store.jdbc;

import dev.baton.BatonRuntime;
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

    @Test
    void aRuntimeBuiltForAHomeRecordsInItsEmbeddedDatabaseAndClosesIt() {
        Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
        Flow0<Integer> flow = Flow.named("embedding").of(() -> inc.call(inc.call(1)));
        FlowRun<Integer> run;
        JdbcRunStore opened;
        try (BatonRuntime runtime = BatonRuntime.builder().home(home).build()) {
            assertThat(runtime.store()).isInstanceOf(JdbcRunStore.class);
            opened = (JdbcRunStore) runtime.store();
            run = flow.on(runtime).run();
        }
        // closed with the runtime: everything written, nothing more taken
        opened.flowRunStarted(run);
        assertThat(opened.lostEvents()).isEqualTo(1);

        try (JdbcRunStore after = JdbcRunStore.builder().embedded(home).build()) {
            assertSameRun(run, after.flowRun(run.id()).orElseThrow());
        }
    }

    private FlowRun<Integer> recordingInMemory(RecordingStore recording) {
        try (BatonRuntime.Scope scope = BatonRuntime.builder().store(recording).home(home).build().makeCurrent()) {
            Task1<Integer, Integer> inc = Task.named("inc").of(x -> x + 1);
            return Flow.named("queued").of(() -> {
                TaskFuture<Integer> f = inc.submit(0);
                for (int i = 0; i < 2_000; i++) f = inc.submit(f);
                return f.result();
            }).run();
        }
    }
}
