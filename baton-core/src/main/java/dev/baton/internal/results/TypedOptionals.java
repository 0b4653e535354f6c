package dev.baton.internal.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeResolverBuilder;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.ReferenceTypeSerializer;
import com.fasterxml.jackson.databind.type.ReferenceType;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Deserializers;
import com.fasterxml.jackson.datatype.jdk8.OptionalSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code Optional} where the declared type is {@code Object} (a result, a list element, an
 * {@code Object} field). Jackson treats {@code Optional} as transparent, recording its content's
 * class only: {@code Optional.of("x")} would come back as {@code "x"}. Here it is written as
 * {@code ["java.util.Optional", <typed content>]}, and read back through Jackson's own
 * {@code Optional} deserializer given a typed content reader. Where the declared type is an
 * {@code Optional<...>} (a record component), Jackson's usual handling is kept: the declared type
 * already says it is an {@code Optional}.
 *
 * <p>Also reads {@code OptionalInt}, {@code OptionalLong} and {@code OptionalDouble} named by a type
 * id, which the jdk8 module only handles where they are declared.
 */
final class TypedOptionals {
    private TypedOptionals() {}

    /** The module; register it after the jdk8 module, so that its look-ups come first. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("baton-typed-optionals") {
            private static final long serialVersionUID = 1L;

            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addSerializers(new SerializerLookup());
                context.addDeserializers(new DeserializerLookup());
            }
        };
        return module;
    }

    private static final class SerializerLookup extends Serializers.Base {
        @Override
        public JsonSerializer<?> findReferenceSerializer(SerializationConfig config, ReferenceType type,
                BeanDescription bean, TypeSerializer contentTypeSerializer, JsonSerializer<Object> contentSerializer) {
            if (!type.hasRawClass(Optional.class)) return null;
            return new Writer(type, contentTypeSerializer, contentSerializer);
        }
    }

    /** Jackson's Optional serializer, plus its own type id when the declared type is not an Optional. */
    private static final class Writer extends OptionalSerializer {
        private static final long serialVersionUID = 1L;

        Writer(ReferenceType type, TypeSerializer contentTypeSerializer, JsonSerializer<Object> contentSerializer) {
            super(type, false, contentTypeSerializer, contentSerializer);
        }

        private Writer(Writer base, BeanProperty property, TypeSerializer vts, JsonSerializer<?> valueSer,
                NameTransformer unwrapper, Object suppressableValue, boolean suppressNulls) {
            super(base, property, vts, valueSer, unwrapper, suppressableValue, suppressNulls);
        }

        @Override
        protected ReferenceTypeSerializer<Optional<?>> withResolved(BeanProperty property, TypeSerializer vts,
                JsonSerializer<?> valueSer, NameTransformer unwrapper) {
            return new Writer(this, property, vts, valueSer, unwrapper, _suppressableValue, _suppressNulls);
        }

        @Override
        public ReferenceTypeSerializer<Optional<?>> withContentInclusion(Object suppressableValue, boolean suppressNulls) {
            return new Writer(this, _property, _valueTypeSerializer, _valueSerializer, _unwrapper, suppressableValue, suppressNulls);
        }

        @Override
        public void serializeWithType(Optional<?> value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            if (typeSer.getTypeIdResolver() instanceof CheckedDefaultTyping.CheckedIds ids && ids.baseType().isReferenceType()) {
                // Jackson hands the declared Optional's type serializer on to its content, so an
                // Optional inside an Optional<Object> would be taken for the declared one and vanish:
                // write that one with its own type id.
                if (value.orElse(null) instanceof Optional<?> inner) {
                    writeTyped(inner, gen, provider, typeSer);
                } else {
                    super.serializeWithType(value, gen, provider, typeSer);
                }
                return;
            }
            writeTyped(value, gen, provider, typeSer);
        }

        private void writeTyped(Optional<?> value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            WritableTypeId id = typeSer.writeTypePrefix(gen, typeSer.typeId(value, Optional.class, JsonToken.VALUE_EMBEDDED_OBJECT));
            serialize(value, gen, provider);
            typeSer.writeTypeSuffix(gen, id);
        }
    }

    private static final class DeserializerLookup extends Deserializers.Base {
        private final Jdk8Deserializers jdk8 = new Jdk8Deserializers();

        @Override
        public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config, BeanDescription bean)
                throws JsonMappingException {
            // A class named by a type id arrives as a plain type, not as the reference type the jdk8
            // module's look-up expects: make it one, with a typed reader for an Optional's content.
            Class<?> raw = type.getRawClass();
            if (raw != Optional.class && raw != OptionalInt.class && raw != OptionalLong.class && raw != OptionalDouble.class) {
                return null;
            }
            if (!(config.constructType(raw) instanceof ReferenceType reference)) return null;
            JavaType content = reference.getReferencedType();
            TypeResolverBuilder<?> typer = config.getDefaultTyper(content);
            TypeDeserializer contentTypes = typer == null ? null : typer.buildTypeDeserializer(config, content, List.of());
            return jdk8.findReferenceDeserializer(reference, config, bean, contentTypes, null);
        }
    }
}
