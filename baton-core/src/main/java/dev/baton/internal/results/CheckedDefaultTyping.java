package dev.baton.internal.results;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;

/**
 * Jackson's "default typing" for every non-final declared type ({@code Object}, {@code List},
 * {@code Map}, interfaces...), recording the class name beside the value, with one addition: the
 * class named is checked against {@link AllowedTypes} when it is <em>written</em>, so a value that
 * the reader would refuse fails at once rather than on a later cache lookup.
 */
final class CheckedDefaultTyping extends ObjectMapper.DefaultTypeResolverBuilder {
    private static final long serialVersionUID = 1L;

    private CheckedDefaultTyping() {
        super(ObjectMapper.DefaultTyping.NON_FINAL, AllowedTypes.VALIDATOR);
    }

    private CheckedDefaultTyping(CheckedDefaultTyping base, Class<?> defaultImpl) {
        super(base, defaultImpl);
    }

    /** Class-name type ids, as an {@code "@class"} property of objects and a {@code [class, value]} pair otherwise. */
    static CheckedDefaultTyping create() {
        CheckedDefaultTyping typing = new CheckedDefaultTyping();
        typing.withSettings(JsonTypeInfo.Value.construct(
                JsonTypeInfo.Id.CLASS, JsonTypeInfo.As.PROPERTY, "@class", null, false, null, null));
        return typing;
    }

    @Override
    public CheckedDefaultTyping withDefaultImpl(Class<?> defaultImpl) {
        return _defaultImpl == defaultImpl ? this : new CheckedDefaultTyping(this, defaultImpl);
    }

    @Override
    protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType, PolymorphicTypeValidator validator,
            Collection<NamedType> subtypes, boolean forSer, boolean forDeser) {
        return new CheckedIds(baseType, config.getTypeFactory(), subtypes, validator);
    }

    /** Class-name ids, checked when written; exposes the declared type it serves (see {@link TypedOptionals}). */
    static final class CheckedIds extends ClassNameIdResolver {
        private static final long serialVersionUID = 1L;

        CheckedIds(JavaType baseType, TypeFactory types, Collection<NamedType> subtypes, PolymorphicTypeValidator validator) {
            super(baseType, types, subtypes, validator);
        }

        /** The declared type whose values this resolver names. */
        JavaType baseType() {
            return _baseType;
        }

        @Override
        public String idFromValue(Object value) {
            return idFromValueAndType(value, value.getClass());
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> type) {
            AllowedTypes.requireAllowed(type);
            // Jackson finds these enum types through a private field, which fails when they are empty
            if (value instanceof EnumSet<?> set && EnumContainers.elementType(set) instanceof Class<?> element) {
                return EnumSet.class.getName() + "<" + element.getName() + ">";
            }
            if (value instanceof EnumMap<?, ?> map) {
                return EnumMap.class.getName() + "<" + EnumContainers.keyTypeName(map) + "," + Object.class.getName() + ">";
            }
            return super.idFromValueAndType(value, ReadableContainers.namedAs(type));
        }
    }
}
