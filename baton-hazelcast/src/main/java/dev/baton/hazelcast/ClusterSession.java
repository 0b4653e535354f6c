package dev.baton.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.baton.Executor;
import dev.baton.ReadyTaskRun;
import dev.baton.TaskCall;
import dev.baton.TaskRunCrashedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flow run's use of a Hazelcast cluster. Each ready task run gets a virtual thread here (the
 * engine keeps its states); its body call goes, as bytes, to the least loaded worker over that
 * worker's {@link MemberChannel}, at most a window of calls per worker thread at a time (the
 * rest wait here, so a worker that finishes early takes more). A call whose worker is lost runs
 * again on another worker (unless its task opted out); with no worker left, it crashes.
 */
final class ClusterSession implements Executor.Session {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private static final int MAX_SENDS = 8;
    /** How long a worker whose channel broke gets no new calls, unless the cluster removes it first. */
    private static final long SUSPICION_NANOS = 1_000_000_000L;
    /** How long the client may stay disconnected from every worker before the calls in flight crash. */
    private static final long RECONNECT_GRACE_MILLIS = 5_000;
    /** Calls a worker may hold queued per thread, at most (see {@link MemberChannel#capacity}). */
    static final int WINDOW_PER_THREAD = Integer.getInteger("baton.hazelcast.window", 1024);
    /** The member attribute with a worker's thread count. */
    static final String THREADS_ATTRIBUTE = "baton.threads";

    private final HazelcastInstance client;
    private final IExecutorService executor;
    private final LocalCluster local; // null when connected to a cluster we did not start
    private final String where;
    private final ObjectInputFilter filter;
    private final UUID clientId;
    private final AtomicLong ids = new AtomicLong();
    // guarded by this
    private final Map<UUID, MemberChannel> channels = new HashMap<>();
    private final Set<UUID> lostMembers = new HashSet<>();
    private final Map<UUID, Long> suspects = new HashMap<>(); // member -> when its channel broke (nanoTime)
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int turn; // where the next search for the least loaded worker starts
    private String noWorkerLeft;
    private volatile boolean closed;
    private volatile long disconnections; // counts CLIENT_DISCONNECTED and CLIENT_CONNECTED events

    /** A body call on its way: its bytes, where it is, and how many times it was sent. */
    static final class Pending {
        final long id;
        final TaskCall call;
        final byte[] bytes;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        volatile MemberChannel channel;
        int sends; // guarded by the session

        Pending(long id, TaskCall call, byte[] bytes) {
            this.id = id;
            this.call = call;
            this.bytes = bytes;
        }
    }

