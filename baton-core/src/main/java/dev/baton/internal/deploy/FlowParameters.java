package dev.baton.internal.deploy;

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
            if (!names.contains(given)) {
                throw new IllegalArgumentException("Flow '" + flowName + "' has no parameter '" + given + "' (its"
                        + " parameters: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            }
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
