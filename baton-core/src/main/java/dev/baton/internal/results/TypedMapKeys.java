package dev.baton.internal.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.EnumMap;

/**
 * Map keys whose declared type is {@code Object} (a map held as a result, in a list, in a raw or
 * {@code Map<Object, ?>} field): JSON object keys are strings, so without this an
 * {@code Integer}, enum or record key would come back as a {@code String}.
 *
 * <p>A string key is written as is; any other key is written as {@code ~} followed by its own typed
 * JSON ({@code ~1}, {@code ~["java.lang.Long",7]}, {@code ~{"@class":"com.x.Point","x":1,"y":2}});
 * a string that itself starts with {@code ~} gets a second one. Plain string-keyed maps therefore
 * look as they always do. Keys whose declared type is narrower ({@code Map<Integer, ?>}) keep
 * Jackson's usual handling, which already reads them back with the right type; so do the keys of
 * an {@link EnumMap}, whose type id names the key class.
 */
final class TypedMapKeys {
    private static final char MARK = '~';

    private TypedMapKeys() {}

    /** A module that installs the key codec for {@code Object}-typed keys. */
    static SimpleModule module() {
        return new SimpleModule("baton-typed-map-keys")
                .addKeySerializer(Object.class, new Writer())
                .addKeyDeserializer(Object.class, new Reader());
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
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            if (key.isEmpty() || key.charAt(0) != MARK) return key;
            if (key.length() > 1 && key.charAt(1) == MARK) return key.substring(1);
            return TypedJson.READER.readValue(key.substring(1));
        }
    }
}
