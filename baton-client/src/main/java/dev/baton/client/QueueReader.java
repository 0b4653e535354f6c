package dev.baton.client;

import dev.baton.FlowRun;
import dev.baton.TaskRun;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventKind;
import dev.baton.spi.RunEventQueue;
import dev.baton.spi.RunEvents;
import dev.baton.spi.StateRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The sender's side of the store's {@link RunEventQueue}: takes what the engine reported (its live
 * objects) off the queue and turns it into {@link RunEvent}s, in order, a batch at a time (one
 * buffer of the queue may hold many batches). Numbers each flow run's task runs as they are
 * created, and keeps the flow runs still running, for heartbeats.
 *
 * <p>Used by the sender's thread, then by the thread closing the store once it takes over
 * ({@link #rest}); every method holds this object's lock, so what the sender has taken and not read
 * is read by {@link #rest}, not lost.
 */
final class QueueReader {
    private final RunEventQueue queue;
    private final String process;
    private final Map<UUID, int[]> nextOrdinal = new HashMap<>();
    private final Set<UUID> running = new LinkedHashSet<>();
    /**
     * Flow runs this process took over (a deployment's claimed runs: created elsewhere, so no
     * creation is read for them), running until their end is read. Added from the engine's
     * threads, which must not wait for this object's lock (the sender holds it while it waits).
     */
    private final Set<UUID> resumed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The buffer taken from the queue, read up to {@link #next}; handed back with the next take. */
    private RunEventQueue.Buffer buffer;
    private int next;
    /** The sequence number (in the queue) of the last event read; 0: none yet. */
    private long lastRead;

    QueueReader(RunEventQueue queue, String process) {
        this.queue = queue;
        this.process = process;
    }

    /**
     * Whether there are events to read: at once if some taken are not read yet, else after taking
     * what the queue holds, waiting up to {@code waitNanos} for the first, or until {@code stop}
     * holds (asked whenever the queue is woken).
     */
    synchronized boolean await(long waitNanos, BooleanSupplier stop) throws InterruptedException {
        if (buffer != null && next < buffer.size()) return true;
        RunEventQueue.Buffer done = buffer; // read to the end: the queue's again
        buffer = null;
        next = 0;
        // the lock is held while waiting, so rest() reads what this takes; closing, stop holds and it returns at once
        buffer = queue.take(done, Duration.ofNanos(waitNanos), stop);
        return buffer != null;
    }

    /** Up to {@code max} events, the next in order (none if nothing is taken), in a list with room for one more. */
    synchronized List<RunEvent> read(int max) {
        int n = buffer == null ? 0 : Math.min(max, buffer.size() - next);
        List<RunEvent> events = new ArrayList<>(n + 1);
        if (n == 0) return events;
        for (int end = next + n; next < end; next++) events.add(event(buffer, next));
        lastRead = buffer.sequence(next - 1);
        return events;
    }

    /** The sequence number in the queue of the last event {@link #read} (0: none yet). */
    synchronized long lastRead() {
        return lastRead;
    }

    /**
     * Closes the queue and reads every event left: the rest of what was taken, then what the queue
     * still held (the store is closing: they go to the spool).
     */
    synchronized List<RunEvent> rest() {
        RunEventQueue.Buffer left = queue.drain();
        List<RunEvent> events = new ArrayList<>();
        if (buffer != null) {
            for (; next < buffer.size(); next++) events.add(event(buffer, next));
        }
        if (left != null) {
            for (int i = 0; i < left.size(); i++) events.add(event(left, i));
        }
        return events;
    }

    /** Whether a flow run of this process is running (so heartbeats are due). */
    synchronized boolean anyRunning() {
        return !running.isEmpty() || !resumed.isEmpty();
    }

    /** A heartbeat for every flow run still running. */
    synchronized RunEvent.Heartbeat heartbeat() {
        Set<UUID> all = new LinkedHashSet<>(running);
        all.addAll(resumed);
        return new RunEvent.Heartbeat(List.copyOf(all), Instant.now());
    }

    /**
     * Flow run {@code id}, created elsewhere (a claimed run of a deployment), runs in this process
     * from now on: it gets heartbeats until its end is read. Does not wait for this object's lock.
     */
    void resumed(UUID id) {
        resumed.add(id);
    }

    /** The event of the {@code i}-th of {@code b}, its text cleaned as every store records it ({@link RunEvents#cleaned}). */
    private RunEvent event(RunEventQueue.Buffer b, int i) {
        return RunEvents.cleaned(uncleaned(b, i));
    }

    private RunEvent uncleaned(RunEventQueue.Buffer b, int i) {
        Object subject = b.subject(i);
        return switch (b.kind(i)) {
            case RunEventKind.FLOW_RUN_CREATED -> {
                FlowRun<?> run = (FlowRun<?>) subject;
                running.add(run.id());
                yield RunEvents.flowRunCreated(run, process);
            }
            case RunEventKind.TASK_RUN_CREATED -> {
                TaskRun run = (TaskRun) subject;
                yield RunEvents.taskRunCreated(run, nextOrdinal.computeIfAbsent(run.flowRunId(), k -> new int[1])[0]++);
            }
            case RunEventKind.TASK_RUN_STATE -> {
                TaskRun run = (TaskRun) subject;
                yield new RunEvent.TaskRunState(run.flowRunId(), run.id(), StateRecord.of(b.state(i)));
            }
            case RunEventKind.FLOW_RUN_STATE -> new RunEvent.FlowRunState(((FlowRun<?>) subject).id(),
                    StateRecord.of(b.state(i)));
            case RunEventKind.LOG -> new RunEvent.Log((LogLine) subject);
            case RunEventKind.FLOW_RUN_FINISHED -> {
                UUID id = ((FlowRun<?>) subject).id();
                running.remove(id);
                resumed.remove(id);
                nextOrdinal.remove(id);
                yield new RunEvent.FlowRunFinished(id);
            }
            default -> throw new IllegalStateException("unknown run event kind " + b.kind(i) + " in the outbox");
        };
    }
}
