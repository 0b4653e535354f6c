package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JavaResultSerializerTest {
    private final ResultSerializer java = ResultSerializer.java();

    enum Level { LOW, HIGH }

    record Point(int x, int y) implements Serializable {}

    record Route(String name, List<Point> stops, Level level) implements Serializable {}

    record Gone(int value) implements Serializable {}

    static final class Opaque {}

    record Wrapper(Object inside) implements Serializable {}

    static Stream<Arguments> values() {
        Map<Object, Object> map = new HashMap<>();
        map.put(1, "one");
        map.put(new Point(1, 1), List.of(2L));
        return Stream.of(
                Arguments.of("Integer", 42),
                Arguments.of("Long", 42L),
                Arguments.of("Double", 4.5),
                Arguments.of("String", "text"),
                Arguments.of("Boolean", false),
                Arguments.of("List.of", List.of(1, 2L, "three")),
                Arguments.of("ArrayList", new ArrayList<>(List.of("a"))),
                Arguments.of("Set", new LinkedHashSet<>(Set.of(1, 2))),
                Arguments.of("Map with any keys", map),
                Arguments.of("TreeMap", new TreeMap<>(Map.of("b", 2, "a", 1))),
                Arguments.of("record", new Point(3, 4)),
                Arguments.of("nested records", new Route("r", List.of(new Point(0, 0), new Point(1, 2)), Level.HIGH)),
                Arguments.of("enum", Level.LOW),
                Arguments.of("int[]", new int[] {1, 2}),
                Arguments.of("Point[]", new Point[] {new Point(1, 2)}),
                Arguments.of("Instant", Instant.parse("2024-01-02T03:04:05.000000006Z")),
                Arguments.of("LocalDate", LocalDate.of(2020, 2, 29)),
                Arguments.of("ZonedDateTime", ZonedDateTime.of(2024, 7, 1, 10, 0, 0, 0, ZoneId.of("Europe/Paris"))),
                Arguments.of("Duration", Duration.ofSeconds(61)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void roundTrips(String description, Object value) {
        Object back = java.deserialize(java.serialize(value));
        assertThat(back).as(description).isEqualTo(value).hasSameClassAs(value);
    }

    @Test
    void roundTripsNull() {
        assertThat(java.deserialize(java.serialize(null))).isNull();
    }

    @Test
    void nameIsJava() {
        assertThat(java.name()).isEqualTo("java");
        assertThat(java).isSameAs(JavaResultSerializer.INSTANCE);
    }

    @Test
    void aNonSerializableValueIsNamed() {
        assertThatThrownBy(() -> java.serialize(new Opaque()))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("java result serializer")
                .hasMessageContaining("implement Serializable")
                .hasMessageContaining("ResultSerializer.json()");
    }

    @Test
    void aNestedNonSerializableValueIsNamedWithItsContainer() {
        assertThatThrownBy(() -> java.serialize(new Wrapper(new Opaque())))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("result of type " + Wrapper.class.getName())
                .hasMessageContaining("it holds a " + Opaque.class.getName())
                .hasMessageContaining("java");
    }

    @Test
    void aMissingClassIsNamedWhenReading() {
        byte[] bytes = java.serialize(new Gone(1));
        // Same length, so the stream stays well formed: only the class can no longer be found.
        byte[] renamed = replace(bytes, Gone.class.getName(), Gone.class.getName().replace("Gone", "Gonx"));

        assertThatThrownBy(() -> java.deserialize(renamed))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(Gone.class.getName().replace("Gone", "Gonx"))
                .hasMessageContaining("not on the class path");
    }

    @Test
    void bytesThatAreNotJavaSerializationAreAnError() {
        assertThatThrownBy(() -> java.deserialize("{\"json\":true}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java result");
        assertThatThrownBy(() -> java.deserialize(new byte[0]))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java result");
    }

    @Test
    void classesAreResolvedWithTheContextClassLoaderFirst() {
        byte[] bytes = java.serialize(new Point(1, 2));
        List<String> asked = new ArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(recording);
        try {
            assertThat(java.deserialize(bytes)).isEqualTo(new Point(1, 2));
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertThat(asked).contains(Point.class.getName());
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        byte[] out = bytes.clone();
        outer:
        for (int i = 0; i <= out.length - f.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (out[i + j] != f[j]) continue outer;
            }
            System.arraycopy(t, 0, out, i, t.length);
            return out;
        }
        throw new AssertionError(from + " not found in the stream");
    }
}
