package dev.baton.deploy;

import dev.baton.spi.RunEvents;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A deployed flow's parameters, by name and type: reads a run's parameters (a JSON object by name)
 * into the arguments the flow is called with, and says exactly what is wrong with any that does not
 * fit: the parameter, the value and the type expected. Named by the flow ({@code parameterNames}),
 * or, for a flow of one record parameter, by the record's components.
 */
public final class FlowParameters {
    private static final ObjectMapper MAPPER = RunEvents.newMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String flowName;
    private final List<String> names;
    private final Type[] types;
    /** The flow takes one record, whose components are the parameters. */
    private final boolean asRecord;

    private FlowParameters(String flowName, List<String> names, Type[] types, boolean asRecord) {
        this.flowName = flowName;
        this.names = names;
        this.types = types;
        this.asRecord = asRecord;
    }

    /**
     * The parameters of flow {@code flowName}, of the given types (one per parameter, in order),
     * named {@code names} (or, when none are given and the one type is a record, by its components).
     *
     * @throws IllegalArgumentException if the parameters are not named, or named a different number of times, saying how to name them
     */
    public static FlowParameters of(String flowName, List<String> names, Type[] types) {
        Objects.requireNonNull(flowName, "flowName");
        if (names.isEmpty() && types.length == 1 && raw(types[0]).isRecord()) {
            List<String> components = new ArrayList<>();
            for (RecordComponent c : raw(types[0]).getRecordComponents()) components.add(c.getName());
            return new FlowParameters(flowName, List.copyOf(components), types.clone(), true);
        }
        if (names.size() != types.length) {
            String example = types.length == 1 ? "\"day\"" : "\"day\", \"region\"";
            throw new IllegalArgumentException("Flow '" + flowName + "' takes " + types.length + " parameter"
                    + (types.length == 1 ? "" : "s") + (names.isEmpty() ? ", which have no names"
                    : " but names " + names.size() + " (" + names + ")") + ": a deployment gives a run its parameters by"
                    + " name, so name them when building the flow, Flow.named(\"" + flowName + "\").parameterNames("
                    + example + ")" + (types.length == 1 ? ", or take one record whose components are the parameters" : ""));
        }
        return new FlowParameters(flowName, List.copyOf(names), types.clone(), false);
    }

    /** The parameter names, in order. */
    public List<String> names() {
        return names;
    }

    /**
     * The arguments to call the flow with, read from {@code json} (a JSON object by parameter name).
     *
     * @throws IllegalArgumentException naming the parameter, its value and the type expected, if one
     *         is missing, unknown or not of its type
     */
    public Object[] read(String json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (Exception e) {
            throw new IllegalArgumentException("The parameters of a run of flow '" + flowName + "' are not JSON: " + json);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("The parameters of a run of flow '" + flowName + "' are a JSON object"
                    + " by name, such as {\"day\": \"2026-01-01\"}; got " + json);
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String given = it.next();
            if (!names.contains(given)) throw noSuchParameter(given);
        }
        if (asRecord) {
            for (RecordComponent c : raw(types[0]).getRecordComponents()) {
                convert(c.getName(), object.get(c.getName()), c.getGenericType()); // names the component at fault
            }
            return new Object[] {convert("(all)", object, types[0])};
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) args[i] = convert(names.get(i), object.get(names.get(i)), types[i]);
        return args;
    }

    /** Checks {@code values} as {@link #read} would, without keeping the result. */
    public void check(Map<String, ?> values) {
        read(RunEvents.newMapper().valueToTree(values).toString());
    }

