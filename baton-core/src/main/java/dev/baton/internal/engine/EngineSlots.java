package dev.baton.internal.engine;

import dev.baton.orchestration.Transition;
import dev.baton.spi.ConcurrencySlots;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The engine's keeper of tag concurrency slots: the limits set in this JVM
 * ({@code ConcurrencyLimits.set}, {@link TagLimits}) and the limits the run store knows (created
 * with {@code ./baton concurrency-limit create} in the database, or on the API server). A task
 * run needs a slot of every limited tag of both.
 *
 * <p>It takes the in-process slots first (waiting for them here, woken the moment one frees),
 * then asks the store's keeper, which answers at once. If a store slot is taken it gives the
 * in-process slots back before answering "retry after": a run never holds slots while it waits,
 * so runs waiting on one tag never keep others off a second one, and two keepers never deadlock.
 * The engine then sleeps on its clock and proposes RUNNING again (the run stays Pending).
 * Releasing gives back the store's slots first, then the in-process ones, so a local waiter
 * woken by the latter finds the store slot free too.
 */
final class EngineSlots implements ConcurrencySlots {
    private final TagLimits local;
    private final ConcurrencySlots shared;

    EngineSlots(TagLimits local, ConcurrencySlots shared) {
        this.local = Objects.requireNonNull(local, "local");
        this.shared = Objects.requireNonNull(shared, "shared");
    }

    /** False if no tag of {@code tags} is limited in this JVM or, as far as it knows without asking, by the store. */
    @Override
    public String tagLimitedToZero(Set<String> tags) {
        if (tags.isEmpty()) return null;
        String tag = local.tagLimitedToZero(tags);
        return tag != null ? tag : shared.tagLimitedToZero(tags);
    }

    @Override
    public boolean mayLimit(Set<String> tags) {
        return !tags.isEmpty() && (local.mayLimit(tags) || shared.mayLimit(tags));
    }

    @Override
    public Acquisition acquire(UUID runId, Set<String> tags) throws InterruptedException {
        local.acquire(runId, tags);
        return thenShared(runId, () -> shared.acquire(runId, tags));
    }

    @Override
    public Acquisition acquire(Transition transition) throws InterruptedException {
        local.acquire(transition.runId(), transition.tags());
        return thenShared(transition.runId(), () -> shared.acquire(transition));
    }

    private interface SharedCall {
        Acquisition call() throws InterruptedException;
    }

    private Acquisition thenShared(UUID runId, SharedCall call) throws InterruptedException {
        Acquisition answer;
        try {
            answer = call.call();
        } catch (InterruptedException | RuntimeException | Error e) {
            local.release(runId);
            throw e;
        }
        if (answer instanceof Acquisition.RetryAfter) local.release(runId); // never hold slots while waiting
        return answer;
    }

    @Override
    public void release(UUID runId) {
        try {
            shared.release(runId);
        } finally {
            local.release(runId);
        }
    }

    @Override
    public String toString() {
        return "EngineSlots[" + local + ", " + shared + "]";
    }
}
