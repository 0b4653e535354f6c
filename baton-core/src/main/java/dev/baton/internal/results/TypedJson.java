package dev.baton.internal.results;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration behind {@link JsonResultSerializer}: JSON that records the class of
 * every value whose declared type does not already pin it down, so that a result read back has
 * the types it was written with.
 *
 * <p>Why Jackson's default typing (rather than a {@code {"type", "value"}} wrapper at the root):
 * the root is not where types get lost. A {@code List<Object>} of records, a {@code Map} of
 * {@code Long}s or a record field of type {@code Object} all need their elements' classes too, and
 * default typing records exactly those, at every level, while leaving out what the declared type
 * already says (a record's {@code int} or {@code String} component, the elements of a
 * {@code List<Point>}) and what JSON itself says (String, Integer, Double, Boolean). Reading then
 * needs no hints from the caller. The extra rules are: {@link AllowedTypes} (which classes may be
 * named), {@link TypedMapKeys} (non-string map keys), {@link TypedOptionals} ({@code Optional} as a
 * value), {@link OpaqueClassesRefused} (no JDK internals, no lambdas), and the features below.
 */
final class TypedJson {
    private TypedJson() {}

    /** The mapper; thread-safe once built. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(TypedOptionals.module())
            .addModule(TypedMapKeys.module())
            .addModule(OpaqueClassesRefused.module())
            .setDefaultTyping(CheckedDefaultTyping.create())
            // ISO text for java.time, with zone ids, and no shift to UTC on the way back:
            // otherwise a ZonedDateTime in Europe/Paris would come back equal in instant but not in value.
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // NaN and infinities as bare tokens, not strings, so an untyped Double stays a Double.
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // A stored record that lacks a component (its class changed since) is an error, not a null.
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    /** Writes any value with its class recorded at the root too (a plain writer would skip it for a final class). */
    static final ObjectWriter WRITER = MAPPER.writerFor(Object.class);

    /** Reads what {@link #WRITER} wrote. */
    static final ObjectReader READER = MAPPER.readerFor(Object.class);
}
