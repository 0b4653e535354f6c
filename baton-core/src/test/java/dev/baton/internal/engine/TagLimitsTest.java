package dev.baton.internal.engine;

import dev.baton.Eventually;
import dev.baton.spi.ConcurrencySlots.Acquisition;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process slot keeper: slots held by run id, waiters woken by a release, all-or-none on interrupt. */
class TagLimitsTest {
    private final TagLimits limits = new TagLimits();
    private final UUID a = new UUID(0, 1), b = new UUID(0, 2);

    private CompletableFuture<Acquisition> acquireInThread(UUID run, Set<String> tags) {
        CompletableFuture<Acquisition> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(limits.acquire(run, tags));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Returns once {@code acquiring} waits in the queue of {@code tag}, failing the test if it got
     * its slots instead: a queued run shows the limit holds, with no guess at how long to wait.
     */
    private void queued(String tag, CompletableFuture<Acquisition> acquiring) {
        Eventually.until(() -> limits.waiting(tag) == 1 || acquiring.isDone(), "a run waits for a slot of " + tag);
        assertThat(acquiring).as("acquired while the limit was reached").isNotDone();
    }

    @Test
    void aSecondRunWaitsUntilTheFirstReleasesItsSlot() throws Exception {
        limits.set("db", 1);
        assertThat(limits.acquire(a, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);

        CompletableFuture<Acquisition> second = acquireInThread(b, Set.of("db"));
        queued("db", second);
        limits.release(a);

        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(Acquisition.ACQUIRED);
        assertThat(limits.holders()).isEqualTo(1);
    }

    @Test
    void releasingTwiceOrWithoutSlotsChangesNothing() throws Exception {
        limits.set("db", 1);
        limits.acquire(a, Set.of("db"));
        limits.release(a);
        limits.release(a);
        limits.release(b);

        limits.acquire(b, Set.of("db"));
        CompletableFuture<Acquisition> third = acquireInThread(a, Set.of("db"));
        queued("db", third); // still a limit of one
        limits.release(b);
        assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo(Acquisition.ACQUIRED);
    }

    @Test
    void unlimitedTagsNeedNoSlot() throws Exception {
        assertThat(limits.acquire(a, Set.of("db"))).isEqualTo(Acquisition.ACQUIRED);
        limits.set("gpu", 1);
        assertThat(limits.acquire(a, Set.of("db", "http"))).isEqualTo(Acquisition.ACQUIRED);
        assertThat(limits.holders()).isZero();
    }

    @Test
    void anInterruptedWaitHoldsNothing() throws Exception {
        limits.set("a-tag", 1);
        limits.set("b-tag", 1);
        limits.acquire(a, Set.of("b-tag"));
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                limits.acquire(b, Set.of("a-tag", "b-tag")); // takes a-tag, waits for b-tag
            } catch (InterruptedException expected) {
                // gives a-tag back
            }
        });
        Eventually.until(() -> limits.waiting("b-tag") == 1, "the waiter holds a-tag and waits for b-tag");
        waiter.interrupt();
        assertThat(waiter.join(Eventually.PATIENCE)).as("the interrupted waiter ended").isTrue();

        assertThat(limits.holders()).isEqualTo(1);
        assertThat(acquireInThread(b, Set.of("a-tag")).get(5, TimeUnit.SECONDS)).isEqualTo(Acquisition.ACQUIRED);
    }
}
