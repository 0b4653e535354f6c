package dev.baton;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flows carry tags like tasks, and every run of a flow reports them. */
class FlowTagsTest {

    @Test
    void flowAndItsRunsCarryTagsInTheOrderGiven() {
        Flow0<Void> etl = Flow.named("etl").tags("nightly", "finance").tags("nightly", "eu").procedure(() -> {});

        assertThat(etl.tags()).containsExactly("nightly", "finance", "eu");
        assertThat(etl.run().tags()).containsExactly("nightly", "finance", "eu");
    }

    @Test
    void flowWithoutTagsHasNone() {
        Flow0<Void> etl = Flow.named("etl").procedure(() -> {});

        assertThat(etl.tags()).isEmpty();
        assertThat(etl.run().tags()).isEmpty();
    }

    @Test
    void flowTagsCannotBeModified() {
        Flow0<Void> etl = Flow.named("etl").tags("io").procedure(() -> {});

        assertThatThrownBy(() -> etl.tags().add("more")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> etl.run().tags().add("more")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void reusedBuilderKeepsEarlierFlowsTags() {
        Flow.Builder builder = Flow.named("etl").tags("io");
        Flow0<Void> first = builder.procedure(() -> {});
        builder.tags("slow");
        Flow0<Void> second = builder.procedure(() -> {});

        assertThat(first.tags()).containsExactly("io");
        assertThat(second.tags()).containsExactly("io", "slow");
    }

    @Test
    void subflowRunCarriesItsOwnFlowsTags() {
        Flow0<Void> child = Flow.named("child").tags("inner").procedure(() -> {});
        AtomicReference<FlowRun<?>> childRun = new AtomicReference<>();
        Flow0<Void> parent = Flow.named("parent").tags("outer").procedure(() -> childRun.set(child.run()));

        FlowRun<Void> run = parent.run();

        assertThat(run.tags()).containsExactly("outer");
        assertThat(childRun.get().tags()).containsExactly("inner");
    }

    @Test
    void blankOrNullFlowTagIsRejectedWithTheFlowName() {
        assertThatThrownBy(() -> Flow.named("etl").tags("io", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Flow 'etl' got a blank or null tag in [io,  ]; tags must be non-blank strings");
        assertThatThrownBy(() -> Flow.named("etl").tags("io", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Flow 'etl' got a blank or null tag in [io, null]");
    }
}
