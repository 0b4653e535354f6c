package dev.baton.spi;

import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How text is cleaned before any store records it: NUL, unpaired surrogates, clipping, and clean text untouched. */
class RecordedTextTest {

    @Test
    void cleanTextThatFitsIsReturnedAsTheSameInstance() {
        String name = new String("extract-42 ✓ 𝄞 done"); // a pair (𝄞) is clean
        assertThat(RecordedText.TASK_RUN_NAME.clean(name)).isSameAs(name);
        String full = "x".repeat(600);
        assertThat(RecordedText.TASK_RUN_NAME.clean(full)).isSameAs(full);
        assertThat(RecordedText.LOG_MESSAGE.clean(null)).isNull();
        assertThat(RecordedText.LOG_MESSAGE.clean("")).isEmpty();
    }

    @Test
    void nulCharactersBecomeTheReplacementCharacterKeepingTheLength() {
        assertThat(RecordedText.TASK_NAME.clean("nul\u0000name")).isEqualTo("nul\uFFFDname");
        assertThat(RecordedText.LOG_MESSAGE.clean("\u0000a\u0000")).isEqualTo("\uFFFDa\uFFFD");
        assertThat(RecordedText.TASK_NAME.isClean("nul\u0000name")).isFalse();
    }

    @Test
    void unpairedSurrogatesBecomeTheReplacementCharacterAndPairsStay() {
        String clef = "\uD834\uDD1E";
        assertThat(RecordedText.STATE_MESSAGE.clean("a\uD834b")).isEqualTo("a\uFFFDb");    // lone high
        assertThat(RecordedText.STATE_MESSAGE.clean("a\uDD1Eb")).isEqualTo("a\uFFFDb");    // lone low
        assertThat(RecordedText.STATE_MESSAGE.clean("end\uD834")).isEqualTo("end\uFFFD");  // high at the end
        assertThat(RecordedText.STATE_MESSAGE.clean("\uDD1E\uD834")).isEqualTo("\uFFFD\uFFFD"); // reversed
        assertThat(RecordedText.STATE_MESSAGE.clean(clef + "\u0000")).isEqualTo(clef + "\uFFFD");
        String cleaned = RecordedText.STATE_MESSAGE.clean("x\uD834y" + clef);
        assertThat(cleaned.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo(cleaned); // round-trips through UTF-8
    }

    @Test
    void longTextIsClippedToItsLimitWithAMarkerSayingHowMuchWasLeftOut() {
        String clipped = RecordedText.TASK_RUN_NAME.clean("n".repeat(1_000));
        assertThat(clipped).hasSize(600).startsWith("nnnn").endsWith("… [clipped 421 chars]");
        assertThat(kept(clipped) + 421).isEqualTo(1_000);

        String log = RecordedText.LOG_MESSAGE.clean("l".repeat(17_000_000));
        assertThat(log).hasSize(RecordedText.LOG_MESSAGE.maxChars()).endsWith("… [clipped 16,900,028 chars]");
        assertThat(kept(log) + 16_900_028).isEqualTo(17_000_000);
    }

    private static int kept(String clipped) {
        return clipped.indexOf("… [clipped ");
    }

    @Test
    void clippingNeverSplitsASurrogatePairAndCleansWhatItKeeps() {
        String clef = "\uD834\uDD1E";
        // the pair straddles the cut: it is left out whole
        String text = "\u0000" + "a".repeat(578) + clef + "b".repeat(500);
        String clipped = RecordedText.TASK_RUN_NAME.clean(text);
        assertThat(clipped.length()).isLessThanOrEqualTo(600);
        assertThat(clipped).startsWith("\uFFFDaaa").doesNotContain("\u0000");
        assertThat(RecordedText.TASK_RUN_NAME.clean(clipped)).as("cleaned text is clean").isSameAs(clipped);
    }

    @Test
    void aLimitTooShortForTheMarkerEndsWithAnEllipsis() {
        assertThat(RecordedText.LOG_LEVEL.clean("INFORMATIONAL")).isEqualTo("INFORMA…");
        assertThat(RecordedText.STATE_NAME.clean("s".repeat(100))).hasSize(64).endsWith("… [clipped 56 chars]");
    }

    @Test
    void referencesAreLeftOutAndParametersReplacedByANoteWhenTooLong() {
        assertThat(RecordedText.RESULT_REF.clean("r".repeat(1_001))).isNull();
        assertThat(RecordedText.RESULT_REF.clean("a\u0000b")).isNull();
        assertThat(RecordedText.PARAMETERS.clean("[\"" + "p".repeat(200_000) + "\"]"))
                .isEqualTo("[\"<the parameters: 200,004 characters of JSON, too large to record>\"]");
    }

    @Test
    void eventsAreCleanedFieldByFieldAndCleanOnesAreTheSameInstance() {
        UUID flow = UUID.randomUUID();
        RunEvent.TaskRunCreated clean = new RunEvent.TaskRunCreated(UUID.randomUUID(), flow, 0, "t-0", "t", null,
                Set.of("io"), List.of(), null);
        assertThat(RunEvents.cleaned(clean)).isSameAs(clean);
        Set<String> tags = new LinkedHashSet<>(List.of("io", "t\u0000g"));
        RunEvent.TaskRunCreated dirty = new RunEvent.TaskRunCreated(clean.id(), flow, 0, "n".repeat(1_000),
                "nul\u0000name", null, tags, List.of(), null);
        RunEvent.TaskRunCreated c = (RunEvent.TaskRunCreated) RunEvents.cleaned(dirty);
        assertThat(c.name()).hasSize(600);
        assertThat(c.taskName()).isEqualTo("nul\uFFFDname");
        assertThat(c.tags()).containsExactly("io", "t\uFFFDg");

        LogLine line = new LogLine(flow, null, Instant.now(), "INFO", "user", "a\u0000b");
        assertThat(((RunEvent.Log) RunEvents.cleaned(new RunEvent.Log(line))).line().message()).isEqualTo("a\uFFFDb");
        StateRecord failed = new StateRecord(StateType.FAILED, "Failed", Instant.now(), "boom\u0000", null, null);
        RunEvent.TaskRunState s = new RunEvent.TaskRunState(flow, c.id(), failed);
        assertThat(((RunEvent.TaskRunState) RunEvents.cleaned(s)).state().message()).isEqualTo("boom\uFFFD");
        RunEvent.FlowRunState ok = new RunEvent.FlowRunState(flow, new StateRecord(StateType.COMPLETED, "Completed",
                Instant.now(), null, null, null));
        assertThat(RunEvents.cleaned(ok)).isSameAs(ok);
    }
}
