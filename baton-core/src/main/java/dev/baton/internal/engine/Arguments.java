package dev.baton.internal.engine;

import dev.baton.TaskFuture;

import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedList;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the futures inside a task run's arguments (directly, or inside lists, sets, maps,
 * arrays, records and optionals) and, once they have resolved, replaces them by their values,
 * rebuilding only the containers that held a future.
 */
final class Arguments {
    private static final int MAX_DEPTH = 32;

    private Arguments() {}

    /**
     * What a run's arguments and {@code waitFor} refer to: the distinct upstream futures, in
     * order of first appearance; those referred to only through {@code allowFailure(...)}, whose
     * failure does not stop the run; and whether the arguments must be resolved before the run
     * (they hold futures or quoted values).
     */
    record Upstream(List<TaskRunFuture<?>> futures, List<TaskRunFuture<?>> failureAllowed, boolean needsResolving) {
        static final Upstream NONE = new Upstream(List.of(), List.of(), false);
    }

    /** The upstream futures in {@code args} and {@code waitFor}. */
    static Upstream upstreamOf(Object[] args, TaskFuture<?>[] waitFor) {
        List<Object> found = null; // direct references (TaskRunFuture) and allowFailure ones (FailureAllowed)
        for (Object arg : args) {
            found = collect(arg, found, 0);
        }
        if (waitFor != null) {
            for (TaskFuture<?> f : waitFor) found = collect(f, found, 0);
        }
        return found == null ? Upstream.NONE : upstream(found);
    }

    private static List<Object> collect(Object v, List<Object> found, int depth) {
        // the common case (a plain value) in a method small enough to be inlined into every caller
        return isPlain(v) || depth > MAX_DEPTH ? found : collectWithin(v, found, depth);
    }

