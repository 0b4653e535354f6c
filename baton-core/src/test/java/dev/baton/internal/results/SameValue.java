package dev.baton.internal.results;

import java.lang.reflect.Array;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a value read back is the value written, down to every nested class: a {@code Long} that
 * came back as an {@code Integer} differs, and so does a record field that came back as another
 * record. Arrays (which {@code equals} compares by identity, also inside records) are compared by
 * content. JDK collections whose class is not public ({@code List.of(...)}) may come back as a
 * public one of the same kind (see {@link ReadableContainers}).
 */
final class SameValue {
    private SameValue() {}

    /** Null if {@code back} is the same value as {@code written}; otherwise where and how they differ. */
    static String difference(Object written, Object back) {
        return difference("value", written, back);
    }

    private static String difference(String at, Object a, Object b) {
        if (a == null || b == null) return a == b ? null : at + ": " + describe(a) + " came back as " + describe(b);
        if (!sameClass(a, b)) return at + ": " + describe(a) + " came back as " + describe(b);
        if (a.getClass().isArray()) {
            int n = Array.getLength(a);
            if (n != Array.getLength(b)) return at + ": array length " + n + " came back as " + Array.getLength(b);
            for (int i = 0; i < n; i++) {
                String d = difference(at + "[" + i + "]", Array.get(a, i), Array.get(b, i));
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof Record) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                String d = difference(at + "." + c.getName(), component(c, a), component(c, b));
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof List<?> la) {
            List<?> lb = (List<?>) b;
            if (la.size() != lb.size()) return at + ": list size " + la.size() + " came back as " + lb.size();
            Iterator<?> ib = lb.iterator();
            int i = 0;
            for (Object x : la) {
                String d = difference(at + "[" + i++ + "]", x, ib.next());
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof Set<?> sa) {
            // set elements are hashable values (no arrays), so equals finds them; then compare their classes
            Set<?> sb = (Set<?>) b;
            if (!sa.equals(sb)) return at + ": " + describe(a) + " came back as " + describe(b);
            for (Object x : sa) {
                Object y = find(sb, x);
                String d = difference(at + "{" + x + "}", x, y);
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof Map<?, ?> ma) {
            Map<?, ?> mb = (Map<?, ?>) b;
            if (!ma.keySet().equals(mb.keySet())) return at + ": keys " + describe(ma.keySet()) + " came back as " + describe(mb.keySet());
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                String key = at + "{" + e.getKey() + "}";
                String d = difference(key + " (key)", e.getKey(), find(mb.keySet(), e.getKey()));
                if (d == null) d = difference(key, e.getValue(), mb.get(e.getKey()));
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof Optional<?> oa) {
            return difference(at + ".get()", oa.orElse(null), ((Optional<?>) b).orElse(null));
        }
        return a.equals(b) ? null : at + ": " + describe(a) + " came back as " + describe(b);
    }

    /** The same class; a JDK collection whose class is not public may come back as another of its kind. */
    private static boolean sameClass(Object a, Object b) {
        if (a.getClass() == b.getClass()) return true;
        if (Modifier.isPublic(a.getClass().getModifiers()) && !(a instanceof Enum<?>)) return false;
        if (a instanceof Enum<?> ea && b instanceof Enum<?> eb) return ea.getDeclaringClass() == eb.getDeclaringClass();
        if (a instanceof List<?>) return b instanceof List<?>;
        if (a instanceof Set<?>) return b instanceof Set<?>;
        if (a instanceof Map<?, ?>) return b instanceof Map<?, ?>;
        return false;
    }

    private static Object find(Set<?> set, Object x) {
        for (Object y : set) {
            if (Objects.equals(x, y)) return y;
        }
        return null;
    }

    private static Object component(RecordComponent c, Object record) {
        try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + c + " of " + record, e);
        }
    }

    private static String describe(Object v) {
        if (v == null) return "null";
        String text = v.getClass().isArray() ? "array" : String.valueOf(v);
        if (text.length() > 200) text = text.substring(0, 200) + "...";
        return text + " (" + v.getClass().getName() + ")";
    }
}
