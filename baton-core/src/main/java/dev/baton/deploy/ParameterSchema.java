package dev.baton.deploy;

import dev.baton.spi.RunEvents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A flow's parameters as the JSON Schema a deployment keeps ({@link FlowParameters#jsonSchema()}),
 * for checking a run's parameters where the flow's types are not at hand: the API server and the
 * CLI refuse an ad-hoc run whose parameters do not fit before creating it, naming the parameter, its
 * value and the type expected, in the words {@link FlowParameters} uses.
 *
 * <p>It checks the part of JSON Schema that {@link FlowParameters#jsonSchema()} writes: {@code type}
 * (one, or a list), {@code enum}, {@code format} {@code date}, {@code date-time}, {@code time},
 * {@code duration} and {@code uuid} (by parsing with {@code java.time} and a UUID's form),
 * {@code properties}, {@code required}, {@code additionalProperties} and {@code items}; other
 * keywords are not checked. A JSON null is left to the flow's own check when the run starts (the
 * schema does not tell an {@code int}, which takes none, from an {@code Integer}), and so is anything
 * the schema cannot express: {@link FlowParameters#read} stays the authority.
 */
public final class ParameterSchema {
    private static final ObjectMapper MAPPER = RunEvents.newMapper();
    private static final Pattern UUID_FORM = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** The longest value a message quotes. */
    private static final int MAX_QUOTED = 100;

    private final String flowName;
    private final ObjectNode schema;

    private ParameterSchema(String flowName, ObjectNode schema) {
        this.flowName = flowName;
        this.schema = schema;
    }

    /**
     * The parameters of flow {@code flowName} as {@code schema} (JSON text) describes them.
     *
     * @throws IllegalArgumentException if {@code schema} is not a JSON object
     */
    public static ParameterSchema of(String flowName, String schema) {
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(schema, "schema");
        JsonNode tree;
        try {
            tree = MAPPER.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The parameter schema of flow '" + flowName + "' is not JSON ("
                    + e.getOriginalMessage() + "): " + quote(schema));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("The parameter schema of flow '" + flowName + "' is a JSON Schema,"
                    + " a JSON object such as {\"type\": \"object\", \"properties\": {...}}; got " + quote(schema));
        }
        return new ParameterSchema(flowName, object);
    }

    /** The parameters of flow {@code flowName} as {@code schema} (a JSON object, as a map) describes them. */
    public static ParameterSchema of(String flowName, Map<String, ?> schema) {
        Objects.requireNonNull(flowName, "flowName");
        return new ParameterSchema(flowName, MAPPER.valueToTree(Objects.requireNonNull(schema, "schema")));
    }

    /** The flow's parameters, in the schema's order, each with its type as the schema says it. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        Set<String> required = required(schema);
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            out.add(new Parameter(p.getKey(), typeOf(p.getValue()), required.contains(p.getKey())));
        }
        return out;
    }

    /**
     * One parameter of the flow.
     *
     * @param name     its name
     * @param type     its type as the schema says it, briefly: {@code string (date)}, {@code integer},
     *                 {@code string: FULL | INCREMENTAL}, {@code array of string (date-time)}, {@code object (Window)}
     * @param required whether every run must give it
     */
    public record Parameter(String name, String type, boolean required) {}

    /**
     * Whether parameter {@code name} takes a string (of any format or constants): the CLI then reads
     * {@code --param name=42} as the text {@code "42"}, not the number.
     */
    public boolean takesText(String name) {
        JsonNode p = schema.path("properties").path(name);
        JsonNode type = p.path("type");
        return type.isTextual() && type.asText().equals("string");
    }

    /**
     * Checks a run's parameters, a JSON object by name.
     *
     * @throws IllegalArgumentException naming the parameter, its value and the type expected, if one is
     *         unknown, missing or not of its type; or saying that {@code json} is not a JSON object
     */
    public void check(String json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The parameters of a run of flow '" + flowName + "' are not JSON: "
                    + quote(json));
        }
        checkTree(tree);
    }

    /** Checks a run's parameters, as {@link #check(String)} does. */
    public void check(Map<String, ?> values) {
        checkTree(MAPPER.valueToTree(values));
    }

    private void checkTree(JsonNode parameters) {
        if (!(parameters instanceof ObjectNode)) {
            throw new IllegalArgumentException("The parameters of a run of flow '" + flowName + "' are a JSON object"
                    + " by name, such as {\"day\": \"2026-01-01\"}; got " + quote(parameters.toString()));
        }
        check(null, parameters, schema);
    }

    // ----- checking -----

    /** Checks {@code value} against {@code s}; {@code path} names it (null: the parameters themselves). */
    private void check(String path, JsonNode value, JsonNode s) {
        if (s.isBoolean()) {
            if (!s.asBoolean()) throw new IllegalArgumentException(subject(path) + " may not be given");
            return;
        }
        if (!s.isObject() || value.isNull()) return; // null: left to the flow's own check
        List<String> types = types(s);
        if (!types.isEmpty() && types.stream().noneMatch(t -> is(value, t))) throw notOf(path, value, s);
        JsonNode constants = s.get("enum");
        if (constants != null && constants.isArray()) {
            boolean found = false;
            for (JsonNode c : constants) found |= c.equals(value);
            if (!found) throw notOf(path, value, s);
        }
        JsonNode format = s.get("format");
        if (value.isTextual() && format != null && format.isTextual() && !fits(format.asText(), value.asText())) {
            throw notOf(path, value, s);
        }
        if (value.isArray()) {
            JsonNode items = s.get("items");
            if (items != null) {
                for (int i = 0; i < value.size(); i++) check(name(path) + "[" + i + "]", value.get(i), items);
            }
        } else if (value.isObject()) {
            checkObject(path, value, s);
        }
    }

    private void checkObject(String path, JsonNode value, JsonNode s) {
        JsonNode properties = s.path("properties");
        JsonNode additional = s.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode p = properties.get(field.getKey());
            if (p == null && additional != null && additional.isBoolean() && !additional.asBoolean()) {
                List<String> known = new ArrayList<>();
                properties.fieldNames().forEachRemaining(known::add);
                String them = known.isEmpty() ? "none" : String.join(", ", known);
                throw new IllegalArgumentException(path == null
                        ? "Flow '" + flowName + "' has no parameter '" + field.getKey() + "' (its parameters: " + them
                        + ")"
                        : subject(path) + " has no field '" + field.getKey() + "' (its fields: " + them + ")");
            }
            JsonNode fieldSchema = p != null ? p : additional;
            if (fieldSchema != null) check(child(path, field.getKey()), field.getValue(), fieldSchema);
        }
        for (String name : required(s)) {
            if (value.has(name)) continue;
            JsonNode p = properties.path(name);
            String takes = p.isObject() && !p.isEmpty() ? "; it takes " + describe(p) : "";
            throw new IllegalArgumentException(subject(child(path, name)) + " has no value" + takes
                    + (path == null ? ": give it in the deployment's parameters or the run's (--param " + name
                    + "=...)" : ""));
        }
    }

    private static boolean is(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            case "null" -> value.isNull();
            default -> true; // not a JSON Schema type: nothing to check
        };
    }

    /** Whether {@code text} is of {@code format}; a format not known here is not checked. */
    static boolean fits(String format, String text) {
        return switch (format) {
            case "date" -> parses(text, LocalDate::parse);
            // Instant, OffsetDateTime and ZonedDateTime take an offset, LocalDateTime none: each is a date-time
            case "date-time" -> parses(text, OffsetDateTime::parse) || parses(text, ZonedDateTime::parse)
                    || parses(text, LocalDateTime::parse);
            case "time" -> parses(text, LocalTime::parse) || parses(text, OffsetTime::parse);
            case "duration" -> parses(text, Duration::parse) || parses(text, Period::parse);
            case "uuid" -> UUID_FORM.matcher(text).matches();
            default -> true;
        };
    }

    private static boolean parses(String text, java.util.function.Function<String, ?> parser) {
        try {
            parser.apply(text);
            return true;
        } catch (DateTimeException | ArithmeticException e) {
            return false;
        }
    }

    private IllegalArgumentException notOf(String path, JsonNode value, JsonNode s) {
        return new IllegalArgumentException(subject(path) + " is " + quote(value.toString()) + ", which is not "
                + describe(s));
    }

    private String subject(String path) {
        return path == null ? "The parameters of a run of flow '" + flowName + "'"
                : "Parameter '" + path + "' of flow '" + flowName + "'";
    }

    private static String name(String path) {
        return path == null ? "" : path;
    }

    private static String child(String path, String name) {
        return path == null ? name : path + "." + name;
    }

    private static List<String> types(JsonNode s) {
        JsonNode type = s.get("type");
        List<String> types = new ArrayList<>();
        if (type == null) return types;
        if (type.isTextual()) types.add(type.asText());
        else if (type.isArray()) for (JsonNode t : type) if (t.isTextual()) types.add(t.asText());
        return types;
    }

    private static Set<String> required(JsonNode s) {
        Set<String> required = new LinkedHashSet<>();
        for (JsonNode r : s.path("required")) if (r.isTextual()) required.add(r.asText());
        return required;
    }

    // ----- describing -----

    /** What a value of schema {@code s} is, as the end of "..., which is not ...": {@code a date (yyyy-mm-dd)}. */
    static String describe(JsonNode s) {
        JsonNode constants = s.get("enum");
        if (constants != null && constants.isArray()) return "one of " + constants(constants, ", ");
        List<String> types = types(s);
        if (types.isEmpty()) return "any value";
        List<String> each = new ArrayList<>();
        for (String t : types) {
            each.add(switch (t) {
                case "string" -> describeString(s.path("format").asText(""));
                case "integer" -> "an integer";
                case "number" -> "a number";
                case "boolean" -> "a boolean (true or false)";
                case "array" -> "an array";
                case "object" -> s.path("title").isTextual() ? "an object (" + s.get("title").asText() + ")"
                        : "an object";
                case "null" -> "null";
                default -> "a " + t;
            });
        }
        return String.join(" or ", each);
    }

    private static String describeString(String format) {
        return switch (format) {
            case "date" -> "a date (yyyy-mm-dd)";
            case "date-time" -> "a date and time (such as 2026-01-05T09:00:00Z)";
            case "time" -> "a time (such as 09:30 or 09:30:00)";
            case "duration" -> "a duration (ISO-8601, such as PT15M or P1D)";
            case "uuid" -> "a UUID";
            case "" -> "a string";
            default -> "a string (" + format + ")";
        };
    }

    /** A schema's type briefly, as {@code baton deployment inspect} shows it. */
    static String typeOf(JsonNode s) {
        if (s.isBoolean()) return s.asBoolean() ? "any" : "nothing";
        JsonNode constants = s.get("enum");
        List<String> types = types(s);
        if (constants != null && constants.isArray()) {
            return (types.size() == 1 ? types.getFirst() + ": " : "") + constants(constants, " | ");
        }
        if (types.isEmpty()) return "any";
        List<String> each = new ArrayList<>();
        for (String t : types) {
            String format = s.path("format").asText("");
            JsonNode items = s.get("items"), additional = s.get("additionalProperties");
            each.add(switch (t) {
                case "string" -> format.isEmpty() ? "string" : "string (" + format + ")";
                case "array" -> items == null ? "array" : "array of " + typeOf(items);
                case "object" -> s.path("title").isTextual() ? "object (" + s.get("title").asText() + ")"
                        : additional != null && !additional.isBoolean() && !additional.isEmpty()
                        ? "object of " + typeOf(additional) : "object";
                default -> t;
            });
        }
        return String.join(" or ", each);
    }

    private static String constants(JsonNode constants, String separator) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : constants) out.add(c.isTextual() ? c.asText() : c.toString());
        return String.join(separator, out);
    }

    private static String quote(String s) {
        if (s == null) return "null";
        return s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
    }

    @Override
    public String toString() {
        return "ParameterSchema[" + flowName + ": " + quote(schema.toString()) + "]";
    }
}
