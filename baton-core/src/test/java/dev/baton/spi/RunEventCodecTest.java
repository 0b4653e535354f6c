package dev.baton.spi;

import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Run events in their binary form read back equal to what was written, and a bad body is refused saying where. */
class RunEventCodecTest {
    private static final Instant T = Instant.parse("2026-12-03T10:00:00.123456789Z");

    @Test
    void everyKindOfEventReadsBackEqual() {
        UUID f = UUID.randomUUID(), t = UUID.randomUUID();
        List<RunEvent> events = List.of(
                new RunEvent.FlowRunCreated(f, "brave-otter", "etl", "[1,\"x\"]", null, UUID.randomUUID(),
                        new LinkedHashSet<>(List.of("nightly", "io")), T, "12@host"),
                new RunEvent.FlowRunState(f, new StateRecord(StateType.PENDING, "Pending", T, null, null, null)),
                new RunEvent.TaskRunCreated(t, f, 0, "load-0", "load", "1.2", Set.of(), List.of(UUID.randomUUID()),
                        null, 3),
                new RunEvent.TaskRunCreated(UUID.randomUUID(), f, 1, "load-1", "load", null, Set.of("io"), List.of(),
                        UUID.randomUUID()),
                new RunEvent.TaskRunState(f, t, new StateRecord(StateType.SCHEDULED, "AwaitingRetry", T.plusNanos(1),
                        "again", T.plusSeconds(5), null)),
                new RunEvent.TaskRunState(f, t, new StateRecord(StateType.COMPLETED, "Completed", T.plusNanos(2), null,
                        null, "results/ab.json")),
                new RunEvent.Log(new LogLine(f, t, T.plusNanos(3), "INFO", "dev.baton.task_runs", "h\u00e9llo \u4e2d\n")),
                new RunEvent.Log(null),
                new RunEvent.Heartbeat(List.of(f, t), Instant.ofEpochSecond(-5, 7)),
                new RunEvent.FlowRunFinished(f));

        assertThat(roundTrip(events)).containsExactlyElementsOf(events);
    }

    @Test
    void absentFieldsStayAbsentSoTheServerCanSayWhatIsMissing() {
        List<RunEvent> events = List.of(
                new RunEvent.FlowRunCreated(null, null, null, null, null, null, null, null, null),
                new RunEvent.TaskRunCreated(null, null, -1, null, null, null, null, null, null, null),
                new RunEvent.FlowRunState(null, null),
                new RunEvent.TaskRunState(null, null, new StateRecord(null, null, null, null, null, null)),
                new RunEvent.Heartbeat(null, null),
                new RunEvent.FlowRunFinished(null));

        assertThat(roundTrip(events)).containsExactlyElementsOf(events);
    }

    @Test
    void anyEventsReadBackEqualAndRepeatedStringsAreSentOnce() {
        Random random = new Random(20261203);
        for (int round = 0; round < 300; round++) {
            List<RunEvent> events = new ArrayList<>();
            for (int i = random.nextInt(50); i >= 0; i--) events.add(randomEvent(random));
            assertThat(roundTrip(events)).as("round %d", round).containsExactlyElementsOf(events);
        }
        RunEventCodec.Writer w = new RunEventCodec.Writer();
        UUID f = UUID.randomUUID();
        for (int i = 0; i < 1_000; i++) {
            w.add(new RunEvent.TaskRunState(f, UUID.randomUUID(), new StateRecord(StateType.RUNNING, "Running",
                    T.plusNanos(i), null, null, null)));
        }
        // the state's type and name once, then two ids (34 bytes) and a time: a quarter of the JSON's 230 bytes
        assertThat(w.size()).isLessThan(1_000 * 60);
    }

    @Test
    void eventsTakenBackAfterAMarkAreNotInTheBody() {
        RunEventCodec.Writer w = new RunEventCodec.Writer();
        RunEvent first = new RunEvent.FlowRunFinished(UUID.randomUUID());
        w.add(first);
        w.mark();
        w.add(new RunEvent.Log(new LogLine(UUID.randomUUID(), null, T, "INFO", "taken-back", "x")));
        w.reset();
        RunEvent second = new RunEvent.Log(new LogLine(UUID.randomUUID(), null, T, "WARN", "kept", "taken-back"));
        w.add(second);

        assertThat(w.count()).isEqualTo(2);
        assertThat(RunEventCodec.read(w.toByteArray(), 10)).containsExactly(first, second);
    }

    @Test
    void readingStopsPastTheMostEventsAllowed() {
        RunEventCodec.Writer w = new RunEventCodec.Writer();
        for (int i = 0; i < 10; i++) w.add(new RunEvent.FlowRunFinished(UUID.randomUUID()));
        assertThat(RunEventCodec.read(w.toByteArray(), 3)).hasSize(4);
    }

