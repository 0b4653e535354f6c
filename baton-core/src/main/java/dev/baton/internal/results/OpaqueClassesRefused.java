package dev.baton.internal.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Refuses to write two kinds of class as a Jackson "bean" (its getters, found by reflection):
 * <ul>
 * <li>JDK classes. Jackson has dedicated serializers for the JDK's value types; when it falls back
 *     to getters for a JDK class ({@code Thread}, a {@code ClassLoader}, a socket, an exception) the
 *     output is runtime state, not data: it cannot be read back and changes from run to run, which
 *     would make cache keys unstable.</li>
 * <li>Lambdas and other hidden classes. Their state is what they captured, which no getter shows,
 *     so Jackson would write {@code {}}: every lambda would get the same cache key.</li>
 * </ul>
 * Failing names the class instead.
 */
final class OpaqueClassesRefused extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    private OpaqueClassesRefused() {}

    /** A module installing the rule. */
    static SimpleModule module() {
        return new SimpleModule("baton-opaque-classes-refused").setSerializerModifier(new OpaqueClassesRefused());
    }

    @Override
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
        Class<?> type = bean.getBeanClass();
        if (!(serializer instanceof BeanSerializerBase)) return serializer;
        if (type.isHidden()) return new Refusal(type, " is a lambda or another hidden class: its state cannot be written as JSON");
        if (AllowedTypes.isJdk(type)) {
            return new Refusal(type, " is a JDK class with no JSON form (Jackson would only see its getters,"
                    + " which are runtime state, not data)");
        }
        return serializer;
    }

    private static final class Refusal extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refusal(Class<?> type, String reason) {
            super(type, false);
            this.reason = reason;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.reportBadDefinition(handledType(), handledType().getName() + reason);
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            serialize(value, gen, provider);
        }
    }
}
