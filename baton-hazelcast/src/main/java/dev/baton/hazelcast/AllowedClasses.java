package dev.baton.hazelcast;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes a worker or a flow run's process may deserialize from the cluster: the JDK's
 * ({@code java.}), Baton's, Hazelcast's and the user's allowed packages. Anything else is refused
 * with a {@link SecurityException} naming the class, so a stranger reaching a worker's port
 * cannot make it build arbitrary objects, and a user sees which package to allow.
 */
final class AllowedClasses implements ObjectInputFilter {
    /** Starts every refusal's message, so the flow run's process can recognise one among causes. */
    static final String REFUSED = "Baton's deserialization filter refused class ";
    private static final List<String> ALWAYS = List.of("java.", "dev.baton.", "com.hazelcast.");
    /** Classes outside those packages that Baton's own messages hold (a log line's level). */
    private static final java.util.Set<String> ALWAYS_CLASSES = java.util.Set.of("org.slf4j.event.Level");

    private final List<String> prefixes;

    AllowedClasses(List<String> userPrefixes) {
        List<String> all = new ArrayList<>(ALWAYS);
        all.addAll(userPrefixes);
        this.prefixes = List.copyOf(all);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        Class<?> c = info.serialClass();
        if (c == null) return Status.UNDECIDED;
        while (c.isArray()) c = c.getComponentType();
        if (c.isPrimitive()) return Status.ALLOWED;
        String name = c.getName();
        if (ALWAYS_CLASSES.contains(name)) return Status.ALLOWED;
        for (String p : prefixes) if (name.startsWith(p)) return Status.ALLOWED;
        // thrown, not returned: ObjectInputStream keeps it as the cause, with the class's name
        throw new SecurityException(REFUSED + name + " (allowed: " + prefixes + ")");
    }

    /**
     * Makes this the filter of every ObjectInputStream of this JVM (a worker's: the user's task
     * bodies are deserialized by Baton's core too). False if the JVM has a filter already.
     */
    boolean installForThisJvm() {
        try {
            ObjectInputFilter.Config.setSerialFilter(this);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The refused class's name if {@code t} or a cause is this filter's refusal, else null. */
    static String refusedClass(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof SecurityException && m != null && m.startsWith(REFUSED)) {
                String rest = m.substring(REFUSED.length());
                int space = rest.indexOf(' ');
                return space < 0 ? rest : rest.substring(0, space);
            }
        }
        return null;
    }
}
