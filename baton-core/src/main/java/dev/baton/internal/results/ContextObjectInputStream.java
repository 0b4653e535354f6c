package dev.baton.internal.results;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ObjectInputStream} that looks classes up with the thread's context class loader
 * first. The default looks in the loader of the nearest user frame on the stack, which is
 * Baton's own: a class that only the application's loader knows (a script run by
 * {@code baton run}, a web application, a plugin) would not be found.
 *
 * <p>Baton's own {@link #envelope envelope} classes (of task calls and outcomes, in every
 * stream) are Baton's, without a lookup: the code reading them is Baton's, and a lookup by name
 * costs more than reading a small call.
 */
public final class ContextObjectInputStream extends ObjectInputStream {
    private static final Map<String, Class<?>> ENVELOPES = new ConcurrentHashMap<>();

    /** Makes {@code c}, a class of Baton's that wraps what travels, resolve to itself in every stream. */
    public static void envelope(Class<?> c) {
        ENVELOPES.put(c.getName(), c);
    }

    /**
     * The one object {@code bytes} hold, read with this stream, under {@code filter} (null: the
     * JVM-wide filter alone; a filter a JVM-wide factory set for the stream already stays).
     */
    public static Object readObject(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes))) {
            if (filter != null) {
                try {
                    in.setObjectInputFilter(filter);
                } catch (IllegalStateException e) {
                    // a JVM-wide filter factory already set one for this stream: it applies
                }
            }
            return in.readObject();
        }
    }

    /** Reads from {@code in}. */
    public ContextObjectInputStream(InputStream in) throws IOException {
        super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        String name = desc.getName();
        Class<?> envelope = ENVELOPES.get(name);
        if (envelope != null) return envelope;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                // fall back to the default lookup (it also knows the primitive types)
            }
        }
        return super.resolveClass(desc);
    }
}
