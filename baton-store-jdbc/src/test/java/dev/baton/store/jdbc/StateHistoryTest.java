package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.StateRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A task run's states in its row's history column: every state reads back exactly, whatever its texts. */
class StateHistoryTest {

    @Test
    void aTypicalHistoryIsOneShortLinePerState() {
        StringBuilder history = new StringBuilder();
        StateHistory.append(history, State.of(StateType.PENDING, null, 1_000, null, null), null);
        StateHistory.append(history, State.of(StateType.RUNNING, null, 2_000, null, null), null);
        StateHistory.append(history, State.of(StateType.COMPLETED, null, 3_000, null, null), "results/x.json");

        assertThat(history.toString()).isEqualTo("PENDING\t1000\nRUNNING\t2000\nCOMPLETED\t3000\t\t\\N\t\\N\tresults/x.json\n");
        assertThat(StateHistory.count(history.toString())).isEqualTo(3);
        assertThat(StateHistory.records(history.toString())).containsExactly(
                new StateRecord(StateType.PENDING, "Pending", Instant.ofEpochSecond(0, 1_000), null, null, null),
                new StateRecord(StateType.RUNNING, "Running", Instant.ofEpochSecond(0, 2_000), null, null, null),
                new StateRecord(StateType.COMPLETED, "Completed", Instant.ofEpochSecond(0, 3_000), null, null,
                        "results/x.json"));
    }

    @Test
    void namesMessagesDueTimesAndResultReferencesReadBackExactly() {
        List<StateRecord> states = List.of(
                new StateRecord(StateType.SCHEDULED, "AwaitingRetry", Instant.ofEpochSecond(5, 1), "again\tin 5 s",
                        Instant.ofEpochSecond(10, 2), null),
                new StateRecord(StateType.FAILED, "Failed", Instant.ofEpochSecond(6), "line 1\nline 2\\n \\N \\E", null, null),
                new StateRecord(StateType.FAILED, "", Instant.ofEpochSecond(7), "", null, null),
                new StateRecord(StateType.COMPLETED, "\\N", Instant.ofEpochSecond(8), null, null, "a\\b\tc"),
                new StateRecord(StateType.CRASHED, "\\E", Instant.ofEpochSecond(-1, 3), null, null, ""));

        assertThat(StateHistory.records(write(states))).containsExactlyElementsOf(states);
    }

    @Test
    void anyTextsReadBackExactly() {
        Random random = new Random(20261203);
        String alphabet = "ab\t\n\\NE \u00e9\u4e2d";
        for (int round = 0; round < 2_000; round++) {
            List<StateRecord> states = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i >= 0; i--) {
                StateType type = StateType.values()[random.nextInt(StateType.values().length)];
                states.add(new StateRecord(type, random.nextInt(3) == 0 ? type.displayName() : text(random, alphabet),
                        Instant.ofEpochSecond(0, random.nextLong(1L << 62)),
                        random.nextBoolean() ? null : text(random, alphabet),
                        type != StateType.SCHEDULED || random.nextBoolean() ? null // only a SCHEDULED state is due
                                : Instant.ofEpochSecond(0, random.nextLong(1L << 62)),
                        random.nextBoolean() ? null : text(random, alphabet)));
            }
            assertThat(StateHistory.records(write(states))).as("round %d", round).containsExactlyElementsOf(states);
            assertThat(StateHistory.count(write(states))).isEqualTo(states.size());
        }
    }

    @Test
    void noHistoryHasNoStates() {
        assertThat(StateHistory.records(null)).isEmpty();
        assertThat(StateHistory.records("")).isEmpty();
        assertThat(StateHistory.count(null)).isZero();
    }

    private static String write(List<StateRecord> states) {
        StringBuilder b = new StringBuilder();
        for (StateRecord r : states) {
            StateHistory.append(b, State.of(r.type(), r.name(), HistoryQueries.nanos(r.timestamp()), r.message(),
                    r.scheduledTime()), r.resultRef());
        }
        return b.toString();
    }

    private static String text(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return b.toString();
    }
}
