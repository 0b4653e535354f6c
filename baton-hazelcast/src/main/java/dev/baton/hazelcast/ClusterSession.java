package dev.baton.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.Executor;
import dev.baton.BodyCall;
import dev.baton.TaskCall;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flow run's use of a Hazelcast cluster. Each body call goes, as bytes, to a worker that
 * {@link WorkerDispatch} chooses, and the worker's answer comes back as the call's outcome; the
 * engine keeps the run's states. The session follows the
 * cluster: a worker added takes waiting calls, a worker removed has its calls run elsewhere, and
 * if the client loses every connection for longer than a short grace, the calls in flight crash.
 */
final class ClusterSession implements Executor.Session {
    /** How long the client may stay disconnected from every worker before the calls in flight crash. */
    private static final long RECONNECT_GRACE_MILLIS = 5_000;
    /** Calls a worker may hold queued per thread, at most (see {@link MemberChannel#capacity}). */
    static final int WINDOW_PER_THREAD = Integer.getInteger("baton.hazelcast.window", 1024);
    /** The member attribute with a worker's thread count. */
    static final String THREADS_ATTRIBUTE = "baton.threads";

    private final HazelcastInstance client;
    private final LocalCluster local; // null when connected to a cluster we did not start
    private final String where;
    private final ObjectInputFilter filter;
    private final WorkerDispatch workers;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    private volatile long disconnections; // counts CLIENT_DISCONNECTED and CLIENT_CONNECTED events

    ClusterSession(HazelcastInstance client, LocalCluster local, String where, List<String> allowedPrefixes) {
        this.client = client;
        this.local = local;
        this.where = where;
        this.filter = new AllowedClasses(allowedPrefixes);
        this.workers = new WorkerDispatch(this, client, client.getExecutorService(ClusterConfigs.EXECUTOR), where);
        client.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                workers.dispatchWaiting();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                workers.memberRemoved(event.getMember().getUuid());
            }
        });
        if (local != null) {
            local.allExited().thenRun(() -> workers.lose("all " + local.processes().size() + " workers of the local cluster died"));
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
                    workers.dispatchWaiting();
                }
                case SHUTTING_DOWN -> workers.lose("lost the connection to every worker of " + where);
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
            workers.lose("lost the connection to every worker of " + where + " for " + RECONNECT_GRACE_MILLIS / 1000 + " s");
        }
    }

    @Override
    public void run(BodyCall body) {
        TaskCall call;
        byte[] bytes;
        try {
            call = body.toTaskCall();
            bytes = CallCodec.write(call);
        } catch (NotSerializableException e) {
            body.failed(new IllegalArgumentException("Task run '" + body.taskRun().name()
                    + "' cannot be sent to " + where + ": its arguments hold an object of type " + e.getMessage()
                    + ", which is not java.io.Serializable. The arguments of a task run on the Hazelcast executor"
                    + " (and its body, with what its lambda captures, and its result) must be serializable", e));
            return;
        } catch (IllegalArgumentException e) { // from toTaskCall: the body is not serializable
            Throwable why = e.getCause() == null ? e : e.getCause();
            body.failed(new IllegalArgumentException("Task run '" + body.taskRun().name() + "' cannot be sent to " + where
                    + ": its body (or what its lambda captures) is not serializable: " + why.getClass().getSimpleName()
                    + ": " + why.getMessage(), e));
            return;
        } catch (IOException | RuntimeException e) {
            body.failed(new IllegalArgumentException("Task run '" + body.taskRun().name()
                    + "' cannot be sent to " + where + ": its arguments could not be serialized: " + e, e));
            return;
        }
        PendingCall p = new PendingCall(ids.incrementAndGet(), call, bytes);
        p.result.whenComplete((v, t) -> {
            MemberChannel channel = p.channel;
            if (p.result.isCancelled() && channel != null) channel.cancel(p.id); // a timeout or a cancellation
            if (channel != null) channel.calls.remove(p.id);
            // the run settles on the thread that received the answer, and the runs waiting for it
            // are sent from there, before the answer's handler sends what is queued (see BodyCall)
            if (t == null) body.succeeded(v);
            else body.failed(t);
            workers.dispatchWaiting();
        });
        body.onStop(() -> p.result.cancel(true));
        workers.dispatch(p);
    }

    /** A worker's channel broke: see {@link WorkerDispatch#channelLost}. */
    void channelLost(MemberChannel channel, Throwable cause) {
        workers.channelLost(channel, cause);
    }

    /** A worker's answer for {@code p}: its value, or its failure. */
    void settle(PendingCall p, MemberChannel channel, byte kind, byte[] payload) {
        WorkerAnswer.complete(p.call, p.result, "worker " + channel.member.getAddress(), kind, payload, filter);
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
            List<Future<Boolean>> closing = new ArrayList<>();
            for (MemberChannel c : workers.openChannels()) {
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
