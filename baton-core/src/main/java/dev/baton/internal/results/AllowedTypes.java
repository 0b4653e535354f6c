package dev.baton.internal.results;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Which classes a JSON result may name in its type ids. The same rule is applied when a value
 * is written (so a value that could not be read back fails at once, with its class named) and
 * when it is read (as Jackson's {@link PolymorphicTypeValidator}).
 *
 * <p>Why a rule at all: polymorphic JSON lets the file choose which class to instantiate, the
 * classic Jackson "gadget" problem. Result files are written by Baton itself under
 * {@code BATON_HOME}, so they are as trusted as the user's own class path, but we still refuse
 * what no task result needs: JDK classes other than plain values (boxed primitives, strings,
 * big numbers, {@code java.time}, {@code java.util} collections and maps, {@code Optional},
 * {@code UUID}, {@code Locale}, {@code Currency}, {@code Date}, {@code URI}) and enums. The user's own classes
 * (records, beans) are allowed; Jackson's built-in block list of known third-party gadgets still
 * applies to them.
 */
final class AllowedTypes {
    private AllowedTypes() {}

    /** The deserialization side of the rule. */
    static final PolymorphicTypeValidator VALIDATOR = new Validator();

    private static final Set<Class<?>> JDK_VALUES = Set.of(
            Object.class, String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class,
            Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class,
            UUID.class, Locale.class, Currency.class, Date.class, URI.class);

    /** Whether a JSON result may name {@code type}. */
    static boolean isAllowed(Class<?> type) {
        while (type.isArray()) type = type.getComponentType();
        if (type.isPrimitive() || !isJdk(type)) return true;
        if (Enum.class.isAssignableFrom(type) || JDK_VALUES.contains(type)) return true;
        String pkg = type.getPackageName();
        if (pkg.equals("java.time") || pkg.startsWith("java.time.")) return true;
        // Collections and maps, including the JDK's private ones (List.of, Collections.unmodifiable...):
        // Jackson only ever fills them through add/put, it calls no other code on them.
        boolean container = Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
        return container && (pkg.equals("java.util") || pkg.equals("java.util.concurrent"));
    }

    /** Throws {@link DisallowedTypeException} unless {@link #isAllowed}. */
    static void requireAllowed(Class<?> type) {
        if (!isAllowed(type)) throw new DisallowedTypeException(type);
    }

    /**
     * Whether {@code type} belongs to the JDK. Judged by module rather than package name so that
     * an application on the module path is not mistaken for one; JDK modules are all {@code java.*}
     * or {@code jdk.*}.
     */
    static boolean isJdk(Class<?> type) {
        String module = type.getModule().getName();
        return module != null && (module.startsWith("java.") || module.startsWith("jdk."));
    }

    /** A value names a class {@link #isAllowed} refuses. */
    static final class DisallowedTypeException extends RuntimeException {
        final Class<?> type;

        DisallowedTypeException(Class<?> type) {
            super(type.getName() + " is a JDK class that the json result serializer does not store"
                    + " (it stores the user's classes and JDK value types: numbers, strings, java.time,"
                    + " java.util collections, Optional, UUID, enums)");
            this.type = type;
        }
    }

    private static final class Validator extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;

        @Override
        public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
            return isAllowed(subType.getRawClass()) ? Validity.ALLOWED : Validity.DENIED;
        }
    }
}
