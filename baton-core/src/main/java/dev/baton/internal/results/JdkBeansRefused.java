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
 * Refuses to write a JDK class as a Jackson "bean" (its getters, found by reflection). Jackson
 * has dedicated serializers for the JDK's value types; when it falls back to getters for a JDK
 * class ({@code Thread}, a {@code ClassLoader}, a socket, an exception) the output is runtime state,
 * not data: it cannot be read back and it changes from run to run, which would make cache keys
 * unstable. Failing names the class instead.
 */
final class JdkBeansRefused extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    private JdkBeansRefused() {}

    /** A module installing the rule. */
    static SimpleModule module() {
        return new SimpleModule("baton-jdk-beans-refused").setSerializerModifier(new JdkBeansRefused());
    }

    @Override
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
        if (serializer instanceof BeanSerializerBase && AllowedTypes.isJdk(bean.getBeanClass())) {
            return new Refusal(bean.getBeanClass());
        }
        return serializer;
    }

    private static final class Refusal extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;

        Refusal(Class<?> type) {
            super(type, false);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.reportBadDefinition(handledType(), handledType().getName()
                    + " is a JDK class with no JSON form (Jackson would only see its getters, which are runtime state, not data)");
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            serialize(value, gen, provider);
        }
    }
}
