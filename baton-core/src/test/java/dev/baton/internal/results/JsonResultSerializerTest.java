package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonResultSerializerTest {
    private final ResultSerializer json = ResultSerializer.json();

    enum Color { RED, GREEN, BLUE }

    enum Op {
        PLUS { int apply(int a, int b) { return a + b; } };
        abstract int apply(int a, int b);
    }

    record Point(int x, int y) {}

    record Line(Point from, Point to, String label) {}

    record Shape(String name, List<Point> points, Map<String, Integer> counts, Color color, Optional<String> note) {}

    record Box<T>(T content) {}

    record Loose(Object anything, List<Object> mixed, Map<Object, Object> byAnything) {}

    /** Map components whose declared key type is not String: Jackson reads these keys by the declared type. */
    record Keyed(Map<Integer, String> ints, Map<Color, Long> colors, Map<LocalDate, String> dates,
            List<Map<Long, Point>> rows, Map<Point, String> byPoint, Map<String, Integer> byString) {}

    record EmptyEnums(EnumMap<Color, Integer> map, Set<Color> set, Object any) {}

    record Maybe(Optional<Object> value) {}

    /** A plain bean: default constructor, getters and setters. */
    public static final class Bean {
        private String name;
        private long size;

        public Bean() {}

        Bean(String name, long size) {
            this.name = name;
            this.size = size;
        }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public long getSize() { return size; }
        public void setSize(long size) { this.size = size; }

        @Override public boolean equals(Object o) {
            return o instanceof Bean b && b.name.equals(name) && b.size == size;
        }

        @Override public int hashCode() { return name.hashCode(); }
    }

    static Stream<Arguments> values() {
        Map<Object, Object> byAnything = new HashMap<>();
        byAnything.put(1, "int");
        byAnything.put(2L, "long");
        byAnything.put("~tilde", "string starting with the marker");
        byAnything.put("plain", List.of(1L, 2.5));
        byAnything.put(Color.RED, new Point(1, 2));
        byAnything.put(new Point(3, 4), Color.BLUE);
        byAnything.put(UUID.fromString("01936d7e-0000-7000-8000-000000000001"), true);
        Map<Object, Object> linked = new LinkedHashMap<>();
        linked.put("b", 1);
        linked.put("a", List.of(Map.of("x", List.of(1, 2))));
        EnumMap<Color, Long> enumMap = new EnumMap<>(Color.class);
        enumMap.put(Color.GREEN, 7L);
        Map<String, Integer> concurrent = new ConcurrentHashMap<>(Map.of("one", 1));
        return Stream.of(
                // scalars, keeping their exact class
                Arguments.of("Integer", 42),
                Arguments.of("Long", 42L),
                Arguments.of("Long.MAX_VALUE", Long.MAX_VALUE),
                Arguments.of("Double", 4.25),
                Arguments.of("Double NaN", Double.NaN),
                Arguments.of("Double -Infinity", Double.NEGATIVE_INFINITY),
                Arguments.of("Float", 1.5f),
                Arguments.of("Short", (short) 3),
                Arguments.of("Byte", (byte) -2),
                Arguments.of("Character", 'x'),
                Arguments.of("String", "hello \"world\" ~ ünïcødé"),
                Arguments.of("empty String", ""),
                Arguments.of("Boolean", true),
                Arguments.of("BigDecimal", new BigDecimal("12345678901234567890.000123")),
                Arguments.of("BigInteger", new BigInteger("123456789012345678901234567890")),
                Arguments.of("UUID", UUID.fromString("01936d7e-0000-7000-8000-000000000002")),
                Arguments.of("URI", URI.create("https://example.org/a?b=c")),
                // collections
                Arguments.of("List.of mixed", List.of(1, 2L, "three", 4.0, false)),
                Arguments.of("ArrayList", new ArrayList<>(List.of("a", "b"))),
                Arguments.of("empty List", List.of()),
                Arguments.of("Arrays.asList", Arrays.asList(1, null, 3)),
                Arguments.of("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1L)))),
                Arguments.of("stream toList", Stream.of(1, 2).toList()),
                Arguments.of("Set.of", Set.of("x", "y")),
                Arguments.of("HashSet of Longs", new HashSet<>(List.of(1L, 2L))),
                Arguments.of("TreeSet", new TreeSet<>(List.of("b", "a"))),
                Arguments.of("EnumSet", EnumSet.of(Color.RED, Color.BLUE)),
                Arguments.of("Map.of", Map.of("a", 1, "b", 2L)),
                Arguments.of("LinkedHashMap nested", linked),
                Arguments.of("TreeMap with Integer keys", new TreeMap<>(Map.of(3, "c", 1, "a"))),
                Arguments.of("Map with non-String keys", byAnything),
                Arguments.of("EnumMap", enumMap),
                Arguments.of("ConcurrentHashMap", concurrent),
                Arguments.of("nested collections", List.of(Map.of("k", List.of(Set.of(1L))), List.of(List.of()))),
                // records, beans, enums
                Arguments.of("record", new Point(1, 2)),
                Arguments.of("nested record", new Line(new Point(0, 0), new Point(3, 4), "diagonal")),
                Arguments.of("records in a list", List.of(new Point(1, 2), new Point(3, 4))),
                Arguments.of("record with collections, enum, Optional",
                        new Shape("tri", List.of(new Point(0, 0)), Map.of("sides", 3), Color.GREEN, Optional.of("n"))),
                Arguments.of("generic record", new Box<>(List.of(new Box<>(5L)))),
                Arguments.of("record with maps keyed by Integer, enum, LocalDate, record; maps in a list",
                        new Keyed(Map.of(1, "a", -7, "b"), Map.of(Color.RED, 2L), Map.of(LocalDate.of(2024, 2, 29), "leap"),
                                List.of(Map.of(3L, new Point(1, 2)), Map.of()), Map.of(new Point(5, 6), "p"),
                                Map.of("~tilde", 1, "plain", 2))),
                Arguments.of("empty EnumMap and EnumSet", new EmptyEnums(new EnumMap<>(Color.class), EnumSet.noneOf(Color.class),
                        new EnumMap<>(Color.class))),
                Arguments.of("empty EnumSet", EnumSet.noneOf(Color.class)),
                Arguments.of("an Optional in an Optional<Object>", new Maybe(Optional.of(Optional.of(7L)))),
                Arguments.of("an empty Optional in an Optional<Object>", new Maybe(Optional.of(Optional.empty()))),
                Arguments.of("record of Objects", new Loose(new Point(9, 9), List.of(1L, Color.RED, "s"), byAnything)),
                Arguments.of("bean", new Bean("b", 12)),
                Arguments.of("enum", Color.BLUE),
                Arguments.of("enum constant with a body", Op.PLUS),
                Arguments.of("list of enums", List.of(Color.RED, Op.PLUS)),
                // arrays
                Arguments.of("int[]", new int[] {1, 2, 3}),
                Arguments.of("byte[]", "bytes".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("String[]", new String[] {"a", null}),
                Arguments.of("Object[]", new Object[] {1L, "two", new Point(3, 3)}),
                Arguments.of("Point[][]", new Point[][] {{new Point(1, 1)}, {}}),
                // java.time
                Arguments.of("Instant", Instant.parse("2024-05-06T07:08:09.123456789Z")),
                Arguments.of("LocalDate", LocalDate.of(2024, 2, 29)),
                Arguments.of("LocalDateTime", LocalDateTime.of(2024, 2, 29, 23, 59, 58, 1)),
                Arguments.of("LocalTime", LocalTime.of(12, 30)),
                Arguments.of("ZonedDateTime with a region", ZonedDateTime.of(2024, 7, 1, 10, 0, 0, 0, ZoneId.of("Europe/Paris"))),
                Arguments.of("OffsetDateTime", OffsetDateTime.of(2024, 7, 1, 10, 0, 0, 0, ZoneOffset.ofHours(-3))),
                Arguments.of("Duration", Duration.ofMillis(90_061_001)),
                Arguments.of("Period", Period.of(1, 2, 3)),
                Arguments.of("ZoneId", ZoneId.of("America/New_York")),
                Arguments.of("ZoneOffset", ZoneOffset.ofHours(5)),
                Arguments.of("Year", Year.of(1999)),
                Arguments.of("YearMonth", YearMonth.of(2020, 1)),
                Arguments.of("times in a list", List.of(LocalDate.of(2020, 1, 1), Duration.ofSeconds(5))),
                // Optional
                Arguments.of("Optional of String", Optional.of("x")),
                Arguments.of("Optional of record", Optional.of(new Point(1, 2))),
                Arguments.of("Optional of Long", Optional.of(5L)),
                Arguments.of("empty Optional", Optional.empty()),
                Arguments.of("OptionalInt", OptionalInt.of(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void roundTripsWithTypesIntact(String description, Object value) {
        Object back = json.deserialize(json.serialize(value));

        assertThat(back).as(description).isEqualTo(value);
        assertThat(back).hasSameClassAs(value.getClass().isArray() || value instanceof Number || value instanceof Enum
                || value instanceof Record || value instanceof java.time.temporal.Temporal ? value : back);
    }

    @Test
    void collectionViewsComeBackAsPlainCollections() {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("b", 2);
        map.put("a", 1);
        List<Object> views = List.of(map.keySet(), map.values(), new ArrayList<>(List.of(1, 2, 3)).subList(1, 3),
                Collections.nCopies(2, "x"), new TreeMap<>(map).descendingMap());

        Object back = json.deserialize(json.serialize(views));

        assertThat(back).isEqualTo(List.of(new LinkedHashSet<>(List.of("b", "a")), List.of(2, 1), List.of(2, 3),
                List.of("x", "x"), Map.of("b", 2, "a", 1)));
        List<?> list = (List<?>) back;
        assertThat(list.get(1)).isInstanceOf(List.class);
        assertThat(List.copyOf(((Map<?, ?>) list.get(4)).keySet())).isEqualTo(List.of("b", "a"));
    }

    @Test
    void legacyDatesRoundTrip() {
        java.util.Date date = new java.util.Date(1_700_000_000_123L);
        assertThat(json.deserialize(json.serialize(List.of(date)))).isEqualTo(List.of(date));
    }

    @Test
    void roundTripsNull() {
        assertThat(json.deserialize(json.serialize(null))).isNull();
    }

    @Test
    void mapKeysKeepTheirTypes() {
        Map<Object, Object> map = new HashMap<>();
        map.put(1, "a");
        map.put(1L, "b");
        map.put("1", "c");
        Map<Object, Object> back = asMap(json.deserialize(json.serialize(map)));
        assertThat(back.keySet()).containsExactlyInAnyOrder(1, 1L, "1");
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object value) {
        return (Map<Object, Object>) value;
    }

    @Test
    void ordinaryStringMapsStayReadableJson() {
        String text = new String(json.serialize(Map.of("name", "x")), StandardCharsets.UTF_8);
        assertThat(text).contains("\"name\":\"x\"");
    }

    @Test
    void keysOfADeclaredPlainTypeAreWrittenAsJacksonWritesThem() {
        String text = new String(json.serialize(new Keyed(Map.of(1, "a"), Map.of(Color.RED, 2L), Map.of(LocalDate.of(2024, 1, 2), "d"),
                List.of(), Map.of(), Map.of("~x", 1))), StandardCharsets.UTF_8);
        assertThat(text).contains("\"ints\":{\"@class\":\"java.util.ImmutableCollections$Map1\",\"1\":\"a\"}")
                .contains("\"RED\":2").contains("\"2024-01-02\":\"d\"").contains("\"~x\":1");
    }

    @Test
    void recordsNeedNoAnnotations() {
        String text = new String(json.serialize(new Point(1, 2)), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"@class\":\"" + Point.class.getName() + "\",\"x\":1,\"y\":2}");
    }

    @Test
    void nameIsJson() {
        assertThat(json.name()).isEqualTo("json");
        assertThat(json).isSameAs(JsonResultSerializer.INSTANCE);
    }

    // ----- values JSON cannot represent -----

    static final class Opaque {
        @SuppressWarnings("unused")
        private final int hidden = 1;
    }

    static final class Node {
        public Node next;
    }

    record Holder(String name, Object payload) {}

    @Test
    void anObjectWithoutPropertiesFailsNamingItsClass() {
        assertThatThrownBy(() -> json.serialize(new Opaque()))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("json")
                .hasMessageContaining("ResultSerializer.java()")
                .hasMessageContaining("record");
    }

    @Test
    void aThreadFailsNamingItsClass() {
        assertThatThrownBy(() -> json.serialize(Thread.currentThread()))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("json")
                .hasMessageContaining("ResultSerializer.java()");
    }

    @Test
    void aLambdaFailsNamingItsClass() {
        Supplier<String> lambda = () -> "x";
        assertThatThrownBy(() -> json.serialize(lambda))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(getClass().getName() + "$$Lambda")
                .hasMessageContaining("json");
    }

    @Test
    void aNestedOffenderIsNamedWithItsContainer() {
        assertThatThrownBy(() -> json.serialize(new Holder("h", Thread.currentThread())))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(Holder.class.getName())
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("payload");
    }

    @Test
    void aCyclicBeanFails() {
        Node node = new Node();
        node.next = node;
        assertThatThrownBy(() -> json.serialize(node))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining(Node.class.getName())
                .hasMessageContaining("json");
    }

    @Test
    void aListContainingItselfFails() {
        List<Object> list = new ArrayList<>();
        list.add(list);
        assertThatThrownBy(() -> json.serialize(list))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java.util.ArrayList")
                .hasMessageContaining("json");
    }

    @Test
    void aNullMapKeyFailsSayingSo() {
        Map<String, Integer> map = new HashMap<>();
        map.put(null, 1);
        assertThatThrownBy(() -> json.serialize(new Holder("h", map)))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("a map holds a null key, which JSON cannot write")
                .hasMessageContaining("payload")
                .hasMessageNotContaining("NullKeySerializer");
    }

    @Test
    void aJdkTypeThatCouldNotBeReadBackFailsWhenWritten() {
        assertThatThrownBy(() -> json.serialize(List.of(new java.io.File("/tmp/x"))))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java.io.File");
    }

    // ----- reading -----

    @Test
    void aMissingClassIsNamedWhenReading() {
        byte[] bytes = "{\"@class\":\"com.example.Gone\",\"x\":1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> json.deserialize(bytes))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("com.example.Gone")
                .hasMessageContaining("not on the class path");
    }

    @Test
    void aRecordThatLostAComponentIsAnError() {
        byte[] bytes = ("{\"@class\":\"" + Point.class.getName() + "\",\"x\":1}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> json.deserialize(bytes))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("y");
    }

    @Test
    void jdkClassesOutsideTheValueTypesAreRefusedWhenReading() {
        byte[] bytes = "[\"java.lang.ProcessBuilder\",[\"rm\"]]".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> json.deserialize(bytes))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("java.lang.ProcessBuilder");
    }

    @Test
    void garbageIsAnError() {
        assertThatThrownBy(() -> json.deserialize(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5}))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("json");
    }
}
