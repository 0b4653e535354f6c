package dev.baton.internal.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.KeyDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Map keys that JSON's string keys cannot hold as they are. A key whose declared type Jackson
 * writes as text and reads back exactly ({@code String}, numbers, {@code Boolean},
 * {@code Character}, enums, {@code UUID}, {@code java.time} values...: see {@link #isPlainText})
 * keeps Jackson's handling, so a {@code Map<Integer, String>} record component is the usual
 * {@code {"1":"a"}}. Every other declared key type ({@code Object}, as in a map held as a result or
 * in a list; an interface; a record) gets a typed form: a string key where the declared type is
 * {@code Object} is written as is, and any other key as {@code ~} followed by its own typed JSON
 * ({@code ~1}, {@code ~["java.lang.Long",7]}, {@code ~{"@class":"com.x.Point","x":1,"y":2}}); a
 * string that itself starts with {@code ~} gets a second one.
 *
 * <p>Why the choice is made on the declared type, on both sides: Jackson picks a key's reader
 * from the declared type alone, so a writer that chose by the runtime class would write
 * {@code ~1} where the reader of a {@code Map<Integer, ?>} expects {@code 1}.
 */
final class TypedMapKeys {
    private static final char MARK = '~';

    /** Declared key types that Jackson (with the java.time module) writes as text and parses back to an equal value. */
    private static final Set<Class<?>> PLAIN_TEXT = Set.of(
            String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
            Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class, Locale.class, URI.class,
            Duration.class, Instant.class, LocalDate.class, LocalDateTime.class, LocalTime.class, MonthDay.class,
            OffsetDateTime.class, OffsetTime.class, Period.class, Year.class, YearMonth.class, ZonedDateTime.class,
            ZoneId.class);

    private TypedMapKeys() {}

    /** A module that installs the typed key codec for the declared key types that need it. */
    static SimpleModule module() {
        return new SimpleModule("baton-typed-map-keys") {
            private static final long serialVersionUID = 1L;

            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addKeySerializers(new WriterLookup());
                context.addKeyDeserializers(new ReaderLookup());
            }
        };
    }

    /**
     * Whether Jackson's own key handling round-trips keys declared as {@code declared}: its text
     * form is parsed back to an equal value of the same class. {@code ZoneId} covers its
     * subclass {@code ZoneOffset}, whose text form reads back as a {@code ZoneOffset}.
     */
    static boolean isPlainText(Class<?> declared) {
        if (declared.isPrimitive() || declared.isEnum()) return true;
        if (PLAIN_TEXT.contains(declared)) return true;
        return declared.getSuperclass() == ZoneId.class; // ZoneOffset
    }

    private static final class WriterLookup extends Serializers.Base {
        private static final Writer WRITER = new Writer();

        @Override
        public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription bean) {
            return isPlainText(type.getRawClass()) ? null : WRITER;
        }
    }

    private static final class ReaderLookup implements KeyDeserializers {
        @Override
        public KeyDeserializer findKeyDeserializer(JavaType type, DeserializationConfig config, BeanDescription bean) {
            return isPlainText(type.getRawClass()) ? null : new Reader(type.getRawClass());
        }
    }

    private static final class Writer extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object key, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (key instanceof Enum<?> e && gen.currentValue() instanceof EnumMap) {
                // An EnumMap's type id names its key class, so the reader expects plain constant names.
                gen.writeFieldName(e.name());
            } else if (key instanceof String s) {
                gen.writeFieldName(!s.isEmpty() && s.charAt(0) == MARK ? MARK + s : s);
            } else {
                gen.writeFieldName(MARK + TypedJson.WRITER.writeValueAsString(key));
            }
        }
    }

    private static final class Reader extends KeyDeserializer {
        private final Class<?> declared;

        Reader(Class<?> declared) {
            this.declared = declared;
        }

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            Object value;
            if (key.isEmpty() || key.charAt(0) != MARK) value = key;
            else if (key.length() > 1 && key.charAt(1) == MARK) value = key.substring(1);
            else value = TypedJson.READER.readValue(key.substring(1));
            if (value != null && !declared.isInstance(value)) {
                throw ctxt.weirdKeyException(declared, key, "it holds a " + value.getClass().getName());
            }
            return value;
        }
    }
}