    ClusterSession(HazelcastInstance client, LocalCluster local, String where, List<String> allowedPrefixes) {
        this.client = client;
        this.executor = client.getExecutorService(ClusterConfigs.EXECUTOR);
        this.local = local;
        this.where = where;
        this.filter = new AllowedClasses(allowedPrefixes);
        this.clientId = client.getLocalEndpoint().getUuid();
        client.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                dispatchWaiting();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                MemberChannel channel;
                synchronized (ClusterSession.this) {
                    lostMembers.add(event.getMember().getUuid());
                    suspects.remove(event.getMember().getUuid());
                    channel = channels.get(event.getMember().getUuid());
                }
                if (channel != null) channelLost(channel, null);
                else dispatchWaiting();
            }
        });
        if (local != null) {
            local.allExited().thenRun(() -> lose("all " + local.processes().size() + " workers of the local cluster died"));
        }
        client.getLifecycleService().addLifecycleListener(event -> {
            if (closed) return;
            switch (event.getState()) {
                // all connections gone: the client tries to reconnect (a worker it had not reached yet
                // may be fine); crash what is in flight only if it does not come back soon
                case CLIENT_DISCONNECTED -> {
                    long epoch = ++disconnections;
                    Thread.ofVirtual().start(() -> loseUnlessReconnected(epoch));
                }
                case CLIENT_CONNECTED -> {
                    disconnections++;
                    dispatchWaiting();
                }
                case SHUTTING_DOWN -> lose("lost the connection to every worker of " + where);
                default -> { }
            }
        });
    }

    private void loseUnlessReconnected(long epoch) {
        try {
            Thread.sleep(RECONNECT_GRACE_MILLIS);
        } catch (InterruptedException e) {
            return;
        }
        if (disconnections == epoch) {
            lose("lost the connection to every worker of " + where + " for " + RECONNECT_GRACE_MILLIS / 1000 + " s");
        }
    }

    @Override
    public void submit(ReadyTaskRun run) {
        // the engine's side of the run (states, retries, the wait for the worker) in a virtual thread
        Thread.ofVirtual().start(run::run);
    }

    @Override
    public boolean runsBodiesHere() {
        return false;
    }

    @Override
    public CompletionStage<Object> call(TaskCall call) {
        byte[] bytes;
        try {
            bytes = CallCodec.write(call);
        } catch (NotSerializableException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Task run '" + call.taskRunName()
                    + "' cannot be sent to " + where + ": its arguments hold an object of type " + e.getMessage()
                    + ", which is not java.io.Serializable. The arguments of a task run on the Hazelcast executor"
                    + " (and its body, with what its lambda captures, and its result) must be serializable", e));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Task run '" + call.taskRunName()
                    + "' cannot be sent to " + where + ": its arguments could not be serialized: " + e, e));
        }
        Pending p = new Pending(ids.incrementAndGet(), call, bytes);
        p.result.whenComplete((v, t) -> {
            MemberChannel channel = p.channel;
            if (p.result.isCancelled() && channel != null) channel.cancel(p.id); // a timeout or a cancellation
            if (channel != null) channel.calls.remove(p.id);
            dispatchWaiting();
        });
        dispatch(p);
        return p.result;
    }

    /** Sends {@code p} to the least loaded worker with room, or keeps it waiting; crashes it if no worker is left. */
    private void dispatch(Pending p) {
        MemberChannel target;
        String crash = null;
        synchronized (this) {
            if (noWorkerLeft != null) {
                crash = noWorkerLeft;
                target = null;
            } else {
                target = leastLoaded();
                if (target == null) {
                    if (noMemberLeft()) crash = "no worker is left in " + where;
                    else waiting.add(p);
                } else {
                    assign(p, target);
                }
            }
        }
        if (crash != null) crash(p, crash);
        else if (target != null) target.send(p);
    }

    /** Sends waiting calls while some worker has room. */
    private void dispatchWaiting() {
        while (true) {
            Pending p;
            MemberChannel target;
            synchronized (this) {
                if (waiting.isEmpty()) return;
                if (noWorkerLeft != null || noMemberLeft()) {
                    p = null;
                    target = null;
                } else {
                    target = leastLoaded();
                    if (target == null) return;
                    p = waiting.poll();
                    if (p.result.isDone()) continue;
                    assign(p, target);
                }
            }
            if (target == null) {
                String why;
                List<Pending> all;
                synchronized (this) {
                    why = noWorkerLeft != null ? noWorkerLeft : "no worker is left in " + where;
                    all = new ArrayList<>(waiting);
                    waiting.clear();
                }
                for (Pending w : all) crash(w, why);
                return;
            }
            target.send(p);
        }
    }

    /**
     * Counts {@code p} on {@code target} at once, in the same step as choosing it: two calls made
     * ready together would otherwise both see the same idle worker and queue there while another
     * stays idle. Holds this.
     */
    private void assign(Pending p, MemberChannel target) {
        p.channel = target;
        p.sends++;
        target.calls.put(p.id, p);
    }

    /**
     * The channel to the worker with the fewest calls per thread among those with room, or null.
     * Ties go round the workers in turn: a chain of task runs (one call at a time) would otherwise
     * always find the first worker idle and leave the others cold. Holds this.
     */
    private MemberChannel leastLoaded() {
        MemberChannel best = null;
        double bestLoad = Double.MAX_VALUE;
        List<MemberChannel> live = liveChannels();
        int first = live.isEmpty() ? 0 : Math.floorMod(turn++, live.size());
        for (int i = 0; i < live.size(); i++) {
            MemberChannel c = live.get((first + i) % live.size());
            int load = c.load();
            if (load >= c.capacity(WINDOW_PER_THREAD)) continue;
            double perThread = (double) load / c.threads;
            if (perThread < bestLoad) {
                best = c;
                bestLoad = perThread;
            }
        }
        return best;
    }

    /** True if the cluster has no member that is not known to be lost (suspects count as members). Holds this. */
    private boolean noMemberLeft() {
        for (Member m : client.getCluster().getMembers()) if (!lostMembers.contains(m.getUuid())) return false;
        return true;
    }

    /** A channel to every worker in the cluster not known to be lost nor suspected. Holds this. */
    private List<MemberChannel> liveChannels() {
        List<MemberChannel> live = new ArrayList<>();
        long now = System.nanoTime();
        for (Member m : client.getCluster().getMembers()) {
            if (lostMembers.contains(m.getUuid())) continue;
            Long suspected = suspects.get(m.getUuid());
            if (suspected != null) {
                if (now - suspected < SUSPICION_NANOS) continue;
                suspects.remove(m.getUuid());
            }
            live.add(channels.computeIfAbsent(m.getUuid(), k -> new MemberChannel(this, executor, clientId, m, threadsOf(m))));
        }
        return live;
    }

    private static int threadsOf(Member m) {
        try {
            return Math.max(1, Integer.parseInt(m.getAttribute(THREADS_ATTRIBUTE)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A worker is gone (or its channel broke): its calls run again elsewhere, or crash. */
    void channelLost(MemberChannel channel, Throwable cause) {
        List<Pending> orphans;
        synchronized (this) {
            if (channel.lost) return;
            channel.lost = true;
            channels.remove(channel.member.getUuid());
            // A broken channel is not always a dead worker: a call to a worker the client has no
            // connection to yet goes through another one, and fails with it. A worker still in the
            // cluster is only suspected for a moment; the cluster removes a dead one soon.
            if (client.getCluster().getMembers().contains(channel.member)) {
                suspects.put(channel.member.getUuid(), System.nanoTime());
                Thread.ofVirtual().start(this::retryAfterSuspicion);
            } else {
                lostMembers.add(channel.member.getUuid());
            }
            orphans = new ArrayList<>(channel.calls.values());
            channel.calls.clear();
        }
        if (closed) return;
        LOG.debug("lost the channel to worker {}", channel.member.getAddress(), cause);
        for (Pending p : orphans) {
            if (p.result.isDone()) continue;
            if (!p.call.rerunOnWorkerLoss()) {
                crash(p, "its worker " + channel.member.getAddress() + " was lost mid-run, and the task asked not to run"
                        + " again (rerunOnWorkerLoss(false))");
            } else if (p.sends >= MAX_SENDS) {
                crash(p, "it lost its worker " + p.sends + " times; the last was " + channel.member.getAddress());
            } else {
                LOG.warn("Task run '{}' lost its worker {}; running it again on another worker", p.call.taskRunName(),
                        channel.member.getAddress());
                dispatch(p);
            }
        }
        dispatchWaiting();
    }

    private void retryAfterSuspicion() {
        try {
            Thread.sleep(SUSPICION_NANOS / 1_000_000 + 10);
        } catch (InterruptedException e) {
            return;
        }
        dispatchWaiting();
    }

    /** A worker's answer for {@code p}: its value, or its failure. */
    void settle(Pending p, MemberChannel channel, byte kind, byte[] payload) {
        WorkerAnswer.complete(p.call, p.result, "worker " + channel.member.getAddress(), kind, payload, filter);
    }

    private void lose(String why) {
        List<Pending> all = new ArrayList<>();
        synchronized (this) {
            if (noWorkerLeft != null || closed) return;
            noWorkerLeft = why;
            for (MemberChannel c : channels.values()) all.addAll(c.calls.values());
            all.addAll(waiting);
            waiting.clear();
        }
        for (Pending p : all) crash(p, why);
    }

    private void crash(Pending p, String why) {
        p.result.completeExceptionally(new TaskRunCrashedException("Task run '" + p.call.taskRunName() + "' could not"
                + " finish on " + where + ": " + why, null));
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return where;
    }

    @Override
    public void close() {
        closed = true;
        try {
            List<MemberChannel> open;
            synchronized (this) {
                open = new ArrayList<>(channels.values());
            }
            List<Future<Boolean>> closing = new ArrayList<>();
            for (MemberChannel c : open) {
                try {
                    closing.add(c.close());
                } catch (RuntimeException e) {
                    // the worker is gone: nothing to close there
                }
            }
            for (Future<Boolean> f : closing) {
                try {
                    f.get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // best effort: a worker drops a departed process's channels by itself
                }
            }
            client.shutdown();
        } finally {
            if (local != null) local.close();
        }
    }
}