    @Test
    void aBadBodyIsRefusedSayingWhereAndWhy() {
        assertThatThrownBy(() -> RunEventCodec.read("[{}]".getBytes(), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("send JSON");
        byte[] body = new RunEventCodec.Writer().add(new RunEvent.FlowRunState(UUID.randomUUID(),
                new StateRecord(StateType.RUNNING, "Running", T, null, null, null))).toByteArray();
        assertThatThrownBy(() -> RunEventCodec.read(Arrays.copyOf(body, body.length - 3), 10))
                .hasMessageContaining("Malformed run event 0 (at byte 4)").hasMessageContaining("ends too early");
        byte[] unknownKind = Arrays.copyOf(body, body.length);
        unknownKind[4] = 42;
        assertThatThrownBy(() -> RunEventCodec.read(unknownKind, 10)).hasMessageContaining("unknown kind 42");
        byte[] badType = new RunEventCodec.Writer().add(new RunEvent.FlowRunFinished(null)).toByteArray();
        byte[] hugeList = {'B', 'E', 'V', 1, 6, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
        assertThatThrownBy(() -> RunEventCodec.read(hugeList, 10)).hasMessageContaining("a list of");
        assertThat(RunEventCodec.read(badType, 10)).hasSize(1);

        // whatever the bytes, an IllegalArgumentException and nothing else
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] fuzzed = Arrays.copyOf(body, body.length);
            fuzzed[4 + random.nextInt(fuzzed.length - 4)] = (byte) random.nextInt(256);
            try {
                RunEventCodec.read(fuzzed, 10);
            } catch (IllegalArgumentException expected) {
                // said why
            }
        }
    }

    private static List<RunEvent> roundTrip(List<RunEvent> events) {
        RunEventCodec.Writer w = new RunEventCodec.Writer();
        for (RunEvent e : events) w.add(e);
        assertThat(w.count()).isEqualTo(events.size());
        return RunEventCodec.read(w.toByteArray(), events.size());
    }

    private static RunEvent randomEvent(Random r) {
        UUID f = r.nextInt(5) == 0 ? null : UUID.randomUUID();
        return switch (r.nextInt(7)) {
            case 0 -> new RunEvent.FlowRunCreated(f, text(r), text(r), text(r), maybeId(r), maybeId(r), tags(r),
                    maybeTime(r), text(r));
            case 1 -> new RunEvent.TaskRunCreated(f, maybeId(r), r.nextInt(), text(r), text(r), text(r), tags(r),
                    r.nextBoolean() ? null : List.of(UUID.randomUUID(), UUID.randomUUID()), maybeId(r),
                    r.nextBoolean() ? null : r.nextInt());
            case 2 -> new RunEvent.FlowRunState(f, state(r));
            case 3 -> new RunEvent.TaskRunState(f, maybeId(r), state(r));
            case 4 -> new RunEvent.Log(new LogLine(f, maybeId(r), maybeTime(r), text(r), text(r), text(r)));
            case 5 -> new RunEvent.Heartbeat(r.nextBoolean() ? null : List.of(UUID.randomUUID()), maybeTime(r));
            default -> new RunEvent.FlowRunFinished(f);
        };
    }

    private static StateRecord state(Random r) {
        if (r.nextInt(10) == 0) return null;
        StateType type = r.nextInt(10) == 0 ? null : StateType.values()[r.nextInt(StateType.values().length)];
        return new StateRecord(type, text(r), maybeTime(r), text(r), maybeTime(r), text(r));
    }

    private static Set<String> tags(Random r) {
        if (r.nextInt(4) == 0) return null;
        Set<String> tags = new LinkedHashSet<>();
        for (int i = r.nextInt(3); i > 0; i--) tags.add(text(r));
        return tags;
    }

    private static UUID maybeId(Random r) {
        return r.nextBoolean() ? null : UUID.randomUUID();
    }

    private static Instant maybeTime(Random r) {
        return r.nextInt(4) == 0 ? null : Instant.ofEpochSecond(r.nextLong(-1L << 40, 1L << 40), r.nextInt(1_000_000_000));
    }

    private static String text(Random r) {
        int kind = r.nextInt(6);
        if (kind == 0) return null;
        if (kind == 1) return "task"; // repeated: sent once per body
        if (kind == 2) return "x".repeat(201 + r.nextInt(50)); // too long to be remembered
        if (kind == 3) return "\ud83d\ude00 " + r.nextInt(3);
        StringBuilder b = new StringBuilder();
        String alphabet = "ab\t\n\\\"\u00e9\u4e2d";
        for (int i = r.nextInt(8); i > 0; i--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }
}
