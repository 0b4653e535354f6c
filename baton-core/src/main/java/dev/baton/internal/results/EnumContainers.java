package dev.baton.internal.results;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.EnumSet;

/**
 * The enum class of an {@code EnumSet} or {@code EnumMap}, which a type id must name for Jackson
 * to rebuild one. Jackson finds it through a private field, which the JDK's module rules forbid
 * since Java 17, so an empty one (no element to ask) could not be written. Here: an empty
 * {@code EnumSet}'s complement holds every constant; an empty {@code EnumMap} is put through Java
 * serialization, whose stream names the key class (its {@code keyType} field), and the class is
 * taken from the stream's descriptors without building anything from it.
 */
final class EnumContainers {
    private EnumContainers() {}

    /** The enum class of {@code set}'s elements; null for an empty set of an enum that has no constants. */
    static Class<?> elementType(EnumSet<?> set) {
        EnumSet<?> some = set.isEmpty() ? EnumSet.complementOf(set) : set;
        return some.isEmpty() ? null : ((Enum<?>) some.iterator().next()).getDeclaringClass();
    }

    /** The name of the enum class of {@code map}'s keys, as {@link Class#getName()} gives it. */
    static String keyTypeName(EnumMap<?, ?> map) {
        if (!map.isEmpty()) return ((Enum<?>) map.keySet().iterator().next()).getDeclaringClass().getName();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new EnumMap<>(map));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the key type of an empty EnumMap", e);
        }
        try (KeyTypeFinder in = new KeyTypeFinder(new ByteArrayInputStream(bytes.toByteArray()))) {
            in.readObject();
        } catch (KeyTypeFound found) {
            return found.name;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot find the key type of an empty EnumMap", e);
        }
        throw new IllegalStateException("the serialized form of an empty EnumMap names no enum class");
    }

    /**
     * Stops at the first class descriptor after EnumMap's own: the stream holds the map's fields,
     * and the first is {@code keyType}, written as a class.
     */
    private static final class KeyTypeFinder extends ObjectInputStream {
        KeyTypeFinder(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException {
            if (desc.getName().equals(EnumMap.class.getName())) return EnumMap.class;
            throw new KeyTypeFound(desc.getName());
        }
    }

    private static final class KeyTypeFound extends IOException {
        private static final long serialVersionUID = 1L;
        final String name;

        KeyTypeFound(String name) {
            super(name);
            this.name = name;
        }
    }
}
