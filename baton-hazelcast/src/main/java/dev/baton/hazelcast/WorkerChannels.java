package dev.baton.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.baton.TaskCall;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's side of the channels flow runs open to it: the task calls they sent, run on this
 * worker's threads, and the outcomes waiting for the next exchange. A channel whose flow run's
 * process disconnected is dropped, its calls cancelled, and remembered as gone so a late message
 * for it is answered "unknown" rather than silently starting over.
 */
final class WorkerChannels {
    /** Where a member keeps its channels: in its Hazelcast user context. */
    static final String KEY = "baton.channels";
    private static final int REMEMBERED_GONE = 10_000;

    private final ExecutorService threads;
    private final ObjectInputFilter filter;
    private final Map<UUID, Channel> channels = new ConcurrentHashMap<>();
    private final Set<UUID> gone = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_GONE;
        }
    }));

    /** A call's outcome waiting for the next exchange: its kind, run time (ns) and bytes. */
    private record Finished(long id, byte kind, long ranNanos, byte[] payload) {}

    /** One flow run's calls on this worker. */
    private static final class Channel {
        final UUID client;
        final Map<Long, Future<?>> running = new ConcurrentHashMap<>();
        final List<Finished> finished = new ArrayList<>(); // not yet taken by an exchange; guarded by this
        boolean closed;
        long exchanges; // the newest exchange's number: only it waits
        int waiting; // exchanges waiting for outcomes now; guarded by this

        Channel(UUID client) {
            this.client = client;
        }
    }

    WorkerChannels(int threadCount, List<String> allowedPrefixes) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread t = new Thread(r, "baton-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.filter = new AllowedClasses(allowedPrefixes);
    }

    static WorkerChannels of(HazelcastInstance member) {
        WorkerChannels channels = (WorkerChannels) member.getUserContext().get(KEY);
        if (channels == null) throw new IllegalStateException("this Hazelcast member is not a Baton worker");
        return channels;
    }

    /**
     * Starts {@code ids}/{@code calls} and cancels {@code cancels} in channel {@code id}, then
     * waits up to {@code waitMillis} for outcomes and takes them. Answers "unknown" if the
     * channel is gone. An older exchange of the channel still waiting goes back at once: only
     * the newest waits, so a flow run's process never has more than one exchange held here.
     */
    Messages.Outcomes exchange(UUID id, UUID client, long[] ids, byte[][] calls, long[] cancels, long waitMillis)
            throws InterruptedException {
        if (gone.contains(id)) return unknown();
        Channel channel = channels.computeIfAbsent(id, k -> new Channel(client));
        if (gone.contains(id)) { // closed meanwhile: no channel may outlive its close
            channels.remove(id, channel);
            return unknown();
        }
        for (long cancel : cancels) {
            Future<?> f = channel.running.remove(cancel);
            if (f != null) f.cancel(true);
        }
        for (int i = 0; i < ids.length; i++) {
            long callId = ids[i];
            byte[] bytes = calls[i];
            FutureTask<Void> task = new FutureTask<>(() -> {
                run(channel, callId, bytes);
                return null;
            });
            channel.running.put(callId, task);
            threads.execute(task);
        }
        synchronized (channel) {
            long ticket = ++channel.exchanges;
            channel.notifyAll(); // an older exchange waiting here goes back
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            channel.waiting++;
            try {
                while (channel.finished.isEmpty() && !channel.closed && channel.exchanges == ticket) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) break;
                    channel.wait(left);
                }
            } finally {
                channel.waiting--;
            }
            return take(channel);
        }
    }

    /** How many exchanges of channel {@code id} wait for outcomes now: lets a test see one waiting. */
    int waitingExchanges(UUID id) {
        Channel channel = channels.get(id);
        if (channel == null) return 0;
        synchronized (channel) {
            return channel.waiting;
        }
    }

    private static Messages.Outcomes unknown() {
        return new Messages.Outcomes(false, new long[0], new byte[0], new long[0], new byte[0][]);
    }

    private void run(Channel channel, long id, byte[] bytes) {
        TaskCall call;
        try {
            call = CallCodec.readCall(bytes, filter);
        } catch (ClassNotFoundException e) {
            finish(channel, id, Messages.Outcomes.CLASS_MISSING, e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            String refused = AllowedClasses.refusedClass(e);
            if (refused != null) finish(channel, id, Messages.Outcomes.CLASS_REFUSED, refused);
            else finish(channel, id, Messages.Outcomes.WORKER_ERROR, "could not read the call: " + e);
            return;
        }
        Object outcome;
        long start = System.nanoTime(), ran;
        try {
            outcome = call.runOnWorker();
        } catch (Throwable t) {
            finish(channel, id, Messages.Outcomes.WORKER_ERROR, String.valueOf(t));
            return;
        } finally {
            ran = System.nanoTime() - start;
        }
        try {
            finish(channel, id, Messages.Outcomes.OUTCOME, ran, CallCodec.write(outcome));
        } catch (NotSerializableException e) {
            finish(channel, id, Messages.Outcomes.RESULT_NOT_SERIALIZABLE, e.getMessage());
        } catch (InvalidClassException | RuntimeException e) {
            finish(channel, id, Messages.Outcomes.RESULT_NOT_SERIALIZABLE, e.getMessage());
        } catch (IOException e) {
            finish(channel, id, Messages.Outcomes.WORKER_ERROR, "could not write the outcome: " + e);
        }
    }

    private void finish(Channel channel, long id, byte kind, String text) {
        finish(channel, id, kind, 0, String.valueOf(text).getBytes(StandardCharsets.UTF_8));
    }

    private void finish(Channel channel, long id, byte kind, long ran, byte[] payload) {
        if (channel.running.remove(id) == null) return; // cancelled meanwhile: nobody waits for it
        synchronized (channel) {
            if (channel.closed) return;
            channel.finished.add(new Finished(id, kind, ran, payload));
            channel.notifyAll();
        }
    }

    /** The channel's finished outcomes, taken. Holds the channel's lock. */
    private static Messages.Outcomes take(Channel channel) {
        int n = channel.finished.size();
        long[] ids = new long[n], ran = new long[n];
        byte[] kinds = new byte[n];
        byte[][] payloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            Finished f = channel.finished.get(i);
            ids[i] = f.id();
            kinds[i] = f.kind();
            ran[i] = f.ranNanos();
            payloads[i] = f.payload();
        }
        channel.finished.clear();
        return new Messages.Outcomes(!channel.closed, ids, kinds, ran, payloads);
    }

    void close(UUID id) {
        gone.add(id);
        Channel channel = channels.remove(id);
        if (channel == null) return;
        for (Future<?> f : channel.running.values()) f.cancel(true);
        channel.running.clear();
        synchronized (channel) {
            channel.closed = true;
            channel.finished.clear();
            channel.notifyAll();
        }
    }

    /** A flow run's process disconnected: its channels end, their calls are cancelled. */
    void clientLeft(UUID client) {
        for (Map.Entry<UUID, Channel> e : channels.entrySet()) {
            if (e.getValue().client.equals(client)) close(e.getKey());
        }
    }
}
