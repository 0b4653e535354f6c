package dev.baton.internal.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * An {@link ObjectInputStream} that looks classes up with the thread's context class loader
 * first. The default looks in the loader of the nearest user frame on the stack, which is
 * Baton's own: a class that only the application's loader knows (a script run by
 * {@code baton run}, a web application, a plugin) would not be found.
 */
public final class ContextObjectInputStream extends ObjectInputStream {

    /** Reads from {@code in}. */
    public ContextObjectInputStream(InputStream in) throws IOException {
        super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                // fall back to the default lookup (it also knows the primitive types)
            }
        }
        return super.resolveClass(desc);
    }
}
