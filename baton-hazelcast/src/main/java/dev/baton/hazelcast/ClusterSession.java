package dev.baton.hazelcast;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.baton.Executor;
import dev.baton.ReadyTaskRun;
import dev.baton.TaskCall;
import dev.baton.TaskRunCrashedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flow run's use of a Hazelcast cluster: each ready task run gets a virtual thread here (the
 * engine keeps its states), and its body call goes to the least loaded worker. A call whose
 * worker is lost goes to another worker (unless the task opted out); with no worker left, it
 * crashes.
 */
final class ClusterSession implements Executor.Session {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private static final int MAX_SENDS = 8;

    private final HazelcastInstance client;
    private final IExecutorService executor;
    private final LocalCluster local; // null when connected to a cluster we did not start
    private final String where;
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Set<UUID> lostMembers = ConcurrentHashMap.newKeySet();
    private volatile String noWorkerLeft;

    /** A body call on its way: where it is running, and how many times it was sent. */
    private static final class Pending {
        final TaskCall call;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        volatile Future<Object> remote;
        int sends;

        Pending(TaskCall call) {
            this.call = call;
        }
    }

    ClusterSession(HazelcastInstance client, LocalCluster local, String where) {
        this.client = client;
        this.executor = client.getExecutorService(ClusterConfigs.EXECUTOR);
        this.local = local;
        this.where = where;
        if (local != null) {
            local.allExited().thenRun(() -> lose("all " + local.processes().size() + " workers of the local cluster died"));
        }
        client.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED
                    || event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN && noWorkerLeft == null) {
                lose("lost the connection to every worker of " + where);
            }
        });
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
        Pending p = new Pending(call);
        pending.add(p);
        p.result.whenComplete((v, t) -> {
            pending.remove(p);
            Future<Object> remote = p.remote;
            if (p.result.isCancelled() && remote != null) remote.cancel(true);
        });
        send(p);
        return p.result;
    }

    private void send(Pending p) {
        if (noWorkerLeft != null) {
            crash(p, noWorkerLeft);
            return;
        }
        Member member = leastLoaded();
        if (member == null) {
            crash(p, "no worker is left in " + where);
            return;
        }
        AtomicInteger load = inFlight.computeIfAbsent(member.getUuid(), k -> new AtomicInteger());
        load.incrementAndGet();
        p.sends++;
        Future<Object> remote;
        try {
            remote = executor.submitToMember(new ShippedCall(p.call), member);
        } catch (RuntimeException e) {
            load.decrementAndGet();
            failed(p, member, e);
            return;
        }
        p.remote = remote;
        if (p.result.isDone()) remote.cancel(true); // cancelled meanwhile
        ((CompletionStage<Object>) remote).whenComplete((outcome, t) -> {
            load.decrementAndGet();
            if (t != null) {
                failed(p, member, unwrap(t));
                return;
            }
            try {
                p.result.complete(p.call.result(outcome));
            } catch (Throwable e) {
                p.result.completeExceptionally(e);
            }
        });
    }

    private void failed(Pending p, Member member, Throwable t) {
        if (p.result.isDone()) return;
        if (isWorkerLoss(t)) {
            lostMembers.add(member.getUuid());
            if (!p.call.rerunOnWorkerLoss()) {
                crash(p, "its worker " + member.getAddress() + " was lost mid-run, and the task asked not to run again"
                        + " (rerunOnWorkerLoss(false))");
            } else if (p.sends >= MAX_SENDS) {
                crash(p, "it lost its worker " + p.sends + " times; the last was " + member.getAddress());
            } else {
                LOG.warn("Task run '{}' lost its worker {}; running it again on another worker", p.call.taskRunName(),
                        member.getAddress());
                send(p);
            }
            return;
        }
        p.result.completeExceptionally(explain(p.call, member, t));
    }

    /** The least loaded worker not known to be lost, or null if there is none. */
    private Member leastLoaded() {
        Member best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (Member m : client.getCluster().getMembers()) {
            if (lostMembers.contains(m.getUuid())) continue;
            AtomicInteger load = inFlight.get(m.getUuid());
            int l = load == null ? 0 : load.get();
            if (l < bestLoad) {
                best = m;
                bestLoad = l;
            }
        }
        return best;
    }

    private void lose(String why) {
        if (noWorkerLeft != null) return;
        noWorkerLeft = why;
        for (Pending p : pending) crash(p, why);
    }

    private void crash(Pending p, String why) {
        p.result.completeExceptionally(new TaskRunCrashedException("Task run '" + p.call.taskRunName() + "' could not"
                + " finish on " + where + ": " + why, null));
    }

    private static boolean isWorkerLoss(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException
                    || c instanceof TargetDisconnectedException || c instanceof HazelcastInstanceNotActiveException
                    || c instanceof HazelcastClientNotActiveException || c instanceof HazelcastClientOfflineException) {
                return true;
            }
        }
        return false;
    }

    /** A user's mistake, said plainly: what could not travel, or which class a worker lacks. */
    private static Throwable explain(TaskCall call, Member member, Throwable t) {
        ClassNotFoundException missing = find(t, ClassNotFoundException.class);
        if (missing != null) {
            return new IllegalStateException("Task run '" + call.taskRunName() + "' cannot run on worker " + member.getAddress()
                    + ": class " + missing.getMessage() + " is not on its class path. Put the jar with your tasks on every"
                    + " worker's class path (./baton worker hazelcast --class-path app.jar ...)", t);
        }
        if (t instanceof HazelcastSerializationException || find(t, java.io.NotSerializableException.class) != null) {
            java.io.NotSerializableException ns = find(t, java.io.NotSerializableException.class);
            String what = ns != null ? "an object of type " + ns.getMessage() + " is not serializable" : t.getMessage();
            return new IllegalArgumentException("Task run '" + call.taskRunName() + "' could not travel between this process"
                    + " and worker " + member.getAddress() + ": " + what + ". The task's body (with what its lambda captures),"
                    + " its arguments and its result must be java.io.Serializable for the Hazelcast executor", t);
        }
        if (t.getMessage() != null && t.getMessage().contains("is not allowed") || find(t, SecurityException.class) != null) {
            return new IllegalStateException("Task run '" + call.taskRunName() + "': worker " + member.getAddress()
                    + " refused to deserialize a class (" + t.getMessage() + "). Allow its package on the workers"
                    + " (--allow com.acme.) and in HazelcastExecutor.builder().allowPackages(...)", t);
        }
        return t;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return type.cast(c);
        return null;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    @Override
    public void close() {
        try {
            client.shutdown();
        } finally {
            if (local != null) local.close();
        }
    }
}