    /**
     * Checks the parameters {@code values} gives, leaving out those it does not: the defaults of a
     * deployment whose ad-hoc runs bring the rest.
     *
     * @throws IllegalArgumentException if one is unknown or does not fit its type, as {@link #read} says it
     */
    public void checkGiven(Map<String, ?> values) {
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (!names.contains(e.getKey())) throw noSuchParameter(e.getKey());
            Type type = asRecord ? componentType(e.getKey()) : types[names.indexOf(e.getKey())];
            JsonNode value = RunEvents.newMapper().valueToTree(e.getValue());
            if (value != null && !value.isNull()) convert(e.getKey(), value, type);
        }
    }

    private IllegalArgumentException noSuchParameter(String name) {
        return new IllegalArgumentException("Flow '" + flowName + "' has no parameter '" + name + "' (its parameters: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    }

    private Type componentType(String name) {
        for (RecordComponent c : raw(types[0]).getRecordComponents()) if (c.getName().equals(name)) return c.getGenericType();
        return Object.class;
    }

    /**
     * The parameters as a JSON Schema (draft 2020-12) object, for an API or a UI to build a form
     * from: each parameter's type (strings, integers, numbers, booleans, enums with their constants,
     * {@code java.time} values as formatted strings, lists, maps, records as objects of their fields and
     * no others), all required. {@link ParameterSchema} checks a run's parameters against it.
     */
    public Map<String, Object> jsonSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (asRecord) {
            for (RecordComponent c : raw(types[0]).getRecordComponents()) {
                properties.put(c.getName(), schemaOf(c.getGenericType(), 0));
            }
        } else {
            for (int i = 0; i < types.length; i++) properties.put(names.get(i), schemaOf(types[i], 0));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("title", "Parameters of flow '" + flowName + "'");
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", List.copyOf(properties.keySet()));
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Map<String, Object> schemaOf(Type type, int depth) {
        Map<String, Object> s = new LinkedHashMap<>();
        Class<?> c = raw(type);
        if (depth > 8) return s; // a type that contains itself: anything goes from here
        if (c == String.class || c == char.class || c == Character.class) {
            s.put("type", "string");
        } else if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
                || c == Long.class || c == Short.class || c == Byte.class || c == java.math.BigInteger.class) {
            s.put("type", "integer");
        } else if (c == double.class || c == float.class || c == Double.class || c == Float.class
                || c == java.math.BigDecimal.class) {
            s.put("type", "number");
        } else if (c == boolean.class || c == Boolean.class) {
            s.put("type", "boolean");
        } else if (c.isEnum()) {
            List<String> constants = new ArrayList<>();
            for (Object o : c.getEnumConstants()) constants.add(((Enum<?>) o).name());
            s.put("type", "string");
            s.put("enum", constants);
        } else if (c == java.time.LocalDate.class) {
            s.put("type", "string");
            s.put("format", "date");
        } else if (c == java.time.Instant.class || c == java.time.OffsetDateTime.class
                || c == java.time.ZonedDateTime.class || c == java.time.LocalDateTime.class) {
            s.put("type", "string");
            s.put("format", "date-time");
        } else if (c == java.time.LocalTime.class || c == java.time.OffsetTime.class) {
            s.put("type", "string");
            s.put("format", "time");
        } else if (c == java.time.Duration.class || c == java.time.Period.class) {
            s.put("type", "string");
            s.put("format", "duration");
        } else if (c == java.util.UUID.class) {
            s.put("type", "string");
            s.put("format", "uuid");
        } else if (c == java.util.Optional.class) {
            return schemaOf(argument(type, 0), depth + 1);
        } else if (java.util.Collection.class.isAssignableFrom(c) || c.isArray()) {
            s.put("type", "array");
            Type item = c.isArray() ? c.getComponentType() : argument(type, 0);
            s.put("items", schemaOf(item, depth + 1));
            if (java.util.Set.class.isAssignableFrom(c)) s.put("uniqueItems", true);
        } else if (Map.class.isAssignableFrom(c)) {
            s.put("type", "object");
            s.put("additionalProperties", schemaOf(argument(type, 1), depth + 1));
        } else if (c.isRecord()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                properties.put(rc.getName(), schemaOf(rc.getGenericType(), depth + 1));
            }
            s.put("type", "object");
            s.put("title", c.getSimpleName());
            s.put("properties", properties);
            s.put("required", List.copyOf(properties.keySet()));
            s.put("additionalProperties", false); // a field it has not is refused when read
        }
        // anything else (Object, a class Jackson reads as a bean): no constraint
        return s;
    }

    private static Type argument(Type type, int i) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > i
                ? p.getActualTypeArguments()[i] : Object.class;
    }

    private Object convert(String name, JsonNode value, Type type) {
        JavaType target = MAPPER.constructType(type);
        if (value == null || value.isNull()) {
            if (target.isPrimitive() || value == null) {
                throw new IllegalArgumentException("Parameter '" + name + "' of flow '" + flowName + "' has no value;"
                        + " it takes " + describe(type) + ": give it in the deployment's parameters or the run's"
                        + " (--param " + name + "=...)");
            }
            return null;
        }
        try {
            return MAPPER.treeToValue(value, target);
        } catch (Exception e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage()
                    : e.getMessage();
            throw new IllegalArgumentException("Parameter '" + name + "' of flow '" + flowName + "' is " + value
                    + ", which is not " + describe(type) + " (" + firstLine(why) + ")");
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "no detail";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A type as a user wrote it: {@code a LocalDate}, {@code a List<String>}. */
    static String describe(Type type) {
        String name = type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName()
                .replaceAll("\\b[a-z][\\w]*\\.", "").replaceAll("\\$", ".");
        if (type instanceof Class<?> c && c.isEnum()) {
            List<String> constants = new ArrayList<>();
            for (Object o : c.getEnumConstants()) constants.add(((Enum<?>) o).name());
            return "a " + name + " (one of " + String.join(", ", constants) + ")";
        }
        return ("AEIOU".indexOf(Character.toUpperCase(name.charAt(0))) >= 0 ? "an " : "a ") + name;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        return Object.class;
    }
}
