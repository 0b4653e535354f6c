package dev.baton.client;

import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.ConcurrencySlots;
import dev.baton.spi.Deployments;
import dev.baton.spi.InMemoryRunStore;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEventKind;
import dev.baton.spi.RunEventQueue;
import dev.baton.spi.RunStore;
import dev.baton.spi.SharedTagSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Client mode: records the runs of this process on a Baton API server ({@code BATON_API_URL})
 * instead of a database. The engine's calls only append to a {@link RunEventQueue}, the outbox;
 * one sender thread turns what is there into {@link RunEvent}s ({@link QueueReader}) and posts them
 * in batches, in order. If the server cannot be reached the flow goes on at full speed: events wait
 * in the outbox (bounded; the engine waits when it is full rather than lose any) and are
 * delivered, in order, once the server answers again.
 *
 * <p>When a flow run finishes, the store waits until everything about it has been delivered,
 * while the server answers and up to the delivery timeout; when the server does not answer it
 * does not wait at all. On close (the JVM's shutdown, Ctrl-C included) it gives delivery up to
 * the delivery timeout, then writes what is left to the {@link Spool} under {@code BATON_HOME},
 * says so on stderr, and the next process in client mode on that {@code BATON_HOME} delivers it
 * first. While flow runs are running, the sender also sends heartbeats, so the server can tell a
 * live process from a dead one.
 *
 * <p>This process's own runs are also kept in memory, so {@link #flowRuns()} answers without the
 * server.
 */
public final class ApiRunStore implements RunStore, AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(ApiRunStore.class);

    /** Events per request: large enough to amortise a round trip, well under the server's limit. */
    static final int MAX_BATCH = 10_000;
    /** With batches applied and not known committed, how long the sender waits for more events before asking. */
    private static final long SYNC_WHEN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** How long the sender may take to stop once told to, after the delivery timeout. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final ApiSettings settings;
    private final Options options;
    private final RunEventQueue outbox;
    private final EventSender sender;
    private final QueueReader reader;
    private final Spool spool; // null: nowhere to keep what is left at close
    private final InMemoryRunStore local = new InMemoryRunStore(1_000);
    private final Thread senderThread;
    private final Thread shutdownHook;
    private final CountDownLatch senderStopped = new CountDownLatch(1);
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final AtomicBoolean warnedClosed = new AtomicBoolean();
    /** Whether the outbox was said to be full, since it last had nothing pending. */
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private volatile boolean closing;        // delivering what is left, then stopping
    private volatile long closeDeadline;     // closing: when the sender stops trying (System.nanoTime)
    private volatile boolean closed;         // what was left is spooled: nothing more is taken
    private boolean spooling;                // guarded by reader: close took over from the sender
    // this process's batches being delivered, not yet handled (a refused one replaced by its halves)
    private volatile Deque<EventSender.Batch> inFlight;
    /**
     * The sender's groups of batches delivered and not yet known committed: the sequence of each
     * group's last batch and the outbox sequence number of its last event (the sender's thread only).
     */
    private final ArrayDeque<long[]> unconfirmedGroups = new ArrayDeque<>();
    private volatile SharedTagSlots slots;   // made on first use
    private final CancellationWatch cancellations;
    private ApiClient api;                            // made with the deployments, on first use (guarded by this)
    private volatile ApiDeployments deployments;

    /**
     * Tunables.
     *
     * @param capacity          events the outbox holds, not yet taken by the sender, before the engine
     *                          waits for room (the sender works through what it took meanwhile)
     * @param deliveryTimeout   how long a finished flow run waits for its events to be delivered
     *                          (while the server answers), and close for everything left
     * @param heartbeatInterval how often running flow runs are said to be alive
     * @param maxBackoff        the longest pause between two attempts to deliver a batch
     * @param spool             where what is left at close is written (null: it is reported lost)
     */
    public record Options(int capacity, Duration deliveryTimeout, Duration heartbeatInterval, Duration maxBackoff,
                          Path spool) {
        /** The default delivery timeout: long enough for a live server, short enough for Ctrl-C. */
        public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(5);

        /** Options without a spool. */
        public Options(int capacity, Duration deliveryTimeout, Duration heartbeatInterval, Duration maxBackoff) {
            this(capacity, deliveryTimeout, heartbeatInterval, maxBackoff, null);
        }

        public static Options defaults() {
            return new Options(1_000_000, DEFAULT_DELIVERY_TIMEOUT, Duration.ofSeconds(5), Duration.ofSeconds(5), null);
        }
    }

    private ApiRunStore(ApiSettings settings, Options options) {
        if (options.capacity() < 1) {
            throw new IllegalArgumentException("the outbox capacity must be >= 1, got " + options.capacity());
        }
        this.settings = settings;
        this.options = options;
        this.outbox = new RunEventQueue(options.capacity());
        this.spool = options.spool() == null ? null : new Spool(options.spool());
        this.sender = new EventSender(settings, spool, options.maxBackoff(), outbox::wake);
        this.reader = new QueueReader(outbox, processName());
        this.cancellations = new CancellationWatch(settings, options.heartbeatInterval());
        this.senderThread = Thread.ofPlatform().name("baton-api-sender").daemon().unstarted(this::sendLoop);
        this.shutdownHook = Thread.ofPlatform().name("baton-api-shutdown").unstarted(() -> {
            dev.baton.spi.ProcessShutdown.run(); // runners stop their runs first, so their last states are sent
            close();
        });
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
        append(RunEventKind.FLOW_RUN_CREATED, run, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the flow run is on the server already, Pending (the claim made it so, with a
     * heartbeat), so no creation and none of its earlier states are sent; the states that follow
     * go after those the server has, and the run gets this process's heartbeats and cancellations.
     */
    @Override
    public void flowRunResumed(FlowRun<?> run) {
        local.flowRunStarted(run);
        cancellations.started(run.id());
        reader.resumed(run.id()); // heartbeats from the sender's next wake-up: the run's next state is near
    }

    /**
     * The server's deployments and scheduled runs ({@link ApiClient#deployments()}): what
     * {@code flow.serve(...)} registers its deployments with in client mode, and claims their runs
     * from, shared with every other process using the server. A claim first waits (up to the
     * delivery timeout) for what this process reported to be delivered, so runs it finished count
     * no more against a deployment's concurrency limit.
     */
    @Override
    public Optional<Deployments> deployments() {
        ApiDeployments d = deployments;
        if (d == null) {
            synchronized (this) {
                if (deployments == null) {
                    api = ApiClient.connect(settings);
                    deployments = new ApiDeployments(api, () -> flush(options.deliveryTimeout()));
                }
                d = deployments;
            }
        }
        return Optional.of(d);
    }

    @Override
    public void taskRunCreated(TaskRun run) {
        append(RunEventKind.TASK_RUN_CREATED, run, null);
    }

    @Override
    public void taskRunState(TaskRun run, State state) {
        append(RunEventKind.TASK_RUN_STATE, run, state);
    }

    @Override
    public void flowRunState(FlowRun<?> run, State state) {
        append(RunEventKind.FLOW_RUN_STATE, run, state);
    }

    @Override
    public boolean recordsLogs() {
        return true;
    }

    @Override
    public void log(LogLine line) {
        append(RunEventKind.LOG, line, null);
    }

    private void append(byte kind, Object run, State state) {
        if (!closed) {
            if (outbox.offer(kind, run, state)) return;
            // full (or closed meanwhile): said once until it has emptied
            if (!outbox.isClosed() && warnedFull.compareAndSet(false, true)) {
                LOG.warn("{} run events wait for the Baton API server: the flow waits for room", outbox.pending());
            }
            try {
                if (outbox.put(kind, run, state)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.error("Interrupted while waiting for room in the outbox: {} of {} was NOT reported", state == null
                        ? "the creation" : "state " + state, run);
                return;
            }
        }
        // the process is exiting and what was left is spooled already; said once
        if (warnedClosed.compareAndSet(false, true)) {
            LOG.warn("Baton API store is closed: {} of {} (and what follows) is NOT reported to {}", state == null
                    ? "the creation" : "state " + state, run, settings.url());
        }
    }

    /**
     * Waits until everything about {@code run} (and all reported before it) is on the server, while
     * the server answers and up to the delivery timeout: a server that does not answer costs the
     * flow no time (its events wait, and are spooled if the process exits first).
     */
    @Override
    public void flowRunFinished(FlowRun<?> run) {
        cancellations.finished(run.id());
        append(RunEventKind.FLOW_RUN_FINISHED, run, null);
        boolean delivered;
        try {
            delivered = outbox.awaitHandled(outbox.enqueued(), options.deliveryTimeout(),
                    () -> closing || sender.failing());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!delivered && !sender.failing() && !closing) {
            LOG.warn("Flow run '{}': the Baton API server at {} has not taken all of its records within {} ms ({}"
                    + " events waiting); they are sent while this process runs, and spooled if it exits first",
                    run.name(), settings.url(), options.deliveryTimeout().toMillis(), outbox.pending());
        }
    }

    /** Waits until everything reported so far is delivered (or given up on, and logged); false if time ran out. */
    public boolean flush(Duration timeout) {
        try {
            return outbox.awaitHandled(outbox.enqueued(), timeout, () -> false);
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

    /**
     * Events given up on because the server refused them, each alone (its batch split around it):
     * each logged at WARN naming its flow run when it happened, kept in {@code spool/refused} under
     * {@code BATON_HOME}, noted in its flow run's log, and listed on stderr at close.
     */
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
     * about 2 s; a server that cannot be reached holds no run up (see {@link SharedTagSlots}).
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

    /**
     * Delivers what is waiting, for up to the delivery timeout (no longer: on Ctrl-C too), writes
     * what is left to the spool (saying so on stderr) and stops the sender. Idempotent.
     */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true)) return;
        cancellations.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        long deadline = System.nanoTime() + options.deliveryTimeout().toNanos();
        closeDeadline = deadline;
        closing = true;
        sender.hurry(); // a server restarting is tried every moment, not after a long pause
        SharedTagSlots s = slots;
        // slot releases still pending, beside the events and never past the deadline
        Thread releases = s == null ? null : Thread.ofVirtual().name("baton-slots-close").start(s::close);
        sender.wakeUp();
        outbox.wake();
        try {
            if (!senderStopped.await(options.deliveryTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                senderThread.interrupt(); // ends a request in flight: its batch is spooled with its id
                senderStopped.await(STOP_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (releases != null) releases.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spoolWhatIsLeft();
        senderThread.interrupt();
        reportRefusals();
        synchronized (this) {
            if (api != null) api.close();
        }
    }

    /**
     * Says on stderr, at exit, which flow runs lost events the server refused (each was logged at
     * WARN when it happened, and noted in the flow run's own log): a run that finished Completed
     * must not look whole when it is not.
     */
    private void reportRefusals() {
        List<EventSender.Refusal> refusals = sender.refusals();
        if (refusals.isEmpty()) return;
        StringBuilder b = new StringBuilder("Baton: the Baton API server at ").append(settings.url())
                .append(" refused ").append(sender.refused()).append(" run events of ").append(refusals.size())
                .append(" flow run(s); they are NOT recorded there:\n");
        for (EventSender.Refusal r : refusals) {
            String name = r.flowRunId() == null ? "(no flow run)" : local.flowRun(r.flowRunId())
                    .map(run -> "'" + run.name() + "' (" + r.flowRunId() + ")").orElse(r.flowRunId().toString());
            b.append("Baton:   flow run ").append(name).append(": ").append(r.events()).append(" event(s), ")
                    .append(r.reason()).append(r.keptIn() == null ? "" : "; kept in " + r.keptIn()).append('\n');
        }
        System.err.print(b);
        System.err.flush();
    }

    /** Writes what was not delivered to the spool, in order, with the batch ids it had. */
    private void spoolWhatIsLeft() {
        List<EventSender.Batch> batches = new ArrayList<>();
        synchronized (reader) {
            spooling = true;
            closed = true;
            // applied by the server and not known committed: a restarted server may not have them
            batches.addAll(sender.takeUnconfirmed());
            Deque<EventSender.Batch> current = inFlight;
            if (current != null) for (EventSender.Batch b : current) batches.add(sender.named(b));
            List<RunEvent> left = reader.rest(); // the outbox closes: nothing more is taken
            for (int i = 0; i < left.size(); i += MAX_BATCH) {
                batches.add(sender.batch(new ArrayList<>(left.subList(i, Math.min(left.size(), i + MAX_BATCH)))));
            }
        }
        // a heartbeat delivered late would make a dead process's runs look alive for a while
        List<EventSender.Batch> kept = new ArrayList<>(batches.size());
        long count = 0;
        for (EventSender.Batch b : batches) {
            List<RunEvent> without = b.events().stream().filter(e -> !(e instanceof RunEvent.Heartbeat)).toList();
            if (without.isEmpty()) continue;
            kept.add(new EventSender.Batch(b.id(), without));
            count += without.size();
        }
        if (kept.isEmpty()) return;
        String why = sender.lastProblem() == null ? "it did not take them in time" : sender.lastProblem();
        if (spool == null) {
            LOG.error("Closing with {} run events not delivered to the Baton API server at {} ({}): they are NOT"
                    + " recorded", count, settings.url(), why);
            return;
        }
        try {
            Path file = spool.write(settings.url().toString(), sender.clientId(), kept);
            System.err.println("Baton: " + count + " run events could NOT be delivered to the Baton API server at "
                    + settings.url() + " within " + options.deliveryTimeout().toMillis() + " ms ("
                    + ApiSettings.DELIVERY_TIMEOUT_ENVIRONMENT + "): " + why + ".\n"
                    + "Baton: they are kept in " + file + "\n"
                    + "Baton: they will be delivered first by the next process that runs flows with this BATON_HOME"
                    + " and " + ApiSettings.URL_ENVIRONMENT + "=" + settings.url() + " (any ./baton run).");
            System.err.flush();
        } catch (IOException | RuntimeException e) {
            LOG.error("Closing with {} run events not delivered to the Baton API server at {} ({}), and they could"
                    + " NOT be written to the spool {}: {}. They are NOT recorded", count, settings.url(), why,
                    spool.directory(), e.toString());
        }
    }

    // ----- the sender thread -----

    private void sendLoop() {
        long nextHeartbeat = System.nanoTime() + options.heartbeatInterval().toNanos();
        BooleanSupplier closingNow = () -> closing;
        try {
            deliverSpooled();
            while (true) {
                long wait;
                synchronized (reader) {
                    wait = closing ? 0 : reader.anyRunning() ? Math.max(1, nextHeartbeat - System.nanoTime())
                            : Long.MAX_VALUE;
                }
                if (!unconfirmedGroups.isEmpty()) wait = Math.min(wait, SYNC_WHEN_IDLE_NANOS);
                boolean ready = reader.await(wait, closingNow);
                if (!ready && !unconfirmedGroups.isEmpty()) {
                    // nothing more to send for now: ask the server to say when what it applied is committed
                    Deque<EventSender.Batch> sync = new ConcurrentLinkedDeque<>(List.of(EventSender.sync()));
                    inFlight = sync;
                    if (sender.deliver(sync, this::stopTrying) == EventSender.Outcome.NOT_DELIVERED) return;
                    inFlight = null;
                    confirm();
                    if (closing && !unconfirmedGroups.isEmpty()) return; // close spools what is not confirmed
                    continue;
                }
                if (!ready && closing) return; // everything delivered and committed
                List<RunEvent> batch;
                synchronized (reader) {
                    if (spooling) return; // close took over: it spools what is left
                    batch = reader.read(MAX_BATCH);
                    if (!closing && reader.anyRunning() && System.nanoTime() >= nextHeartbeat) {
                        batch.add(reader.heartbeat());
                        nextHeartbeat = System.nanoTime() + options.heartbeatInterval().toNanos();
                    }
                    if (!batch.isEmpty()) inFlight = new ConcurrentLinkedDeque<>(sender.batches(batch));
                }
                Deque<EventSender.Batch> current = inFlight;
                if (current == null) continue;
                if (sender.deliver(current, this::stopTrying) == EventSender.Outcome.NOT_DELIVERED) {
                    return; // closing with the server away past the delivery timeout: close spools what is left
                }
                inFlight = null;
                // handled once the server says it is committed (the server answered once it applied it)
                unconfirmedGroups.addLast(new long[] {sender.lastSequence(), reader.lastRead()});
                confirm();
            }
        } catch (InterruptedException stop) {
            // closed
        } catch (RuntimeException | Error e) {
            LOG.error("The Baton API sender stopped: runs of this process are no longer reported to {}",
                    settings.url(), e);
        } finally {
            senderStopped.countDown();
        }
    }

    /** Counts as handled the outbox's events in every group of batches the server says are committed. */
    private void confirm() {
        long through = sender.durableThrough();
        boolean any = false;
        for (long[] g; (g = unconfirmedGroups.peekFirst()) != null && g[0] <= through; ) {
            unconfirmedGroups.pollFirst();
            outbox.handled(g[1]);
            any = true;
        }
        if (any && warnedFull.get() && outbox.pending() == 0) warnedFull.set(false); // said again when next full
    }

    /**
     * Whether the sender stops trying to deliver after a failed attempt: only when closing, and
     * then once the delivery timeout has passed, or at once when the server has not answered for
     * longer than that (a long outage, or no server at all: the process ends at once). A server
     * that went away a moment ago, restarting, gets everything if it is back in time.
     */
    private boolean stopTrying() {
        return closing && (System.nanoTime() - closeDeadline >= 0 || sender.failingLongerThan(options.deliveryTimeout()));
    }

    /**
     * Delivers what earlier processes on this {@code BATON_HOME} left in the spool for this
     * server, file by file, oldest first, each batch with its own id; a file goes once all of it
     * is in. Files for other servers are left alone.
     */
    private void deliverSpooled() throws InterruptedException {
        if (spool == null) return;
        for (Path file : spool.files()) {
            if (closing) return;
            Optional<Spool.Taken> taken = spool.take(file);
            if (taken.isEmpty()) continue; // another process delivers it
            try (Spool.Taken t = taken.get()) {
                Spool.Content content;
                try {
                    content = t.read();
                } catch (IOException | RuntimeException e) {
                    LOG.error("Cannot read the spool file {} ({}); it is left where it is", file, e.getMessage());
                    continue;
                }
                if (!settings.url().toString().equals(content.header().server())) {
                    LOG.info("The spool file {} holds {} run events for the Baton API server at {}, not {}: it is"
                            + " delivered by a process reporting there", file, content.header().events(),
                            content.header().server(), settings.url());
                    continue;
                }
                for (EventSender.Batch b : content.batches()) {
                    if (sender.deliver(b, () -> closing) == EventSender.Outcome.NOT_DELIVERED) return;
                }
                t.delete();
                LOG.info("Delivered {} run events that an earlier process left in {} to the Baton API server at {}",
                        content.header().events(), file, settings.url());
            } catch (IOException e) {
                LOG.warn("Delivered the spool file {} but could not delete it ({}); delivering it again is harmless",
                        file, e.getMessage());
            }
        }
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
