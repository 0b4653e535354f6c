package dev.baton.internal.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One JSON text per value, the same for equal values in any JVM: object members (map entries
 * and bean or record properties) sorted by name, set elements sorted by their own canonical text
 * (a {@code HashSet}'s order depends on hash codes, which for enums and most objects differ
 * between runs). No type information: {@code List.of(1)} and {@code new ArrayList<>(List.of(1))}
 * are equal, so they must read the same. Used for cache keys, never read back.
 */
final class CanonicalJson {
    private CanonicalJson() {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(OpaqueClassesRefused.module())
            .addModule(new SimpleModule("baton-sorted-sets").addSerializer(new SortedSet()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
            .build();

    /**
     * The canonical JSON of {@code value}, UTF-8.
     *
     * @throws JsonProcessingException if JSON cannot represent the value
     * @throws IllegalArgumentException likewise, from some of Jackson's paths
     */
    static byte[] bytes(Object value) throws JsonProcessingException {
        try {
            JsonNode tree = MAPPER.readTree(MAPPER.writeValueAsBytes(value));
            return MAPPER.writeValueAsBytes(sorted(tree));
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalArgumentException(e); // reading back our own bytes: not expected
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> members = new TreeMap<>();
            object.properties().forEach(e -> members.put(e.getKey(), sorted(e.getValue())));
            ObjectNode copy = MAPPER.createObjectNode();
            members.forEach(copy::set);
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = MAPPER.createArrayNode();
            array.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }

    /** Writes a set as an array of its elements' canonical texts, in sorted order. */
    private static final class SortedSet extends StdSerializer<Set<?>> {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("unchecked")
        SortedSet() {
            super((Class<Set<?>>) (Class<?>) Set.class);
        }

        @Override
        public void serialize(Set<?> set, JsonGenerator gen, SerializerProvider provider) throws IOException {
            List<String> elements = new ArrayList<>(set.size());
            for (Object element : set) elements.add(new String(bytes(element), java.nio.charset.StandardCharsets.UTF_8));
            Collections.sort(elements);
            gen.writeStartArray();
            for (String element : elements) gen.writeRawValue(element);
            gen.writeEndArray();
        }
    }
}
