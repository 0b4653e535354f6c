package dev.baton.hazelcast;

import dev.baton.TaskCall;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;

/**
 * Task calls and their outcomes as bytes, one object per array: each call travels (and fails to
 * travel) on its own, so one bad argument or result fails its own task run and nothing else.
 * Reading resolves classes with the thread's context class loader first and applies the
 * {@link AllowedClasses} filter.
 */
final class CallCodec {
    private CallCodec() {}

    static byte[] write(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static TaskCall readCall(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        Object o = read(bytes, filter);
        if (!(o instanceof TaskCall call)) throw new IOException("expected a task call, got " + o.getClass().getName());
        return call;
    }

    static Object read(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        // a worker's JVM-wide filter (see HazelcastWorker), if set, applies instead of filter
        return TaskCall.deserialize(bytes, filter);
    }
}
