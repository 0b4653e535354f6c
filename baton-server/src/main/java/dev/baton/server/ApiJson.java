package dev.baton.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEvents;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * JSON as the API speaks it: history records as {@link RunEvents#newMapper()} writes them, read
 * strictly (unknown fields, wrong types, numbers where text is expected, fractions where whole
 * numbers are, trailing garbage: all refused), every refusal turned into an {@link ApiError}
 * naming the field and what was expected.
 */
final class ApiJson {
    private static final ObjectMapper MAPPER = newMapper();

    /** The names of the event kinds ({@code "kind"} of a {@link RunEvent}), as its JSON form declares them. */
    static final List<String> EVENT_KINDS = RunEvents.eventKinds();

    private ApiJson() {}

    static ObjectMapper newMapper() {
        ObjectMapper m = RunEvents.newMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // no silent conversions: "5" is not a number, 5 is not a string, false is not a string
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        m.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        m.registerModule(new SimpleModule("strict-instants").addDeserializer(Instant.class, new StrictInstant()));
        return m;
    }

    /** Times only as ISO-8601 strings: a bare number could mean seconds or milliseconds, so it is refused. */
    static final class StrictInstant extends StdDeserializer<Instant> {
        StrictInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) return (Instant) ctx.handleUnexpectedToken(Instant.class, p);
            String text = p.getText().strip();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw InvalidFormatException.from(p, "not an ISO-8601 instant", text, Instant.class);
            }
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T read(byte[] body, Class<T> type) {
        return read(body, MAPPER.constructType(type));
    }

    static <T> T read(byte[] body, TypeReference<T> type) {
        return read(body, MAPPER.getTypeFactory().constructType(type));
    }

    /**
     * Reads a request body as {@code type}.
     *
     * @throws ApiError 400 saying what is wrong where, when the body is empty, not JSON, or not
     *                  the expected shape
     */
    static <T> T read(byte[] body, JavaType type) {
        if (body.length == 0) {
            throw ApiError.badRequest("The request body is empty: send " + describe(type) + " as JSON");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) throw ApiError.badRequest("The request body is null: send " + describe(type));
            return value;
        } catch (StreamConstraintsException e) {
            throw ApiError.badRequest("The JSON body is too large or too deeply nested: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw ApiError.badRequest("Malformed JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + clean(e.getOriginalMessage()));
        } catch (JsonMappingException e) {
            throw ApiError.badRequest(mappingMessage(e, type));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Malformed JSON: " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiError.badRequest("Cannot read the request body: " + e.getMessage());
        }
    }

    private static String mappingMessage(JsonMappingException e, JavaType root) {
        String where = path(e);
        String at = where.isEmpty() ? "" : " at '" + where + "'";
        if (e instanceof UnrecognizedPropertyException u) {
            return "Unknown field '" + u.getPropertyName() + "'" + (where.contains(".") || where.contains("[")
                    ? " at '" + where + "'" : "") + " in " + u.getReferringClass().getSimpleName()
                    + "; known fields: " + new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList());
        }
        if (e instanceof InvalidTypeIdException t) {
            String id = t.getTypeId();
            return (id == null ? "Missing 'kind'" : "Unknown kind '" + id + "'") + at
                    + ": every event needs \"kind\", one of " + EVENT_KINDS;
        }
        if (e instanceof ValueInstantiationException v) {
            // a record of the extension API refusing what it was given (ScheduledRun: a field missing)
            Throwable cause = v.getCause();
            String type = v.getType() == null ? "a value" : v.getType().getRawClass().getSimpleName();
            if (cause instanceof NullPointerException && cause.getMessage() != null
                    && cause.getMessage().matches("[A-Za-z]+")) {
                return "Missing or null field '" + cause.getMessage() + "'" + at + " in " + type;
            }
            if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
                return "Invalid " + type + at + ": " + cause.getMessage();
            }
            Class<?> raw = v.getType() == null ? null : v.getType().getRawClass();
            if (cause instanceof NullPointerException && raw != null && raw.isRecord()) {
                return "Missing or null field" + at + " in " + type + "; its fields: " + Arrays.stream(
                        raw.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList();
            }
            return "Invalid " + type + at;
        }
        if (e instanceof InvalidFormatException f) {
            return "Wrong value" + at + ": " + quote(f.getValue()) + " is not " + describe(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (original.contains("Cannot map `null`") || original.contains("Null value for creator property")) {
                return "Missing or null field" + at + ": " + describe(m.getTargetType()) + " is required";
            }
            if (original.startsWith("No content to map")) {
                return "The request body has no JSON value: send " + describe(root);
            }
            if (original.startsWith("Trailing token")) {
                return "Unexpected data after the JSON value: send exactly one JSON value";
            }
            return "Wrong type" + at + ": expected " + describe(m.getTargetType());
        }
        return "Invalid JSON body" + at + ": " + clean(e.getOriginalMessage());
    }

    /** The place of the failure as a JSON path: {@code [3].state.type}. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) b.append('.');
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** What a type looks like in JSON, for messages. */
    static String describe(Class<?> type) {
        if (type == null) return "a value";
        if (type == UUID.class) return "a UUID string (e.g. \"0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f\")";
        if (type == Instant.class) return "an ISO-8601 timestamp string (e.g. \"2026-01-31T12:00:00Z\")";
        if (type == String.class) return "a string";
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) return "a number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a JSON array";
        if (Map.class.isAssignableFrom(type)) return "a JSON object";
        return "a JSON object (" + type.getSimpleName() + ")";
    }

    private static String describe(JavaType type) {
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "a JSON array of " + plural(describe(type.getContentType().getRawClass()));
        }
        return describe(type.getRawClass());
    }

    private static String plural(String s) {
        return s.startsWith("a JSON object (") ? "objects (" + s.substring("a JSON object (".length()) : s;
    }

    private static String quote(Object value) {
        String s = String.valueOf(value);
        if (s.length() > 60) s = s.substring(0, 60) + "...";
        return value instanceof String ? "\"" + s + "\"" : s;
    }

    /** Jackson's message without its hints about its own configuration or source excerpts. */
    private static String clean(String message) {
        if (message == null) return "unreadable input";
        String m = message.replaceAll("\\s*\\((set|disable|enable|but might if) [^)]*\\)", "")
                .replaceAll("\\s*at \\[Source:.*", "");
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
