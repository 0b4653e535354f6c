package dev.baton.internal.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The class to name in a type id for a JDK collection or map, so that Jackson can rebuild it.
 * Views and private classes ({@code map.keySet()}, {@code map.values()}, {@code list.subList(...)},
 * {@code Collections.nCopies(...)}) have no constructor Jackson can call: they would be written
 * fine and fail only when read back, on some later cache lookup. Those are named as the plain
 * {@code ArrayList}, {@code LinkedHashSet} or {@code LinkedHashMap} holding the same elements in
 * the same order. Whether Jackson can build a class is asked of Jackson itself, once per class.
 */
final class ReadableContainers {
    private ReadableContainers() {}

    // No default typing here: the question is only whether Jackson can construct the class.
    private static final ObjectMapper PLAIN = JsonMapper.builder().build();

    private static final ClassValue<Class<?>> NAMED_AS = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            boolean map = Map.class.isAssignableFrom(type);
            if (!map && !Collection.class.isAssignableFrom(type)) return type;
            if (!AllowedTypes.isJdk(type) || isConstructible(type, map ? "{}" : "[]")) return type;
            if (map) return LinkedHashMap.class;
            return Set.class.isAssignableFrom(type) && !List.class.isAssignableFrom(type) ? LinkedHashSet.class : ArrayList.class;
        }
    };

    /** {@code type}, or the public class to name instead if Jackson could not rebuild {@code type}. */
    static Class<?> namedAs(Class<?> type) {
        return NAMED_AS.get(type);
    }

    private static boolean isConstructible(Class<?> type, String empty) {
        try {
            PLAIN.readerFor(type).readValue(empty);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
