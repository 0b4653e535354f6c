package dev.baton.server;

import dev.baton.spi.ConcurrencySlots;
import dev.baton.store.jdbc.JdbcConcurrencySlots;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The tag concurrency slots the server hands out, kept in its database
 * ({@link JdbcConcurrencySlots}) so a tag's limit holds across every process reporting here and
 * every process sharing the database, and survives a restart. Used by the task run policy's slot
 * rule ({@code set_state} to RUNNING) and by the increment/decrement routes.
 *
 * <p>It also remembers which task runs took slots through this server, so that a task run
 * reported leaving RUNNING in a batch of events gives its slots back without a database write
 * for every task run that never held one.
 */
final class SharedSlots implements ConcurrencySlots {
    private final JdbcConcurrencySlots slots;
    private final Function<UUID, UUID> flowRunOf;
    private final Set<UUID> holders = ConcurrentHashMap.newKeySet();

    /**
     * @param slots     the slots in the database
     * @param flowRunOf the flow run of a task run the server knows, else null (then looked up in the database)
     */
    SharedSlots(JdbcConcurrencySlots slots, Function<UUID, UUID> flowRunOf) {
        this.slots = slots;
        this.flowRunOf = flowRunOf;
    }

    @Override
    public Acquisition acquire(UUID runId, Set<String> tags) {
        UUID flowRunId = flowRunOf.apply(runId);
        return acquire(runId, flowRunId, tags);
    }

    /** Takes a slot of every limited tag of {@code tags} for a task run, all or none. */
    Acquisition acquire(UUID taskRunId, UUID flowRunId, Set<String> tags) {
        Acquisition a = flowRunId == null ? slots.acquire(taskRunId, tags) : slots.acquire(taskRunId, flowRunId, tags);
        if (a instanceof Acquisition.Acquired && !tags.isEmpty()) holders.add(taskRunId);
        return a;
    }

    @Override
    public void release(UUID runId) {
        holders.remove(runId);
        slots.release(runId);
    }

    /** Releases the slots of a task run that left RUNNING, if it took any through this server. */
    void leftRunning(UUID taskRunId) {
        if (holders.contains(taskRunId)) release(taskRunId);
    }

    void close() {
        slots.close();
    }

    @Override
    public String toString() {
        return "SharedSlots[" + slots + "]";
    }
}
