package dev.baton.internal.engine;

import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.ConcurrencySlots.Acquisition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's keeper: this JVM's limits first, then the store's; nothing held while waiting. */
class EngineSlotsTest {
    private final TagLimits local = new TagLimits();
    private final List<String> calls = new ArrayList<>();
    private Acquisition sharedAnswer = Acquisition.ACQUIRED;
    private RuntimeException sharedFailure;
    private final ConcurrencySlots shared = new ConcurrencySlots() {
        @Override
        public Acquisition acquire(UUID runId, Set<String> tags) {
            calls.add("shared acquire, local holders " + local.holders());
            if (sharedFailure != null) throw sharedFailure;
            return sharedAnswer;
        }

        @Override
        public void release(UUID runId) {
            calls.add("shared release, local holders " + local.holders());
        }

        @Override
        public boolean mayLimit(Set<String> tags) {
            return tags.contains("shared");
        }
    };
    private final EngineSlots slots = new EngineSlots(local, shared);
    private final UUID run = new UUID(0, 1);

    @Test
    void inProcessSlotsAreTakenFirstAndGivenBackLast() throws Exception {
        local.set("db", 1);
        assertThat(slots.acquire(run, Set.of("db", "shared"))).isEqualTo(Acquisition.ACQUIRED);
        slots.release(run);
        assertThat(calls).containsExactly("shared acquire, local holders 1", "shared release, local holders 1");
        assertThat(local.holders()).isZero();
    }

    @Test
    void aRetryAfterFromTheStoreGivesTheInProcessSlotsBack() throws Exception {
        local.set("db", 1);
        sharedAnswer = new Acquisition.RetryAfter(Duration.ofSeconds(1), "shared");
        assertThat(slots.acquire(run, Set.of("db", "shared"))).isEqualTo(sharedAnswer);
        assertThat(local.holders()).as("nothing held while waiting").isZero();
    }

    @Test
    void aFailingStoreGivesTheInProcessSlotsBack() {
        local.set("db", 1);
        sharedFailure = new IllegalStateException("refused");
        assertThatThrownBy(() -> slots.acquire(run, Set.of("db", "shared"))).hasMessage("refused");
        assertThat(local.holders()).isZero();
    }

    @Test
    void onlyLimitedTagsMayLimit() {
        assertThat(slots.mayLimit(Set.of())).isFalse();
        assertThat(slots.mayLimit(Set.of("db"))).isFalse();
        assertThat(slots.mayLimit(Set.of("shared"))).isTrue();
        local.set("db", 2);
        assertThat(slots.mayLimit(Set.of("db"))).isTrue();
        assertThat(slots.mayLimit(Set.of("http"))).isFalse();
    }
}
