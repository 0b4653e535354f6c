package dev.baton.internal.engine;

import dev.baton.spi.ConcurrencySlots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Concurrency limits by tag within this process: at most N task runs carrying a tag run at
 * once, across all flow runs. A run with several limited tags takes their slots in tag order,
 * so two runs never hold each other's slots. The engine's {@link ConcurrencySlots} keeper: the
 * task run policy takes and gives back slots through it.
 */
public final class TagLimits implements ConcurrencySlots {
    private final Map<String, Slots> limits = new ConcurrentHashMap<>();
    private final Map<UUID, List<Semaphore>> held = new ConcurrentHashMap<>();
    private volatile boolean inUse; // read by every task run: cheaper than asking the map

    private record Slots(int limit, Semaphore semaphore) {}

    /** Sets the limit of {@code tag} (runs already holding slots keep them). */
    public void set(String tag, int limit) {
        if (tag == null || tag.isBlank()) throw new IllegalArgumentException("a concurrency limit needs a non-blank tag");
        if (limit < 0) throw new IllegalArgumentException("the concurrency limit of tag '" + tag + "' must be >= 0, got " + limit);
        freeWaiters(limits.put(tag, new Slots(limit, new Semaphore(limit, true))));
        inUse = true;
    }

    /** Removes the limit of {@code tag}. */
    public void remove(String tag) {
        freeWaiters(limits.remove(tag));
        inUse = !limits.isEmpty();
    }

    /** Runs waiting under a replaced or removed limit go ahead; the new limit counts runs that ask afterwards. */
    private static void freeWaiters(Slots old) {
        if (old != null) old.semaphore().release(Integer.MAX_VALUE / 2);
    }

    /** The limit of {@code tag}, if any. */
    public OptionalInt limit(String tag) {
        Slots s = limits.get(tag);
        return s == null ? OptionalInt.empty() : OptionalInt.of(s.limit());
    }

    /** Every limit, by tag. */
    public Map<String, Integer> all() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        limits.forEach((tag, s) -> out.put(tag, s.limit()));
        return out;
    }

    /** True if any tag has a limit. */
    boolean inUse() {
        return inUse;
    }

    /** True if a tag of {@code tags} has a limit. */
    @Override
    public String tagLimitedToZero(Set<String> tags) {
        for (String tag : tags) {
            Slots s = limits.get(tag);
            if (s != null && s.limit() == 0) return tag;
        }
        return null;
    }

    @Override
    public boolean mayLimit(Set<String> tags) {
        if (!inUse || tags.isEmpty()) return false;
        for (String tag : tags) {
            if (limits.containsKey(tag)) return true;
        }
        return false;
    }

    /** Removes every limit. */
    public void clear() {
        for (String tag : List.copyOf(limits.keySet())) remove(tag);
    }

    /**
     * Waits for a slot of every limited tag in {@code tags} (in tag order, fairly: first come,
     * first served) and holds them for {@code runId} until {@link #release}. Always answers
     * acquired: in this process a run waits here, woken the moment a slot frees, instead of
     * polling. Tags without a limit need no slot.
     */
    @Override
    public Acquisition acquire(UUID runId, Set<String> tags) throws InterruptedException {
        if (!inUse || tags.isEmpty()) return Acquisition.ACQUIRED;
        List<Semaphore> taken = null;
        try {
            for (String tag : new TreeSet<>(tags)) {
                Slots s = limits.get(tag);
                if (s == null) continue;
                Semaphore semaphore = s.semaphore();
                // a run waiting here gives its executor slot back meanwhile (tryAcquire with a
                // timeout keeps the semaphore's first come, first served order; without, it barges)
                if (!semaphore.tryAcquire(0, TimeUnit.SECONDS)) CallSlots.whileWaiting(semaphore::acquire);
                if (taken == null) taken = new ArrayList<>(2);
                taken.add(s.semaphore());
            }
        } catch (InterruptedException e) {
            if (taken != null) taken.forEach(Semaphore::release);
            throw e;
        }
        if (taken != null) {
            List<Semaphore> before = held.put(runId, taken);
            if (before != null) before.forEach(Semaphore::release); // a run holds one set of slots at a time
        }
        return Acquisition.ACQUIRED;
    }

    /** Gives back the slots {@code runId} holds, if any. */
    @Override
    public void release(UUID runId) {
        List<Semaphore> taken = held.remove(runId);
        if (taken != null) taken.forEach(Semaphore::release);
    }

    /** How many runs hold slots now. */
    int holders() {
        return held.size();
    }

    /**
     * How many runs wait for a slot of {@code tag} now (0 for a tag without a limit): lets a test
     * see that a run has queued instead of sleeping and hoping it has.
     */
    public int waiting(String tag) {
        Slots s = limits.get(tag);
        return s == null ? 0 : s.semaphore().getQueueLength();
    }
}
