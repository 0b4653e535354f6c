package dev.baton.spi;

import dev.baton.Clock;
import dev.baton.orchestration.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tag concurrency slots a run store offers the engine ({@link RunStore#concurrencySlots()}):
 * limits kept where other processes see them too (the database, the API server), behind a
 * {@link Service} that does the I/O. What this adds to the service:
 * <ul>
 *   <li><b>No round trip for runs without limited tags.</b> It keeps the set of tags that have a
 *       limit, fetched on demand and at most {@link #LIMITS_REFRESH} old when a tagged run asks,
 *       so a limit created or changed takes effect within about 2 s. A run none of whose tags is
 *       in the set never reaches the service; an untagged run is not even asked about.</li>
 *   <li><b>An outage neither stops nor slows the flow.</b> If the limits cannot be read (the
 *       service cannot be reached, or refuses: a wrong key), a tagged run goes on without the
 *       service's limits. If they were read before and the service cannot be reached when a run
 *       asks for a slot, the limits last read hold within this process alone until it answers
 *       again (a run over one waits, Pending; the others run at once, without a round trip).
 *       Either way the in-process limits ({@code ConcurrencyLimits}) still apply, and one
 *       warning per tag per outage names the tag and the service. A release that cannot be
 *       delivered is retried in the background until it is; the same run asking for slots again
 *       first delivers its pending release.</li>
 *   <li>Releases only for runs that took slots through it; and while this process itself holds
 *       every slot of a run's tag, answers "retry after" without asking (no polling storm when
 *       many local runs wait on one tag).</li>
 * </ul>
 * If the set of limited tags cannot be fetched, the last one fetched stands; while it is being
 * fetched again during an outage, runs go on with what is known rather than wait for the answer.
 */
public final class SharedTagSlots implements ConcurrencySlots, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTagSlots.class);

    /** The longest the known set of limited tags is used before it is fetched again. */
    public static final Duration LIMITS_REFRESH = Duration.ofSeconds(2);

    /** How often releases that could not be delivered are tried again. */
    public static final Duration OUTAGE_RETRY = Duration.ofSeconds(1);

    /**
     * The keeper of shared slots: a database, or the API server. Calls may block on I/O and may
     * be made from many threads at once.
     */
    public interface Service {
        /** Every limit now, by tag. @throws Unavailable if the service cannot be reached */
        Map<String, Integer> limits() throws InterruptedException;

        /**
         * Takes a slot of every limited tag of {@code tags} for task run {@code taskRunId} of
         * flow run {@code flowRunId} (null if not known), all or none, answering at once.
         *
         * @throws Unavailable if the service cannot be reached now (the run waits and asks again);
         *                     any other exception fails the run
         */
        Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) throws InterruptedException;

        /** Gives back every slot {@code taskRunId} holds. @throws Unavailable if the service cannot be reached */
        void release(UUID taskRunId) throws InterruptedException;
    }

    /** The service cannot be reached now: asking again later may succeed. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Service service;
    private final String description;
    private final Clock clock;
    private volatile Duration retryAfter;    // the service's last "retry after", for the answers given without it
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Map<String, Integer> limits; // by tag; null until fetched once
    private volatile String lastProblem = "not asked yet"; // why the service could not be reached, for warnings
    private volatile long lastFetchNanos = Long.MIN_VALUE / 2;
    private final Map<UUID, Set<String>> holders = new ConcurrentHashMap<>(); // run -> its limited tags
    private final Map<String, AtomicInteger> heldHere = new ConcurrentHashMap<>(); // slots held by this process, by tag
    // releases not delivered yet; the lock keeps the background retry and the run's own next
    // request from racing (a late release must never land after the run's new slots were taken)
    private final Map<UUID, ReentrantLock> unreleased = new ConcurrentHashMap<>();
    private final AtomicBoolean releaser = new AtomicBoolean();
    private final AtomicBoolean outage = new AtomicBoolean();
    private final Set<String> warned = ConcurrentHashMap.newKeySet(); // tags warned about in this outage
    private final Set<UUID> takenWithoutService = ConcurrentHashMap.newKeySet(); // slots the service never heard of
    private volatile boolean fetchedOnce; // a fetch was tried: later ones never hold a run up
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param service     does the I/O
     * @param description names the service in log lines ("the API server at ...")
     * @param clock       the time the refresh and the background retries of releases go by
     * @param retryAfter  how long a run waits before asking again when this process itself holds
     *                    every slot of one of its tags (answered without asking the service), until
     *                    the service says how long in an answer of its own
     */
    public SharedTagSlots(Service service, String description, Clock clock, Duration retryAfter) {
        this.service = Objects.requireNonNull(service, "service");
        this.description = Objects.requireNonNull(description, "description");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) throw new IllegalArgumentException("retryAfter cannot be negative, got " + retryAfter);
    }

    @Override
    public boolean mayLimit(Set<String> tags) {
        if (tags.isEmpty()) return false;
        Map<String, Integer> known = limits();
        if (known == null) {
            // never read: the run goes on without the service's limits (the in-process ones still hold)
            for (String tag : tags) {
                if (warned.add(tag)) {
                    LOG.warn("Could not read the concurrency limits at {} ({}): task runs tagged '{}' run without its"
                            + " limits until they can be read (limits set in this process with ConcurrencyLimits"
                            + " still apply)", description, lastProblem, tag);
                }
            }
            return false;
        }
        for (String tag : tags) {
            if (known.containsKey(tag)) return true;
        }
        return false;
    }

    @Override
    public String tagLimitedToZero(Set<String> tags) {
        if (tags.isEmpty()) return null;
        Map<String, Integer> known = limits();
        if (known == null) return null;
        for (String tag : tags) {
            Integer limit = known.get(tag);
            if (limit != null && limit == 0) return tag;
        }
        return null;
    }

    @Override
    public Acquisition acquire(UUID runId, Set<String> tags) throws InterruptedException {
        return acquire(runId, null, tags);
    }

    @Override
    public Acquisition acquire(Transition transition) throws InterruptedException {
        return acquire(transition.runId(), transition.context().flowRunId(), transition.tags());
    }

    private Acquisition acquire(UUID runId, UUID flowRunId, Set<String> tags) throws InterruptedException {
        if (!mayLimit(tags)) return Acquisition.ACQUIRED;
        Map<String, Integer> known = limits();
        if (known == null) return Acquisition.ACQUIRED; // could not be read after all: see mayLimit
        String tag = tags.iterator().next();
        for (String t : tags) {
            Integer limit = known.get(t);
            if (limit == null) continue;
            tag = t;
            // this process alone fills the tag: no need to ask (a slot it gives back is seen at the next try)
            AtomicInteger here = heldHere.get(t);
            if (here != null && here.get() >= limit && !holders.containsKey(runId)) {
                return new Acquisition.RetryAfter(retryAfter, t);
            }
        }
        // during an outage the limits last read hold in this process alone; no run waits for an answer
        if (outage.get()) return takeWithoutService(runId, tags, known, false);
        if (!deliverPending(runId)) return takeWithoutService(runId, tags, known, false);
        Acquisition answer;
        try {
            answer = service.acquire(runId, flowRunId, tags);
        } catch (Unavailable e) {
            unavailable("take concurrency slots of tags " + tags, e);
            return takeWithoutService(runId, tags, known, true); // the request may have landed: release it later
        }
        reachable();
        if (answer instanceof Acquisition.Acquired) took(runId, tags, known);
        else if (answer instanceof Acquisition.RetryAfter later) retryAfter = later.delay();
        return answer;
    }

    /**
     * Takes the slots of {@code runId} in this process only, under the limits last read, the
     * service being out of reach; {@code mayHaveLanded}: the service may have taken them even so,
     * so they are released there too.
     */
    private Acquisition takeWithoutService(UUID runId, Set<String> tags, Map<String, Integer> known,
                                           boolean mayHaveLanded) {
        for (String t : tags) {
            Integer limit = known.get(t);
            if (limit != null && warned.add(t)) {
                LOG.warn("Could not take a concurrency slot of tag '{}' at {} ({}): until it answers, the tag's last"
                        + " known limit ({}) holds within this process only", t, description, lastProblem, limit);
            }
        }
        // no service arbitrates now: checking the count and taking the slot are one step
        synchronized (heldHere) {
            if (!holders.containsKey(runId)) {
                for (String t : tags) {
                    Integer limit = known.get(t);
                    AtomicInteger here = heldHere.get(t);
                    if (limit != null && here != null && here.get() >= limit) return new Acquisition.RetryAfter(retryAfter, t);
                }
            }
            if (!mayHaveLanded) takenWithoutService.add(runId);
            took(runId, tags, known);
        }
        return Acquisition.ACQUIRED;
    }

    private void took(UUID runId, Set<String> tags, Map<String, Integer> known) {
        Set<String> limited = new HashSet<>(2);
        for (String t : tags) {
            if (known == null || known.containsKey(t)) limited.add(t);
        }
        if (holders.putIfAbsent(runId, limited) != null) return; // held already
        for (String t : limited) heldHere.computeIfAbsent(t, x -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void release(UUID runId) {
        Set<String> limited = holders.remove(runId);
        if (limited == null) return;
        for (String t : limited) heldHere.get(t).decrementAndGet();
        if (takenWithoutService.remove(runId)) return; // the service never heard of them
        if (outage.get() || !tryRelease(runId)) {
            unreleased.put(runId, new ReentrantLock());
            startReleaser();
        }
    }

    /** Gives back the slots of {@code runId} now; false if the service cannot be reached. */
    private boolean tryRelease(UUID runId) {
        try {
            service.release(runId);
        } catch (Unavailable e) {
            unavailable("release the concurrency slots of task run " + runId, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the release stays pending
            return false;
        }
        reachable();
        return true;
    }

    /** Delivers the pending release of {@code runId}, if it has one; false if it is still pending. */
    private boolean deliverPending(UUID runId) {
        ReentrantLock lock = unreleased.get(runId);
        if (lock == null) return true;
        lock.lock();
        try {
            if (unreleased.get(runId) != lock) return true; // delivered meanwhile
            if (!tryRelease(runId)) return false;
            unreleased.remove(runId, lock);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Retries the releases that could not be delivered, every {@link #OUTAGE_RETRY}, until none is left. */
    private void startReleaser() {
        if (!releaser.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("baton-slot-releaser").start(() -> {
            try {
                while (!unreleased.isEmpty() && !closed) {
                    clock.sleep(OUTAGE_RETRY);
                    for (UUID id : Set.copyOf(unreleased.keySet())) {
                        if (!deliverPending(id)) break;
                    }
                }
            } catch (InterruptedException e) {
                // closing
            } finally {
                releaser.set(false);
                if (!unreleased.isEmpty() && !closed) startReleaser(); // one was added as it stopped
            }
        });
    }

    /**
     * The limits by tag, at most {@link #LIMITS_REFRESH} old (or as last known during an outage);
     * null if they could never be read. Only the first read holds runs up (they wait for its
     * answer); later ones are made by one run while the others go on with what is known, and
     * during an outage in the background, so an unreachable service costs no run any time.
     */
    Map<String, Integer> limits() {
        Map<String, Integer> known = limits;
        long now = clock.epochNanos();
        if (now - lastFetchNanos < LIMITS_REFRESH.toNanos()) return known;
        if (!fetchedOnce) {
            fetching.lock();
            try {
                if (!fetchedOnce) fetch();
            } finally {
                fetching.unlock();
            }
            return limits;
        }
        if (outage.get()) {
            if (refreshing.compareAndSet(false, true)) {
                Thread.ofVirtual().name("baton-limits-refresh").start(() -> {
                    try {
                        fetchIfDue();
                    } finally {
                        refreshing.set(false);
                    }
                });
            }
            return known;
        }
        fetchIfDue();
        return limits;
    }

    /** Fetches the limits unless another thread is at it or has just done it. */
    private void fetchIfDue() {
        if (!fetching.tryLock()) return;
        try {
            if (clock.epochNanos() - lastFetchNanos >= LIMITS_REFRESH.toNanos()) fetch();
        } finally {
            fetching.unlock();
        }
    }

    private void fetch() {
        try {
            limits = Map.copyOf(service.limits());
            reachable();
        } catch (Unavailable e) {
            unavailable("read the concurrency limits", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // refused (a wrong key, not a Baton server): runs go on as in an outage, and are told so once per tag
            lastProblem = e.getMessage();
            outage.set(true);
        } finally {
            lastFetchNanos = clock.epochNanos();
            fetchedOnce = true;
        }
    }

    private void unavailable(String action, Unavailable e) {
        lastProblem = e.getMessage();
        if (outage.compareAndSet(false, true)) {
            LOG.debug("Could not {} at {}: {}", action, description, e.getMessage());
        }
    }

    private void reachable() {
        if (outage.get() && outage.compareAndSet(true, false)) {
            warned.clear();
            LOG.info("Concurrency limits at {} can be reached again: tagged task runs take their slots there",
                    description);
        }
    }

    /** Task runs holding slots taken through this keeper. */
    public int holders() {
        return holders.size();
    }

    /** Releases not delivered yet. */
    public int unreleased() {
        return unreleased.size();
    }

    /**
     * Tries once more to deliver the releases that are still pending (unless the service is known
     * to be out of reach), then stops retrying them.
     */
    @Override
    public void close() {
        closed = true;
        for (UUID id : Set.copyOf(unreleased.keySet())) {
            if (outage.get() || !deliverPending(id)) { // no waiting for a service known to be out of reach
                LOG.warn("Closing with {} concurrency slot release(s) not delivered to {}: those slots stay taken"
                        + " until released (./baton concurrency-limit inspect TAG shows them)", unreleased.size(),
                        description);
                break;
            }
        }
    }

    @Override
    public String toString() {
        return "SharedTagSlots[" + description + "]";
    }
}
