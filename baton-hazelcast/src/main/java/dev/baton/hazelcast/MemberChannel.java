package dev.baton.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flow run's channel to one worker, in the flow run's process: the calls it holds and the
 * {@link Messages.Exchange exchanges} on their way (at most three: calls made ready meanwhile wait
 * for the next, so many ready calls travel together). While the worker holds calls, an exchange
 * waits there for their outcomes, so an outcome comes back as soon as it is ready.
 */
final class MemberChannel {
    /** How long an exchange waits on the worker for an outcome before answering empty. */
    static final long WAIT_MILLIS = 1_000;
    private static final long[] NO_IDS = new long[0];
    private static final byte[][] NO_CALLS = new byte[0][];

    final Member member;
    final UUID id = UUID.randomUUID();
    final int threads;
    /** Calls on this worker (sent, or waiting for the next batch), by id. */
    final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private final ClusterSession session;
    private final IExecutorService executor;
    private final UUID client;
    private final ConcurrentLinkedQueue<PendingCall> toSend = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> toCancel = new ConcurrentLinkedQueue<>();
    /**
     * Runs answers' callbacks on the client's thread that received them. Hazelcast's client futures
     * run a plain {@code whenComplete} on its default async executor: the common ForkJoinPool, or a
     * thread per callback where that pool has one thread (see {@link ClusterConfigs}), which put a
     * queue or a thread's start on every answer. The callbacks only hand outcomes over and send
     * messages, without blocking.
     */
    private static final Executor ON_RESPONSE_THREAD = Runnable::run;
    /** How far ahead a worker's queue should keep its threads busy (see {@link #capacity}). */
    private static final double AHEAD_NANOS = 2_000_000;
    /** Calls queued per thread before the first call's run time is known. */
    private static final int QUEUED_PER_THREAD_AT_FIRST = 16;
    /** Exchanges a channel may have on their way (or waiting on the worker) at once. */
    private static final int MAX_EXCHANGES = 3;
    private final AtomicInteger exchanges = new AtomicInteger();
    volatile boolean lost;
    /** How long calls ran on the worker lately (a moving average, ns; 0 until one has finished). */
    private volatile double averageRunNanos;

    MemberChannel(ClusterSession session, IExecutorService executor, UUID client, Member member, int threads) {
        this.session = session;
        this.executor = executor;
        this.client = client;
        this.member = member;
        this.threads = threads;
    }

    void send(PendingCall p) {
        calls.put(p.id, p);
        toSend.add(p);
        flush();
    }

    void cancel(long callId) {
        if (calls.remove(callId) == null) return;
        toCancel.add(callId);
        flush();
    }

    /**
     * Sends what is queued in an exchange, unless {@link #MAX_EXCHANGES} are on their way
     * already: then the first to come back sends the rest, so calls made ready meanwhile travel
     * together.
     */
    private void flush() {
        while (!lost && (!toSend.isEmpty() || !toCancel.isEmpty())) {
            int n = exchanges.get();
            if (n >= MAX_EXCHANGES) return;
            if (!exchanges.compareAndSet(n, n + 1)) continue;
            List<PendingCall> batch = new ArrayList<>();
            for (PendingCall p; (p = toSend.poll()) != null; ) if (!p.result.isDone()) batch.add(p);
            List<Long> cancels = new ArrayList<>();
            for (Long c; (c = toCancel.poll()) != null; ) cancels.add(c);
            if (batch.isEmpty() && cancels.isEmpty()) {
                exchanges.decrementAndGet();
                continue;
            }
            long[] ids = new long[batch.size()];
            byte[][] bytes = new byte[batch.size()][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = batch.get(i).id;
                bytes[i] = batch.get(i).bytes;
            }
            exchange(ids, bytes, cancels.stream().mapToLong(Long::longValue).toArray());
        }
    }

    /** Keeps an exchange waiting on the worker while it holds calls of this channel. */
    private void awaitOutcomes() {
        while (!lost && !session.isClosed() && !calls.isEmpty()) {
            if (exchanges.get() > 0) return; // one is on its way, or waiting there
            if (exchanges.compareAndSet(0, 1)) {
                exchange(NO_IDS, NO_CALLS, NO_IDS);
                return;
            }
        }
    }

    /**
     * Sends one exchange (counted in {@link #exchanges} by the caller). Its answer's outcomes are
     * handed over first, which sends the calls they made ready; then, if nothing else is on its
     * way and the worker still holds calls, an empty exchange goes to wait for their outcomes.
     */
    private void exchange(long[] ids, byte[][] bytes, long[] cancels) {
        CompletionStage<Messages.Outcomes> answer;
        try {
            answer = (CompletionStage<Messages.Outcomes>) executor.<Messages.Outcomes>submitToMember(
                    new Messages.Exchange(id, client, ids, bytes, cancels, WAIT_MILLIS), member);
        } catch (RuntimeException e) {
            exchanges.decrementAndGet();
            if (!session.isClosed()) session.channelLost(this, e);
            return;
        }
        answer.whenCompleteAsync((outcomes, t) -> {
            exchanges.decrementAndGet();
            if (t != null || !outcomes.known) {
                if (!session.isClosed()) session.channelLost(this, t);
                return;
            }
            for (int i = 0; i < outcomes.ids.length; i++) {
                if (outcomes.runNanos[i] > 0) averageRunNanos = averageRunNanos == 0 ? outcomes.runNanos[i]
                        : 0.8 * averageRunNanos + 0.2 * outcomes.runNanos[i];
                PendingCall p = calls.remove(outcomes.ids[i]);
                if (p != null) session.settle(p, this, outcomes.kinds[i], outcomes.payloads[i]);
            }
            flush();
            awaitOutcomes();
        }, ON_RESPONSE_THREAD);
    }

    /** Ends the channel on the worker (best effort: the worker also ends it when this process leaves). */
    Future<Boolean> close() {
        return executor.submitToMember(new Messages.CloseChannel(id, client), member);
    }

    int load() {
        return calls.size();
    }

    /**
     * How many calls this worker may hold: one per thread running, and per thread enough queued
     * to keep it busy for about {@link #AHEAD_NANOS} (what a batch's round trip takes), from 1 to
     * {@code maxQueuedPerThread}. Short calls then travel in big batches; long ones stay here until a
     * thread is nearly free, so a worker that finishes early takes more and the last ones are spread.
     */
    int capacity(int maxQueuedPerThread) {
        double avg = averageRunNanos;
        int queued = avg == 0 ? Math.min(maxQueuedPerThread, QUEUED_PER_THREAD_AT_FIRST)
                : (int) Math.max(1, Math.min(maxQueuedPerThread, Math.ceil(AHEAD_NANOS / avg)));
        return threads * (queued + 1);
    }
}
