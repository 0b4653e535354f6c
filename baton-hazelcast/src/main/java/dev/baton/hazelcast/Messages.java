package dev.baton.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * What a flow run's process and a worker say to each other over Hazelcast's executor service,
 * per channel (one flow run's traffic with one worker), in {@link Exchange}s: calls go out in
 * batches (every call made ready while earlier batches were on their way rides in the next one),
 * and each exchange comes back with the outcomes finished meanwhile, waiting for them on the
 * worker if there are none yet. A call and its outcome thus cost one round trip. Each
 * call and outcome is its own byte array (see {@link CallCodec}); the messages themselves are
 * Hazelcast {@link IdentifiedDataSerializable}s: no reflection, no Java serialization.
 */
final class Messages {
    static final int FACTORY_ID = 0xBA70;
    // 1 and 2 were the separate send and poll messages before exchanges: not reused, so a worker and a
    // flow process of different Baton versions fail on an unknown message rather than misread one
    private static final int EXCHANGE = 5, OUTCOMES = 3, CLOSE = 4;

    private Messages() {}

    /** Creates the messages when Hazelcast reads them; registered on members and clients. */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int typeId) {
            return switch (typeId) {
                case EXCHANGE -> new Exchange();
                case OUTCOMES -> new Outcomes();
                case CLOSE -> new CloseChannel();
                default -> null;
            };
        }
    }

    /** A message run on a worker, with its worker's channels at hand. */
    abstract static class ToWorker<T> implements Callable<T>, IdentifiedDataSerializable, HazelcastInstanceAware {
        UUID channel, client;
        transient WorkerChannels channels;

        @Override
        public void setHazelcastInstance(HazelcastInstance instance) {
            channels = WorkerChannels.of(instance);
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(channel.getMostSignificantBits());
            out.writeLong(channel.getLeastSignificantBits());
            out.writeLong(client.getMostSignificantBits());
            out.writeLong(client.getLeastSignificantBits());
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            channel = new UUID(in.readLong(), in.readLong());
            client = new UUID(in.readLong(), in.readLong());
        }
    }

    /**
     * Calls to start (each with its id) and calls to cancel, if any; then waits up to
     * {@code waitMillis} for outcomes of the channel's calls and takes them. Only the newest
     * exchange of a channel waits on the worker: an older one still waiting goes back (maybe
     * empty) when a newer arrives.
     */
    static final class Exchange extends ToWorker<Outcomes> {
        long[] ids, cancels;
        byte[][] calls;
        long waitMillis;

        Exchange() {}

        Exchange(UUID channel, UUID client, long[] ids, byte[][] calls, long[] cancels, long waitMillis) {
            this.channel = channel;
            this.client = client;
            this.ids = ids;
            this.calls = calls;
            this.cancels = cancels;
            this.waitMillis = waitMillis;
        }

        @Override
        public Outcomes call() throws InterruptedException {
            return channels.exchange(channel, client, ids, calls, cancels, waitMillis);
        }

        @Override
        public int getClassId() {
            return EXCHANGE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            super.writeData(out);
            out.writeLongArray(ids);
            for (byte[] c : calls) out.writeByteArray(c);
            out.writeLongArray(cancels);
            out.writeLong(waitMillis);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            super.readData(in);
            ids = in.readLongArray();
            calls = new byte[ids.length][];
            for (int i = 0; i < ids.length; i++) calls[i] = in.readByteArray();
            cancels = in.readLongArray();
            waitMillis = in.readLong();
        }
    }

    /** Ends a channel: its running calls are cancelled, its outcomes dropped. */
    static final class CloseChannel extends ToWorker<Boolean> {

        CloseChannel() {}

        CloseChannel(UUID channel, UUID client) {
            this.channel = channel;
            this.client = client;
        }

        @Override
        public Boolean call() {
            channels.close(channel);
            return true;
        }

        @Override
        public int getClassId() {
            return CLOSE;
        }
    }

    /**
     * Finished calls: for each its id, a {@link Outcomes#kinds kind}, its run time and bytes (the serialized
     * outcome, or for a problem on the worker its description in UTF-8). {@code known} is false
     * if the worker no longer has the channel (its calls are lost).
     */
    static final class Outcomes implements IdentifiedDataSerializable {
        /** Kinds of outcome. */
        static final byte OUTCOME = 0, CLASS_MISSING = 1, CLASS_REFUSED = 2, RESULT_NOT_SERIALIZABLE = 3, WORKER_ERROR = 4;

        boolean known;
        long[] ids;
        byte[] kinds;
        /** How long each call's body ran on the worker, in nanoseconds (0 if it did not run). */
        long[] runNanos;
        byte[][] payloads;

        Outcomes() {}

        Outcomes(boolean known, long[] ids, byte[] kinds, long[] runNanos, byte[][] payloads) {
            this.known = known;
            this.ids = ids;
            this.kinds = kinds;
            this.runNanos = runNanos;
            this.payloads = payloads;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return OUTCOMES;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeBoolean(known);
            out.writeLongArray(ids);
            out.writeByteArray(kinds);
            out.writeLongArray(runNanos);
            for (byte[] p : payloads) out.writeByteArray(p);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            known = in.readBoolean();
            ids = in.readLongArray();
            kinds = in.readByteArray();
            runNanos = in.readLongArray();
            payloads = new byte[ids.length][];
            for (int i = 0; i < ids.length; i++) payloads[i] = in.readByteArray();
        }
    }
}