    private static List<Object> collectWithin(Object v, List<Object> found, int depth) {
        if (v instanceof TaskRunFuture<?> || v instanceof FailureAllowed) {
            if (found == null) found = new ArrayList<>(4);
            found.add(v);
        } else if (v instanceof Quoted<?>) {
            if (found == null) found = new ArrayList<>(4); // not a dependency, but it must be unwrapped
        } else if (v instanceof AllOf<?> all) {
            for (Object e : all.members()) found = collect(e, found, depth + 1);
            if (found == null) found = new ArrayList<>(4); // all() of nothing: still unwrapped, to an empty list
        } else if (v instanceof TaskFuture<?> other) {
            throw new IllegalArgumentException("Unsupported TaskFuture implementation " + other.getClass().getName()
                    + ": pass futures returned by submit(...)");
        } else if (v instanceof Collection<?> c) {
            for (Object e : c) found = collect(e, found, depth + 1);
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                found = collect(e.getKey(), found, depth + 1);
                found = collect(e.getValue(), found, depth + 1);
            }
        } else if (v instanceof Object[] a) {
            for (Object e : a) found = collect(e, found, depth + 1);
        } else if (v instanceof Optional<?> o) {
            if (o.isPresent()) found = collect(o.get(), found, depth + 1);
        } else if (v instanceof Record r) {
            for (Method accessor : RecordShape.of(r.getClass()).accessors) {
                found = collect(RecordShape.read(accessor, r), found, depth + 1);
            }
        }
        return found;
    }

    private static boolean isPlain(Object v) {
        return v == null || v instanceof String || v instanceof Number || v instanceof Boolean
                || v instanceof Character || v instanceof Enum<?>
                || (v.getClass().isArray() && v.getClass().getComponentType().isPrimitive());
    }

    /**
     * The distinct upstream runs of {@code found}; a run's failure is allowed only if every
     * reference to it is wrapped in {@code allowFailure(...)}, as Prefect decides per reference.
     */
    private static Upstream upstream(List<Object> found) {
        if (found.size() == 1 && found.get(0) instanceof TaskRunFuture<?> only) {
            return new Upstream(List.of(only), List.of(), true); // the common case: one plain future
        }
        Set<TaskRunFuture<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>(found.size() * 2));
        Set<TaskRunFuture<?>> direct = Collections.newSetFromMap(new IdentityHashMap<>(found.size() * 2));
        List<TaskRunFuture<?>> futures = new ArrayList<>(found.size());
        for (Object o : found) {
            TaskRunFuture<?> f = o instanceof FailureAllowed a ? a.upstream() : (TaskRunFuture<?>) o;
            if (seen.add(f)) futures.add(f);
            if (o == f) direct.add(f);
        }
        List<TaskRunFuture<?>> allowed = List.of();
        if (direct.size() < futures.size()) {
            allowed = new ArrayList<>(futures.size() - direct.size());
            for (TaskRunFuture<?> f : futures) if (!direct.contains(f)) allowed.add(f);
        }
        return new Upstream(futures, allowed, true);
    }

    /** {@code args} with every future replaced by its value; the array itself if none held one. */
    static Object[] resolve(Object[] args) {
        Object[] out = args;
        for (int i = 0; i < args.length; i++) {
            Object r = resolve(args[i], 0);
            if (r != args[i]) {
                if (out == args) out = args.clone();
                out[i] = r;
            }
        }
        return out;
    }

    /** {@code v} with futures replaced by values; {@code v} itself if it holds none. */
    private static Object resolve(Object v, int depth) {
        return isPlain(v) || depth > MAX_DEPTH ? v : resolveWithin(v, depth);
    }

    private static Object resolveWithin(Object v, int depth) {
        if (v instanceof TaskRunFuture<?> f) return f.resolvedValue();
        if (v instanceof FailureAllowed a) return a.upstream().settledState();
        if (v instanceof Quoted<?> q) return q.value();
        if (v instanceof AllOf<?> all) return resolve(all.members(), depth + 1); // the list of their values
        if (v instanceof List<?> list) {
            List<Object> copy = null;
            int i = 0;
            for (Object e : list) {
                Object r = resolve(e, depth + 1);
                if (r != e && copy == null) copy = new ArrayList<>(list.subList(0, i));
                if (copy != null) copy.add(r);
                i++;
            }
            return copy == null ? v : Collections.unmodifiableList(copy);
        }
        if (v instanceof Collection<?> c) {
            List<Object> values = new ArrayList<>(c.size());
            boolean changed = false;
            for (Object e : c) {
                Object r = resolve(e, depth + 1);
                changed |= r != e;
                values.add(r);
            }
            return changed ? sameKindOf(c, values) : v;
        }
        if (v instanceof Map<?, ?> m) {
            List<Object[]> entries = new ArrayList<>(m.size());
            boolean changed = false;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = resolve(e.getKey(), depth + 1), val = resolve(e.getValue(), depth + 1);
                changed |= k != e.getKey() || val != e.getValue();
                entries.add(new Object[] {k, val});
            }
            return changed ? sameKindOf(m, entries) : v;
        }
        if (v instanceof Object[] a) {
            Object[] copy = null;
            Class<?> component = a.getClass().getComponentType();
            for (int i = 0; i < a.length; i++) {
                Object r = resolve(a[i], depth + 1);
                if (r != a[i] && (r == null || component.isInstance(r))) {
                    if (copy == null) {
                        copy = (Object[]) Array.newInstance(component, a.length);
                        System.arraycopy(a, 0, copy, 0, a.length);
                    }
                    copy[i] = r;
                }
            }
            return copy == null ? v : copy;
        }
        if (v instanceof Optional<?> o) {
            if (o.isEmpty()) return v;
            Object r = resolve(o.get(), depth + 1);
            return r == o.get() ? v : Optional.ofNullable(r);
        }
        if (v instanceof Record r) {
            RecordShape shape = RecordShape.of(r.getClass());
            Object[] values = new Object[shape.accessors.length];
            boolean changed = false;
            for (int i = 0; i < values.length; i++) {
                Object old = RecordShape.read(shape.accessors[i], r);
                Object resolved = resolve(old, depth + 1);
                // a component typed as TaskFuture keeps its (now resolved) future
                values[i] = shape.accepts(i, resolved) ? resolved : old;
                changed |= values[i] != old;
            }
            return changed ? shape.create(values) : v;
        }
        return v;
    }

    /**
     * A collection of the same kind as {@code original} (sorted sets keep their comparator,
     * queues stay queues) holding {@code values}; lists and plain sets come back unmodifiable.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Collection<Object> sameKindOf(Collection<?> original, List<Object> values) {
        if (original instanceof SortedSet<?> s) {
            TreeSet<Object> copy = new TreeSet<>((Comparator<Object>) s.comparator());
            copy.addAll(values);
            return copy;
        }
        if (original instanceof Set<?>) return Collections.unmodifiableSet(new LinkedHashSet<>(values));
        if (original instanceof PriorityQueue<?> q) {
            PriorityQueue<Object> copy = new PriorityQueue<>(Math.max(1, values.size()), (Comparator<Object>) q.comparator());
            copy.addAll(values);
            return copy;
        }
        if (original instanceof Queue<?>) return values.contains(null) ? new LinkedList<>(values) : new ArrayDeque<>(values);
        return Collections.unmodifiableList(values);
    }

    /** A map of the same kind as {@code original} (sorted maps keep their comparator) holding {@code entries}. */
    @SuppressWarnings("unchecked")
    private static Map<Object, Object> sameKindOf(Map<?, ?> original, List<Object[]> entries) {
        Map<Object, Object> copy = original instanceof SortedMap<?, ?> s
                ? new TreeMap<>((Comparator<Object>) s.comparator()) : new LinkedHashMap<>();
        for (Object[] e : entries) copy.put(e[0], e[1]);
        return original instanceof SortedMap<?, ?> ? copy : Collections.unmodifiableMap(copy);
    }

    /** A record class's accessors and canonical constructor, looked up once per class. */
    private static final class RecordShape {
        private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
            @Override
            protected RecordShape computeValue(Class<?> type) {
                return new RecordShape(type);
            }
        };

        final Method[] accessors;
        private final Class<?>[] types;
        private final Constructor<?> constructor;
        private final Class<?> type;

        private RecordShape(Class<?> type) {
            this.type = type;
            RecordComponent[] components = type.getRecordComponents();
            accessors = new Method[components.length];
            types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                types[i] = components[i].getType();
            }
            Constructor<?> c;
            try {
                c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                for (Method m : accessors) m.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                c = null;
            }
            constructor = c;
        }

        boolean accepts(int component, Object value) {
            Class<?> t = types[component];
            if (value == null) return !t.isPrimitive();
            return MethodType.methodType(t).wrap().returnType().isInstance(value);
        }

        static RecordShape of(Class<?> type) {
            return SHAPES.get(type);
        }

        static Object read(Method accessor, Record r) {
            try {
                return accessor.invoke(r);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("Cannot read component " + accessor.getName() + " of record "
                        + r.getClass().getName() + " to look for futures in it: " + e, e);
            }
        }

        Object create(Object[] values) {
            if (constructor == null) {
                throw new IllegalArgumentException("Cannot rebuild record " + type.getName()
                        + " with resolved futures: its canonical constructor is not accessible");
            }
            try {
                return constructor.newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("Cannot rebuild record " + type.getName()
                        + " with resolved futures: " + e.getCause(), e);
            }
        }
    }
}
