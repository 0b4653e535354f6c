package dev.baton.client;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.internal.history.LogLine;
import dev.baton.internal.history.RunEvent;
import dev.baton.internal.history.RunEvents;
import dev.baton.internal.history.StateRecord;
import dev.baton.internal.orchestration.ConcurrencySlots;
import dev.baton.internal.store.InMemoryRunStore;
import dev.baton.internal.store.RunStore;
import dev.baton.internal.store.SharedTagSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Client mode: records the runs of this process on a Baton API server ({@code BATON_API_URL})
 * instead of a database. The engine's calls only append to an {@link Outbox}; one sender thread
 * turns what is there into {@link RunEvent}s and posts them in batches, in order. If the server
 * cannot be reached the flow goes on: events wait in the outbox (bounded; the engine waits when
 * it is full rather than lose any) and are delivered, in order, once the server answers again.
 *
 * <p>When a flow run finishes, the store waits (up to the flush timeout) until everything
 * about it has been delivered; on JVM shutdown it tries once more for what is left. While flow
 * runs are running, the sender also sends heartbeats, so the server can tell a live process
 * from a dead one.
 *
 * <p>This process's own runs are also kept in memory, so {@link #flowRuns()} answers without the
 * server.
 */
public final class ApiRunStore implements RunStore, AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(ApiRunStore.class);

    /** Events per request: large enough to amortise a round trip, well under the server's limit. */
    static final int MAX_BATCH = 5_000;

    private final ApiSettings settings;
    private final Options options;
    private final Outbox outbox;
    private final EventSender sender;
    private final InMemoryRunStore local = new InMemoryRunStore(1_000);
    private final Thread senderThread;
    private final Thread shutdownHook;
    private volatile boolean closed;
    private volatile SharedTagSlots slots; // made on first use
    private final CancellationWatch cancellations;

    /** Tunables: outbox capacity, flush timeout, heartbeat interval, retry backoff. */
    public record Options(int capacity, Duration flushTimeout, Duration heartbeatInterval, Duration maxBackoff) {
        public static Options defaults() {
            return new Options(1_000_000, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
    }

    private ApiRunStore(ApiSettings settings, Options options) {
        this.settings = settings;
        this.options = options;
        this.outbox = new Outbox(options.capacity());
        this.sender = new EventSender(settings, options.maxBackoff());
        this.cancellations = new CancellationWatch(settings, options.heartbeatInterval());
        this.senderThread = Thread.ofPlatform().name("baton-api-sender").daemon().unstarted(this::sendLoop);
        this.shutdownHook = Thread.ofPlatform().name("baton-api-shutdown").unstarted(this::close);
        senderThread.start();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A store reporting to the server of {@code settings}. */
    public static ApiRunStore open(ApiSettings settings) {
        return open(settings, Options.defaults());
    }

    public static ApiRunStore open(ApiSettings settings, Options options) {
        return new ApiRunStore(settings, options);
    }

    // ----- the engine's calls: append only -----

    @Override
    public void flowRunStarted(FlowRun<?> run) {
        local.flowRunStarted(run);
        cancellations.started(run.id());
        append(Outbox.FLOW_RUN_STARTED, run, null);
    }

    @Override
    public void taskRunCreated(TaskRun run) {
        append(Outbox.TASK_RUN_CREATED, run, null);
    }

    @Override
    public void taskRunState(TaskRun run, State state) {
        append(Outbox.TASK_RUN_STATE, run, state);
    }

    @Override
    public void flowRunState(FlowRun<?> run, State state) {
        append(Outbox.FLOW_RUN_STATE, run, state);
    }

    @Override
    public boolean recordsLogs() {
        return true;
    }

    @Override
    public void log(LogLine line) {
        append(Outbox.LOG, line, null);
    }

    private void append(byte kind, Object run, State state) {
        if (closed) {
            LOG.error("Baton API store is closed: {} of {} was NOT reported to {}", state == null ? "the creation"
                    : "state " + state, run, settings.url());
            return;
        }
        try {
            outbox.put(kind, run, state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("Interrupted while waiting for room in the outbox: {} of {} was NOT reported", state == null
                    ? "the creation" : "state " + state, run);
        }
    }

    /** Waits until everything about {@code run} (and all reported before it) is on the server, up to the flush timeout. */
    @Override
    public void flowRunFinished(FlowRun<?> run) {
        cancellations.finished(run.id());
        append(Outbox.FLOW_RUN_FINISHED, run, null);
        if (!flush(options.flushTimeout())) {
            LOG.warn("Flow run '{}': the Baton API server at {} has not taken all of its records yet ({} events"
                    + " waiting); they are kept and sent while this process runs", run.name(), settings.url(),
                    outbox.pending());
        }
    }

    /** Waits until everything reported so far is delivered (or given up on, and logged); false if time ran out. */
    public boolean flush(Duration timeout) {
        try {
            return outbox.awaitHandled(outbox.appended(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<FlowRun<?>> flowRuns() {
        return local.flowRuns();
    }

    @Override
    public Optional<FlowRun<?>> flowRun(UUID id) {
        return local.flowRun(id);
    }

    /** Events given up on (each batch logged at ERROR when it happened): the server refused them. */
    public long lostEvents() {
        return sender.refused();
    }

    /** The server's URL. */
    public String description() {
        return settings.url().toString();
    }

    /**
     * The server's tag concurrency limits ({@code ./baton concurrency-limit create TAG N} with
     * {@code BATON_API_URL} set), applied to this process's task runs: a tag's limit holds across
     * every process reporting to the server. A limit created or changed takes effect within
     * about 2 s; see {@link ApiConcurrencySlots}.
     */
    @Override
    public ConcurrencySlots concurrencySlots() {
        SharedTagSlots s = slots;
        if (s == null) {
            synchronized (this) {
                if (slots == null) slots = ApiConcurrencySlots.of(settings);
                s = slots;
            }
        }
        return s;
    }

    /** {@inheritDoc} Here: asked of the server every heartbeat interval while runs of this process run. */
    @Override
    public void onCancellationRequested(Consumer<UUID> listener) {
        cancellations.listener(listener);
    }

    /** Delivers what is waiting (up to the flush timeout) and stops the sender. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        cancellations.close();
        SharedTagSlots s = slots;
        if (s != null) s.close(); // delivers slot releases still pending
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        if (!flush(options.flushTimeout())) {
            LOG.error("Closing with {} events not delivered to the Baton API server at {}: they are NOT recorded",
                    outbox.pending(), settings.url());
        }
        senderThread.interrupt();
    }

    // ----- the sender thread -----

    private void sendLoop() {
        String process = processName();
        Map<UUID, int[]> nextOrdinal = new HashMap<>();
        Set<UUID> running = new LinkedHashSet<>();
        List<Outbox.Entry> taken = new ArrayList<>(MAX_BATCH);
        long nextHeartbeat = System.nanoTime() + options.heartbeatInterval().toNanos();
        try {
            while (true) {
                taken.clear();
                long wait = Math.max(1, nextHeartbeat - System.nanoTime());
                outbox.take(taken, MAX_BATCH, running.isEmpty() ? Long.MAX_VALUE : wait);
                List<RunEvent> events = new ArrayList<>(taken.size() + 1);
                for (Outbox.Entry e : taken) events.add(event(e, process, nextOrdinal, running));
                if (!running.isEmpty() && System.nanoTime() >= nextHeartbeat) {
                    events.add(new RunEvent.Heartbeat(List.copyOf(running), Instant.now()));
                    nextHeartbeat = System.nanoTime() + options.heartbeatInterval().toNanos();
                }
                if (!events.isEmpty()) sender.deliver(events);
                outbox.handled(taken.size());
            }
        } catch (InterruptedException stop) {
            // closed
        } catch (RuntimeException | Error e) {
            LOG.error("The Baton API sender stopped: runs of this process are no longer reported to {}",
                    settings.url(), e);
        }
    }

    private static RunEvent event(Outbox.Entry e, String process, Map<UUID, int[]> nextOrdinal, Set<UUID> running) {
        return switch (e.kind()) {
            case Outbox.FLOW_RUN_STARTED -> {
                FlowRun<?> run = (FlowRun<?>) e.run();
                running.add(run.id());
                yield RunEvents.flowRunCreated(run, process);
            }
            case Outbox.TASK_RUN_CREATED -> {
                TaskRun run = (TaskRun) e.run();
                yield RunEvents.taskRunCreated(run, nextOrdinal.computeIfAbsent(run.flowRunId(), k -> new int[1])[0]++);
            }
            case Outbox.TASK_RUN_STATE -> {
                TaskRun run = (TaskRun) e.run();
                yield new RunEvent.TaskRunState(run.flowRunId(), run.id(), StateRecord.of(e.state()));
            }
            case Outbox.FLOW_RUN_STATE -> new RunEvent.FlowRunState(((FlowRun<?>) e.run()).id(), StateRecord.of(e.state()));
            case Outbox.LOG -> new RunEvent.Log((LogLine) e.run());
            case Outbox.FLOW_RUN_FINISHED -> {
                UUID id = ((FlowRun<?>) e.run()).id();
                running.remove(id);
                nextOrdinal.remove(id);
                yield new RunEvent.FlowRunFinished(id);
            }
            default -> throw new IllegalStateException("unknown outbox entry kind " + e.kind());
        };
    }

    private static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + " pid " + ProcessHandle.current().pid();
    }

    @Override
    public String toString() {
        return "ApiRunStore[" + settings.url() + "]";
    }
}
