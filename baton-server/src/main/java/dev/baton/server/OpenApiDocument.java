package dev.baton.server;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3 document of the API, made from the route table: every route with its path
 * parameters, request body and answers; every record that travels as a schema under
 * {@code components}, derived from its components as Jackson writes them.
 *
 * <p>The server writes every component of a record, null or not, so an answer's schema requires
 * every property, and marks {@code nullable} exactly the components annotated {@link Nullable}
 * (the records' own statement of which fields may be null). A request may leave fields out (the
 * server fills in or refuses what is missing, saying which): a record that travels both ways has
 * a second schema for requests, named {@code <Name>Input}, requiring only its primitive fields.
 */
final class OpenApiDocument {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    /** What a few properties hold beyond their type, by record and component: {@code Record.component}. */
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "DeploymentBody.parameterSchema", "The parameters the deployment's flow takes, as a JSON Schema (draft"
                    + " 2020-12) object: each parameter's type, format or constants, for a form to be built from."
                    + " Null when not known (a deployment registered before Baton kept it). An ad-hoc run's"
                    + " parameters are checked against it; GET /api/deployments/{id}/parameter_schema answers it"
                    + " alone");

    private final Map<String, Object> schemas = new TreeMap<>();
    /** The names of the schemas made for answers: a request's schema of the same record gets another name. */
    private final Set<String> answerSchemas = new HashSet<>();

    /** Which way a body travels: answers are written whole, requests may leave fields out. */
    private enum Direction { ANSWER, REQUEST }

    private OpenApiDocument() {}

    static Map<String, Object> of(List<Route> routes, String version, boolean apiKey) {
        return new OpenApiDocument().build(routes, version, apiKey);
    }

    private Map<String, Object> build(List<Route> routes, String version, boolean apiKey) {
        Map<String, Object> paths = new TreeMap<>();
        // answers first: their schemas keep the records' own names
        for (Route r : routes) {
            if (r.response() != null) schema(r.response(), Direction.ANSWER);
        }
        for (Route r : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new TreeMap<>());
            item.put(r.method().toLowerCase(java.util.Locale.ROOT), operation(r));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Baton API", "version", version, "description",
                "Run history and orchestration for Baton flows: flows, flow runs, task runs, states, logs, tag"
                        + " concurrency limits, and deployments with their scheduled runs. Errors answer"
                        + " {\"error\": \"message\"}."));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        schemas.put("Error", object(Map.of("error", Map.of("type", "string")), List.of("error")));
        components.put("schemas", schemas);
        components.put("securitySchemes", Map.of("apiKey", Map.of("type", "http", "scheme", "bearer",
                "description", "BATON_API_KEY, when the server is started with one")));
        doc.put("components", components);
        if (apiKey) doc.put("security", List.of(Map.of("apiKey", List.of())));
        return doc;
    }

    private Map<String, Object> operation(Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", r.summary());
        op.put("operationId", operationId(r));
        List<Object> parameters = new ArrayList<>();
        Matcher m = PATH_PARAMETER.matcher(r.path());
        while (m.find()) {
            String name = m.group(1);
            Map<String, Object> schema = name.equals("id") ? Map.of("type", "string", "format", "uuid")
                    : Map.of("type", "string");
            parameters.add(Map.of("name", name, "in", "path", "required", true, "schema", schema));
        }
        for (Route.Header h : r.headers()) {
            parameters.add(Map.of("name", h.name(), "in", "header", "required", false, "description",
                    h.description(), "schema", Map.of("type", "string", "pattern", h.pattern())));
        }
        for (Route.Query q : r.query()) {
            parameters.add(Map.of("name", q.name(), "in", "query", "required", false, "description",
                    q.description(), "schema", Map.of("type", "integer", "format", "int32", "minimum", q.minimum(),
                            "maximum", q.maximum(), "default", q.defaultValue())));
        }
        if (!parameters.isEmpty()) op.put("parameters", parameters);
        if (r.request() != null) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("application/json", Map.of("schema", schema(r.request(), Direction.REQUEST)));
            if (r.path().equals("/api/events")) {
                // the same events in Baton's binary form (see RunEventCodec), which client mode sends
                content.put(dev.baton.spi.RunEventCodec.MEDIA_TYPE,
                        Map.of("schema", Map.of("type", "string", "format", "binary")));
            }
            op.put("requestBody", Map.of("required", true, "content", content));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("description", r.status() == 204 ? "Done, no content" : "Success");
        if (r.response() != null) {
            ok.put("content", Map.of("application/json", Map.of("schema", schema(r.response(), Direction.ANSWER))));
        }
        responses.put(String.valueOf(r.status()), ok);
        Map<String, Object> error = Map.of("content", Map.of("application/json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Error"))));
        if (r.request() != null || r.path().contains("{") || !r.query().isEmpty()) {
            responses.put("400", withDescription(error, "Malformed or invalid input; the message says what"));
        }
        if (r.path().contains("{")) responses.put("404", withDescription(error, "No such run, flow, tag or deployment"));
        if (r.request() != null) responses.put("413", withDescription(error, "Request body too large"));
        r.errors().forEach((status, description) -> responses.put(String.valueOf(status),
                withDescription(error, description)));
        if (!r.path().equals("/api/health")) {
            responses.put("401", withDescription(error, "API key missing or wrong (when the server requires one)"));
        }
        responses.put("default", withDescription(error, "A fault of the server (500) or its database (503)"));
        op.put("responses", responses);
        if (r.path().equals("/api/health")) op.put("security", List.of());
        return op;
    }

    private static Map<String, Object> withDescription(Map<String, Object> base, String description) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put("description", description);
        return m;
    }

    private static String operationId(Route r) {
        StringBuilder b = new StringBuilder(r.method().toLowerCase(java.util.Locale.ROOT));
        for (String part : r.path().substring("/api/".length()).split("[/_.]")) {
            String p = part.replace("{", "").replace("}", "");
            if (p.isEmpty()) continue;
            b.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
        }
        return b.toString();
    }

    // ----- schemas -----

    private Map<String, Object> schema(Type type, Direction direction) {
        return schema(type, Map.of(), direction);
    }

    private Map<String, Object> schema(Type type, Map<String, Type> bindings, Direction direction) {
        if (type instanceof TypeVariable<?> v) {
            return schema(bindings.getOrDefault(v.getName(), Object.class), Map.of(), direction);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("type", "array");
                s.put("items", schema(args[0], bindings, direction));
                if (java.util.Set.class.isAssignableFrom(raw)) s.put("uniqueItems", true);
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", schema(args[1], bindings, direction));
            }
            if (raw.isRecord()) {
                // a generic record (Page<T>): one schema per binding, named after it
                Map<String, Type> b = new LinkedHashMap<>();
                TypeVariable<?>[] vars = raw.getTypeParameters();
                StringBuilder name = new StringBuilder(raw.getSimpleName()).append("Of");
                for (int i = 0; i < vars.length; i++) {
                    b.put(vars[i].getName(), args[i]);
                    name.append(args[i] instanceof Class<?> c ? c.getSimpleName() : "Object");
                }
                return ref(name.toString(), raw, b, direction);
            }
            return schema(raw, bindings, direction);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) return Map.of("type", "string");
        if (c == UUID.class) return Map.of("type", "string", "format", "uuid");
        if (c == Instant.class) return Map.of("type", "string", "format", "date-time");
        if (c == int.class || c == Integer.class) return Map.of("type", "integer", "format", "int32");
        if (c == long.class || c == Long.class) return Map.of("type", "integer", "format", "int64");
        if (c == double.class || c == Double.class) return Map.of("type", "number", "format", "double");
        if (c == boolean.class || c == Boolean.class) return Map.of("type", "boolean");
        if (c.isEnum()) {
            return Map.of("type", "string", "enum", Arrays.stream(c.getEnumConstants()).map(String::valueOf).toList());
        }
        if (c == Object.class) return Map.of(); // any JSON value (a parameter's)
        if (Map.class.isAssignableFrom(c)) return Map.of("type", "object");
        if (c.isRecord() || c.isSealed() && json(c, JsonSubTypes.class) != null) {
            return ref(c.getSimpleName(), c, Map.of(), direction);
        }
        throw new IllegalStateException("no OpenAPI schema for " + c);
    }

    private Map<String, Object> ref(String name, Class<?> c, Map<String, Type> bindings, Direction direction) {
        if (direction == Direction.REQUEST && answerSchemas.contains(name)) name = name + "Input";
        if (!schemas.containsKey(name)) {
            if (direction == Direction.ANSWER) answerSchemas.add(name);
            schemas.put(name, Map.of()); // placeholder: records may refer to themselves
            schemas.put(name, c.isRecord() ? recordSchema(c, bindings, null, direction)
                    : unionSchema(c, direction));
        }
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    private Map<String, Object> recordSchema(Class<?> c, Map<String, Type> bindings, Map.Entry<String, String> kind,
                                             Direction direction) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        if (kind != null) {
            properties.put(kind.getKey(), Map.of("type", "string", "enum", List.of(kind.getValue())));
            required.add(kind.getKey());
        }
        for (RecordComponent rc : c.getRecordComponents()) {
            Map<String, Object> property = schema(rc.getGenericType(), bindings, direction);
            if (rc.getAnnotatedType().isAnnotationPresent(Nullable.class)) property = nullable(property);
            String description = DESCRIPTIONS.get(c.getSimpleName() + "." + rc.getName());
            if (description != null) property = withDescription(property, description);
            properties.put(rc.getName(), property);
            if (direction == Direction.ANSWER || rc.getType().isPrimitive()) required.add(rc.getName());
        }
        return object(properties, required);
    }

    /**
     * A Jackson annotation of {@code c} as the API's mapper sees it: on the class, or on the mix-in
     * the mapper gives it (the extension API's records carry no JSON annotations of their own).
     */
    private static <A extends java.lang.annotation.Annotation> A json(Class<?> c, Class<A> annotation) {
        A on = c.getAnnotation(annotation);
        if (on != null) return on;
        Class<?> mixIn = JsonView.MAPPER.getSerializationConfig().findMixInClassFor(c);
        return mixIn == null ? null : mixIn.getAnnotation(annotation);
    }

    /** The API's mapper, for the mix-ins it applies (made on first use, not while this class initialises). */
    private static final class JsonView {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = ApiJson.newMapper();
    }

    /** A sealed interface written with a type property: one of its records, told apart by that property. */
    private Map<String, Object> unionSchema(Class<?> c, Direction direction) {
        String property = json(c, JsonTypeInfo.class).property();
        List<Object> oneOf = new ArrayList<>();
        Map<String, String> mapping = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : json(c, JsonSubTypes.class).value()) {
            String name = c.getSimpleName() + t.value().getSimpleName()
                    + (direction == Direction.REQUEST && answerSchemas.contains(c.getSimpleName()) ? "Input" : "");
            if (direction == Direction.ANSWER) answerSchemas.add(name);
            schemas.put(name, recordSchema(t.value(), Map.of(), Map.entry(property, t.name()), direction));
            oneOf.add(Map.of("$ref", "#/components/schemas/" + name));
            mapping.put(t.name(), "#/components/schemas/" + name);
        }
        return Map.of("oneOf", oneOf, "discriminator", Map.of("propertyName", property, "mapping", mapping));
    }

    /**
     * The schema that also allows null: {@code nullable} beside the type, or, for a reference (whose
     * siblings OpenAPI 3.0 ignores), the reference wrapped in {@code allOf}.
     */
    private static Map<String, Object> nullable(Map<String, Object> schema) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (schema.containsKey("$ref")) {
            s.put("allOf", List.of(schema));
        } else {
            s.putAll(schema);
        }
        s.put("nullable", true);
        return s;
    }

    private static Map<String, Object> object(Map<String, ?> properties, List<String> required) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        s.put("properties", properties);
        if (!required.isEmpty()) s.put("required", required);
        s.put("additionalProperties", false);
        return s;
    }
}
