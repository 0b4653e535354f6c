package dev.baton.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.baton.TaskRunCrashedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which worker runs each body call of a {@link ClusterSession}: the least loaded one with room,
 * over its {@link MemberChannel}, at most a window of calls per worker thread at a time (the rest
 * wait here, so a worker that finishes early takes more). Keeps which workers are live, suspected
 * (their channel broke a moment ago) or lost; a call whose worker is lost runs again on another
 * worker (unless its task opted out), and with no worker left it crashes.
 */
final class WorkerDispatch {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private static final int MAX_SENDS = 8;
    /** How long a worker whose channel broke gets no new calls, unless the cluster removes it first. */
    private static final long SUSPICION_NANOS = 1_000_000_000L;

    private final ClusterSession session;
    private final HazelcastInstance client;
    private final IExecutorService executor;
    private final UUID clientId;
    private final String where;
    // guarded by this
    private final Map<UUID, MemberChannel> channels = new HashMap<>();
    private final Set<UUID> lostMembers = new HashSet<>();
    private final Map<UUID, Long> suspects = new HashMap<>(); // member -> when its channel broke (nanoTime)
    private final ArrayDeque<PendingCall> waiting = new ArrayDeque<>();
    private int turn; // where the next search for the least loaded worker starts
    private String noWorkerLeft;

    WorkerDispatch(ClusterSession session, HazelcastInstance client, IExecutorService executor, String where) {
        this.session = session;
        this.client = client;
        this.executor = executor;
        this.clientId = client.getLocalEndpoint().getUuid();
        this.where = where;
    }

    /** Sends {@code p} to the least loaded worker with room, or keeps it waiting; crashes it if no worker is left. */
    void dispatch(PendingCall p) {
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
    void dispatchWaiting() {
        while (true) {
            PendingCall p;
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
                List<PendingCall> all;
                synchronized (this) {
                    why = noWorkerLeft != null ? noWorkerLeft : "no worker is left in " + where;
                    all = new ArrayList<>(waiting);
                    waiting.clear();
                }
                for (PendingCall w : all) crash(w, why);
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
    private void assign(PendingCall p, MemberChannel target) {
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
            if (load >= c.capacity(ClusterSession.WINDOW_PER_THREAD)) continue;
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
            live.add(channels.computeIfAbsent(m.getUuid(), k -> new MemberChannel(session, executor, clientId, m, threadsOf(m))));
        }
        return live;
    }

    private static int threadsOf(Member m) {
        try {
            return Math.max(1, Integer.parseInt(m.getAttribute(ClusterSession.THREADS_ATTRIBUTE)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The cluster removed {@code member}: its calls run again elsewhere, or crash. */
    void memberRemoved(UUID member) {
        MemberChannel channel;
        synchronized (this) {
            lostMembers.add(member);
            suspects.remove(member);
            channel = channels.get(member);
        }
        if (channel != null) channelLost(channel, null);
        else dispatchWaiting();
    }

    /** A worker is gone (or its channel broke): its calls run again elsewhere, or crash. */
    void channelLost(MemberChannel channel, Throwable cause) {
        List<PendingCall> orphans;
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
        if (session.isClosed()) return;
        LOG.debug("lost the channel to worker {}", channel.member.getAddress(), cause);
        for (PendingCall p : orphans) {
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

    /** No worker can be reached any more, for {@code why}: every call in flight or waiting crashes, and so does every later one. */
    void lose(String why) {
        List<PendingCall> all = new ArrayList<>();
        synchronized (this) {
            if (noWorkerLeft != null || session.isClosed()) return;
            noWorkerLeft = why;
            for (MemberChannel c : channels.values()) all.addAll(c.calls.values());
            all.addAll(waiting);
            waiting.clear();
        }
        for (PendingCall p : all) crash(p, why);
    }

    private void crash(PendingCall p, String why) {
        p.result.completeExceptionally(new TaskRunCrashedException("Task run '" + p.call.taskRunName() + "' could not"
                + " finish on " + where + ": " + why, null));
    }

    /** The channels open now, for the session to close. */
    synchronized List<MemberChannel> openChannels() {
        return new ArrayList<>(channels.values());
    }
}
