package dev.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.spi.RunEvents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON columns: a flow run's parameters and a task run's tags. Parameters are recorded for
 * people and tools to read, not to call the flow again: a value Jackson cannot write is recorded
 * as its {@code toString()}, and a very large one as a short note.
 */
final class Json {
    /** Made on first use: runs without parameters or tags never pay for Jackson's start. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = RunEvents.newMapper();
    }

    private Json() {}

    /** A flow's arguments as a JSON array (see {@link RunEvents#parametersJson}). */
    static String parameters(List<Object> parameters) {
        return RunEvents.parametersJson(parameters);
    }

    static String strings(Collection<String> values) {
        try {
            return Mapper.MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings always have a JSON form", e);
        }
    }

    /** {@code s} as a JSON string, quotes included. */
    static String quote(String s) {
        try {
            return Mapper.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings always have a JSON form", e);
        }
    }

    /**
     * Parameters read back: JSON values (maps, lists, strings, numbers, booleans, nulls). A
     * deployment's run keeps its parameters as a JSON object by name: its values, in order.
     */
    static List<Object> readParameters(String json) {
        if (json == null || json.isEmpty()) return List.of();
        try {
            if (json.charAt(0) == '{') {
                return Collections.unmodifiableList(new ArrayList<>(Mapper.MAPPER.readValue(json,
                        new TypeReference<java.util.LinkedHashMap<String, Object>>() {}).values()));
            }
            return Collections.unmodifiableList(Mapper.MAPPER.readValue(json, new TypeReference<ArrayList<Object>>() {}));
        } catch (JsonProcessingException e) {
            return List.of(json); // recorded by another tool or version: show it as it is
        }
    }

    static Set<String> readStrings(String json) {
        if (json == null || json.isEmpty() || json.equals("[]")) return Set.of();
        try {
            return Collections.unmodifiableSet(Mapper.MAPPER.readValue(json, new TypeReference<LinkedHashSet<String>>() {}));
        } catch (JsonProcessingException e) {
            return Set.of(json);
        }
    }
}
