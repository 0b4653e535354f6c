package dev.baton.internal.results;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of the values a task returns: scalars of every JSON-shaped JDK type, collections and
 * maps of them (keys of every type too), {@code Optional}s, arrays, and records whose components
 * are declared with those types, nested in one another. Declared types matter as much as values:
 * Jackson reads a {@code Map<Integer, String>} component differently from a {@code Map<Object, Object>}
 * one, so the records below declare one component per shape.
 */
final class GeneratedValues {
    private GeneratedValues() {}

    enum Color { RED, GREEN, BLUE }

    /** An enum whose constants have bodies (each its own class). */
    enum Op {
        PLUS { int apply(int a, int b) { return a + b; } },
        TIMES { int apply(int a, int b) { return a * b; } };

        abstract int apply(int a, int b);
    }

    record Point(int x, int y) {}

    sealed interface Shape permits Circle, Square {}

    record Circle(Point center, double radius) implements Shape {}

    record Square(BigDecimal side, Optional<String> label) implements Shape {}

    /** Map components keyed by numbers. */
    record NumberKeys(Map<Integer, String> ints, Map<Long, Integer> longs, Map<Short, Boolean> shorts,
            Map<Byte, String> bytes, Map<Double, String> doubles, Map<Float, String> floats,
            Map<BigDecimal, String> decimals, Map<BigInteger, Long> bigs) {}

    /** Map components keyed by other values. */
    record ValueKeys(Map<String, Integer> strings, Map<Color, Double> colors, Map<DayOfWeek, Integer> days,
            Map<UUID, String> uuids, Map<Boolean, String> flags, Map<Character, Integer> chars,
            Map<Point, String> points, Map<Shape, Integer> shapes, Map<Object, Object> anything,
            Map<Locale, String> locales, Map<URI, Integer> uris, Map<Op, String> ops) {}

    /** Map components keyed by java.time values. */
    record TimeKeys(Map<LocalDate, String> dates, Map<LocalDateTime, Integer> dateTimes, Map<Instant, Long> instants,
            Map<LocalTime, String> times, Map<OffsetDateTime, String> offsetDateTimes,
            Map<ZonedDateTime, String> zonedDateTimes, Map<Duration, String> durations, Map<Period, String> periods,
            Map<Year, String> years, Map<YearMonth, String> yearMonths, Map<MonthDay, String> monthDays,
            Map<ZoneId, String> zones, Map<ZoneOffset, String> offsets, Map<Month, String> months) {}

    /** Scalar components, boxed and primitive. */
    record Scalars(int i, long l, double d, float f, short s, byte b, char c, boolean z, Integer boxed, Long boxedLong,
            BigDecimal decimal, BigInteger big, String text, Color color, Op op, UUID uuid, URI uri, Locale locale,
            OptionalInt optionalInt, OptionalLong optionalLong, OptionalDouble optionalDouble) {}

    /** java.time components. */
    record Times(LocalDate date, LocalDateTime dateTime, LocalTime time, Instant instant, OffsetDateTime offsetDateTime,
            OffsetTime offsetTime, ZonedDateTime zonedDateTime, Duration duration, Period period, Year year,
            YearMonth yearMonth, MonthDay monthDay, ZoneId zone, ZoneOffset offset, DayOfWeek day, Month month) {}

    /** Collections in collections, declared with their element types. */
    record Nested(List<Map<Integer, Point>> rows, Map<String, Map<Color, List<LocalDate>>> byName,
            Optional<Map<UUID, Set<Long>>> maybe, Set<Color> colors, EnumMap<Color, Integer> enumMap,
            Point[] points, int[] ints, long[] longs, double[] doubles, byte[] bytes, String[] strings,
            List<Optional<Point>> optionals, Map<Integer, Object> anyValues, Object any, Shape shape, List<Shape> shapes,
            SortedMap<LocalDate, List<Integer>> sorted, SortedSet<String> sortedSet, List<Map<LocalDate, Point>> dated,
            Map<Color, Map<Integer, List<Map<Long, String>>>> deep, Optional<Object> optionalAny, Collection<Long> collection,
            Iterable<String> iterable, Map<Integer, int[]> arraysByKey, List<Object[]> objectArrays) {}

    /** A record that holds another record and itself, to any depth. */
    record Tree(String label, List<Tree> children, Map<Integer, Tree> byIndex, Object payload) {}

    // ----- scalars -----

    private static Arbitrary<String> strings() {
        // valid UTF-16 only: a lone surrogate is not text any JSON file can hold
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(6),
                Arbitraries.of("", "~", "~~", "~1", "~[\"java.lang.Long\",7]", "@class", "null", "\uD83D\uDE00", "a\"b\\c"));
    }

    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Paris"), ZoneId.of("UTC"), ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"), ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHours(-3));

    private static Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(-5_000_000_000L, 5_000_000_000L),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
    }

    private static Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-18 * 4, 18 * 4).map(q -> ZoneOffset.ofTotalSeconds(q * 900));
    }

    private static Arbitrary<LocalDateTime> localDateTimes() {
        return instants().map(i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    private static Arbitrary<LocalDate> localDates() {
        return Arbitraries.longs().between(-200_000, 200_000).map(LocalDate::ofEpochDay);
    }

    private static Arbitrary<LocalTime> localTimes() {
        return Arbitraries.longs().between(0, 86_400L * 1_000_000_000L - 1).map(LocalTime::ofNanoOfDay);
    }

    private static Arbitrary<ZonedDateTime> zonedDateTimes() {
        return Combinators.combine(instants(), Arbitraries.of(ZONES)).as(ZonedDateTime::ofInstant);
    }

    private static Arbitrary<OffsetDateTime> offsetDateTimes() {
        return Combinators.combine(localDateTimes(), offsets()).as(OffsetDateTime::of);
    }

    private static Arbitrary<Duration> durations() {
        return Combinators.combine(Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L),
                Arbitraries.integers().between(0, 999_999_999)).as(Duration::ofSeconds);
    }

    private static Arbitrary<Period> periods() {
        return Combinators.combine(Arbitraries.integers().between(-100, 100), Arbitraries.integers().between(-30, 30),
                Arbitraries.integers().between(-400, 400)).as(Period::of);
    }

    private static Arbitrary<Year> years() {
        return Arbitraries.integers().between(-9999, 9999).map(Year::of);
    }

    private static Arbitrary<YearMonth> yearMonths() {
        return Combinators.combine(Arbitraries.integers().between(0, 9999), Arbitraries.integers().between(1, 12)).as(YearMonth::of);
    }

    private static Arbitrary<MonthDay> monthDays() {
        return Arbitraries.integers().between(0, 365).map(d -> MonthDay.from(LocalDate.ofYearDay(2024, d + 1)));
    }

    private static Arbitrary<BigDecimal> decimals() {
        return Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                Arbitraries.integers().between(-5, 12)).as(BigDecimal::new);
    }

    private static Arbitrary<BigInteger> bigIntegers() {
        return Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40));
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(0.0, -0.0, 1e300, -Double.MIN_VALUE, 0.1));
    }

    private static Arbitrary<Float> floats() {
        return Arbitraries.oneOf(Arbitraries.floats(), Arbitraries.of(0.0f, -0.0f, 3.4e38f, 0.1f));
    }

    private static Arbitrary<UUID> uuids() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    }

    private static Arbitrary<URI> uris() {
        return Arbitraries.of(URI.create("https://example.org/a?b=c#d"), URI.create("file:///tmp/x"), URI.create("urn:isbn:0451450523"),
                URI.create("relative/path"), URI.create("mailto:a@b.c"));
    }

    private static Arbitrary<Locale> locales() {
        return Arbitraries.of(Locale.ROOT, Locale.FRANCE, Locale.JAPANESE, Locale.forLanguageTag("pt-BR"), Locale.forLanguageTag("zh-Hant-TW"));
    }

    private static Arbitrary<Point> points() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
    }

    private static Arbitrary<Shape> shapes() {
        Arbitrary<Shape> circle = Combinators.combine(points(), doubles()).as(Circle::new);
        Arbitrary<Shape> square = Combinators.combine(decimals(), strings().optional()).as(Square::new);
        return Arbitraries.oneOf(circle, square);
    }

    private static Arbitrary<Character> chars() {
        return Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\uD7FF'), Arbitraries.of('~', '"', '\\', '\u00e9'));
    }

    /**
     * Any hashable scalar, as a value whose declared type is {@code Object}: what JSON says
     * itself (String, Integer, Double, Boolean) and what it does not (every other class).
     */
    static Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(List.of(
                strings().map(o -> o), Arbitraries.integers().map(o -> o), Arbitraries.longs().map(o -> o),
                Arbitraries.shorts().map(o -> o), Arbitraries.bytes().map(o -> o), doubles().map(o -> o), floats().map(o -> o),
                chars().map(o -> o), Arbitraries.of(true, false).map(o -> o), decimals().map(o -> o), bigIntegers().map(o -> o),
                Arbitraries.of(Color.class).map(o -> o), Arbitraries.of(Op.class).map(o -> o), Arbitraries.of(DayOfWeek.class).map(o -> o),
                uuids().map(o -> o), uris().map(o -> o), locales().map(o -> o),
                localDates().map(o -> o), localDateTimes().map(o -> o), localTimes().map(o -> o), instants().map(o -> o),
                zonedDateTimes().map(o -> o), offsetDateTimes().map(o -> o), durations().map(o -> o), periods().map(o -> o),
                years().map(o -> o), yearMonths().map(o -> o), monthDays().map(o -> o), Arbitraries.of(ZONES).map(o -> o),
                offsets().map(o -> o), points().map(o -> o), shapes().map(o -> o)));
    }

    // ----- containers -----

    private static <K, V> Arbitrary<Map<K, V>> maps(Arbitrary<K> keys, Arbitrary<V> values) {
        return Arbitraries.maps(keys, values).ofMaxSize(3);
    }

    private static <V> Arbitrary<Map<String, V>> stringMaps(Arbitrary<V> values) {
        return maps(strings(), values);
    }

    private static Arbitrary<String> nullableStrings() {
        return strings().injectNull(0.1);
    }

    /** A map of another class than HashMap now and then: linked, sorted, concurrent, immutable, enum-keyed. */
    private static Arbitrary<Object> anyMaps(int depth) {
        Arbitrary<Map<Object, Object>> mixed = Arbitraries.maps(scalars(), values(depth - 1)).ofMaxSize(3);
        Arbitrary<Map<Integer, Object>> sortable = Arbitraries.maps(Arbitraries.integers(), values(depth - 1)).ofMaxSize(3);
        Arbitrary<Map<Color, Object>> byColor = Arbitraries.maps(Arbitraries.of(Color.class), values(depth - 1)).ofMaxSize(3);
        return Arbitraries.oneOf(List.of(
                mixed.map(m -> (Object) m),
                mixed.map(m -> (Object) new LinkedHashMap<>(m)),
                sortable.map(m -> (Object) new TreeMap<>(m)),
                mixed.map(m -> {
                    m.values().removeIf(v -> v == null); // ConcurrentHashMap and Map.copyOf hold no nulls
                    return (Object) new ConcurrentHashMap<>(m);
                }),
                byColor.map(m -> (Object) (m.isEmpty() ? new EnumMap<>(Color.class) : new EnumMap<>(m))),
                mixed.map(m -> {
                    m.values().removeIf(v -> v == null);
                    return (Object) Map.copyOf(m);
                }),
                mixed.map(m -> (Object) Collections.unmodifiableMap(m))));
    }

    private static Arbitrary<Object> anyCollections(int depth) {
        Arbitrary<List<Object>> list = values(depth - 1).list().ofMaxSize(3);
        Arbitrary<Set<Object>> set = scalars().set().ofMaxSize(3);
        return Arbitraries.oneOf(List.of(
                list.map(o -> o),
                list.map(LinkedList::new),
                list.map(l -> (Object) Collections.unmodifiableList(l)),
                list.map(l -> (Object) Arrays.asList(l.toArray())),
                list.map(l -> (Object) l.stream().filter(v -> v != null).toList()),
                set.map(o -> o),
                set.map(LinkedHashSet::new),
                Arbitraries.strings().alpha().ofMaxLength(3).set().ofMaxSize(3).map(TreeSet::new),
                Arbitraries.of(Color.class).set().ofMaxSize(3).map(s -> s.isEmpty() ? EnumSet.noneOf(Color.class) : EnumSet.copyOf(s)),
                set.map(Set::copyOf),
                values(depth - 1).array(Object[].class).ofMaxSize(3).map(o -> o),
                Arbitraries.integers().array(int[].class).ofMaxSize(4).map(o -> o),
                strings().array(String[].class).ofMaxSize(3).map(o -> o),
                points().array(Point[].class).ofMaxSize(3).map(o -> o),
                values(depth - 1).optional().map(o -> (Object) o),
                Arbitraries.just((Object) Optional.empty()),
                anyMaps(depth)));
    }

    // ----- records -----

    /** The components of a record, generated together. */
    private static net.jqwik.api.Combinators.ListCombinator<Object> components(Arbitrary<?>... components) {
        return Combinators.combine(Arrays.stream(components).map(a -> a.map(o -> (Object) o)).toList());
    }

    private static Arbitrary<NumberKeys> numberKeys() {
        return Combinators.combine(maps(Arbitraries.integers(), nullableStrings()), maps(Arbitraries.longs(), Arbitraries.integers()),
                maps(Arbitraries.shorts(), Arbitraries.of(true, false)), maps(Arbitraries.bytes(), strings()),
                maps(doubles(), strings()), maps(floats(), strings()), maps(decimals(), strings()), maps(bigIntegers(), Arbitraries.longs()))
                .as(NumberKeys::new);
    }

    private static Arbitrary<ValueKeys> valueKeys(int depth) {
        return components(
                stringMaps(Arbitraries.integers()), maps(Arbitraries.of(Color.class), doubles()), maps(Arbitraries.of(DayOfWeek.class), Arbitraries.integers()),
                maps(uuids(), strings()), maps(Arbitraries.of(true, false), strings()), maps(chars(), Arbitraries.integers()),
                maps(points(), strings()), maps(shapes(), Arbitraries.integers()), maps(scalars(), values(depth - 1)),
                maps(locales(), strings()), maps(uris(), Arbitraries.integers()), maps(Arbitraries.of(Op.class), strings()))
                .as(GeneratedValues::valueKeys);
    }

    @SuppressWarnings("unchecked")
    private static ValueKeys valueKeys(List<Object> c) {
        return new ValueKeys((Map<String, Integer>) c.get(0), (Map<Color, Double>) c.get(1), (Map<DayOfWeek, Integer>) c.get(2),
                (Map<UUID, String>) c.get(3), (Map<Boolean, String>) c.get(4), (Map<Character, Integer>) c.get(5),
                (Map<Point, String>) c.get(6), (Map<Shape, Integer>) c.get(7), (Map<Object, Object>) c.get(8),
                (Map<Locale, String>) c.get(9), (Map<URI, Integer>) c.get(10), (Map<Op, String>) c.get(11));
    }

    private static Arbitrary<TimeKeys> timeKeys() {
        return components(
                maps(localDates(), strings()), maps(localDateTimes(), Arbitraries.integers()), maps(instants(), Arbitraries.longs()),
                maps(localTimes(), strings()), maps(offsetDateTimes(), strings()), maps(zonedDateTimes(), strings()),
                maps(durations(), strings()), maps(periods(), strings()), maps(years(), strings()), maps(yearMonths(), strings()),
                maps(monthDays(), strings()), maps(Arbitraries.of(ZONES), strings()), maps(offsets(), strings()),
                maps(Arbitraries.of(Month.class), strings()))
                .as(GeneratedValues::timeKeys);
    }

    @SuppressWarnings("unchecked")
    private static TimeKeys timeKeys(List<Object> c) {
        return new TimeKeys((Map<LocalDate, String>) c.get(0), (Map<LocalDateTime, Integer>) c.get(1), (Map<Instant, Long>) c.get(2),
                (Map<LocalTime, String>) c.get(3), (Map<OffsetDateTime, String>) c.get(4), (Map<ZonedDateTime, String>) c.get(5),
                (Map<Duration, String>) c.get(6), (Map<Period, String>) c.get(7), (Map<Year, String>) c.get(8),
                (Map<YearMonth, String>) c.get(9), (Map<MonthDay, String>) c.get(10), (Map<ZoneId, String>) c.get(11),
                (Map<ZoneOffset, String>) c.get(12), (Map<Month, String>) c.get(13));
    }

    private static Arbitrary<Scalars> scalarRecords() {
        return components(
                Arbitraries.integers(), Arbitraries.longs(), doubles(), floats(), Arbitraries.shorts(), Arbitraries.bytes(), chars(),
                Arbitraries.of(true, false), Arbitraries.integers().injectNull(0.2), Arbitraries.longs().injectNull(0.2),
                decimals().injectNull(0.1), bigIntegers().injectNull(0.1), nullableStrings(), Arbitraries.of(Color.class).injectNull(0.1),
                Arbitraries.of(Op.class), uuids(), uris(), locales(),
                Arbitraries.oneOf(Arbitraries.integers().map(OptionalInt::of), Arbitraries.just(OptionalInt.empty())),
                Arbitraries.oneOf(Arbitraries.longs().map(OptionalLong::of), Arbitraries.just(OptionalLong.empty())),
                Arbitraries.oneOf(Arbitraries.doubles().map(OptionalDouble::of), Arbitraries.just(OptionalDouble.empty())))
                .as(c -> new Scalars((int) c.get(0), (long) c.get(1), (double) c.get(2), (float) c.get(3), (short) c.get(4),
                        (byte) c.get(5), (char) c.get(6), (boolean) c.get(7), (Integer) c.get(8), (Long) c.get(9),
                        (BigDecimal) c.get(10), (BigInteger) c.get(11), (String) c.get(12), (Color) c.get(13), (Op) c.get(14),
                        (UUID) c.get(15), (URI) c.get(16), (Locale) c.get(17), (OptionalInt) c.get(18), (OptionalLong) c.get(19),
                        (OptionalDouble) c.get(20)));
    }

    private static Arbitrary<Times> times() {
        return components(
                localDates(), localDateTimes(), localTimes(), instants(), offsetDateTimes(),
                Combinators.combine(localTimes(), offsets()).as(OffsetTime::of), zonedDateTimes(), durations(), periods(),
                years(), yearMonths(), monthDays(), Arbitraries.of(ZONES), offsets(), Arbitraries.of(DayOfWeek.class),
                Arbitraries.of(Month.class))
                .as(c -> new Times((LocalDate) c.get(0), (LocalDateTime) c.get(1), (LocalTime) c.get(2), (Instant) c.get(3),
                        (OffsetDateTime) c.get(4), (OffsetTime) c.get(5), (ZonedDateTime) c.get(6), (Duration) c.get(7),
                        (Period) c.get(8), (Year) c.get(9), (YearMonth) c.get(10), (MonthDay) c.get(11), (ZoneId) c.get(12),
                        (ZoneOffset) c.get(13), (DayOfWeek) c.get(14), (Month) c.get(15)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Arbitrary<Nested> nested(int depth) {
        Arbitrary<EnumMap<Color, Integer>> enumMaps = maps(Arbitraries.of(Color.class), Arbitraries.integers())
                .map(m -> m.isEmpty() ? new EnumMap<>(Color.class) : new EnumMap<>(m));
        return components(
                maps(Arbitraries.integers(), points().injectNull(0.1)).list().ofMaxSize(3),
                stringMaps(maps(Arbitraries.of(Color.class), localDates().list().ofMaxSize(2))),
                maps(uuids(), Arbitraries.longs().set().ofMaxSize(2)).optional(),
                Arbitraries.of(Color.class).set().ofMaxSize(3),
                enumMaps.injectNull(0.1),
                points().array(Point[].class).ofMaxSize(3),
                Arbitraries.integers().array(int[].class).ofMaxSize(3).injectNull(0.1),
                Arbitraries.longs().array(long[].class).ofMaxSize(3),
                doubles().array(double[].class).ofMaxSize(3),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(5),
                nullableStrings().array(String[].class).ofMaxSize(3),
                points().optional().list().ofMaxSize(3),
                maps(Arbitraries.integers(), values(depth - 1)),
                values(depth - 1),
                shapes().injectNull(0.1),
                shapes().list().ofMaxSize(3),
                maps(localDates(), Arbitraries.integers().list().ofMaxSize(2)).map(TreeMap::new),
                strings().set().ofMaxSize(3).map(TreeSet::new),
                maps(localDates(), points()).list().ofMaxSize(2),
                maps(Arbitraries.of(Color.class), maps(Arbitraries.integers(), maps(Arbitraries.longs(), strings()).list().ofMaxSize(2))),
                values(depth - 1).optional(),
                Arbitraries.longs().list().ofMaxSize(3).map(ArrayList::new),
                strings().list().ofMaxSize(3),
                maps(Arbitraries.integers(), Arbitraries.integers().array(int[].class).ofMaxSize(2)),
                values(depth - 1).array(Object[].class).ofMaxSize(2).list().ofMaxSize(2))
                .as(c -> new Nested((List) c.get(0), (Map) c.get(1), (Optional) c.get(2), (Set) c.get(3), (EnumMap) c.get(4),
                        (Point[]) c.get(5), (int[]) c.get(6), (long[]) c.get(7), (double[]) c.get(8), (byte[]) c.get(9),
                        (String[]) c.get(10), (List) c.get(11), (Map) c.get(12), c.get(13), (Shape) c.get(14), (List) c.get(15),
                        (SortedMap) c.get(16), (SortedSet) c.get(17), (List) c.get(18), (Map) c.get(19), (Optional) c.get(20),
                        (Collection) c.get(21), (Iterable) c.get(22), (Map) c.get(23), (List) c.get(24)));
    }

    private static Arbitrary<Tree> trees(int depth) {
        Arbitrary<Tree> leaf = Combinators.combine(nullableStrings(), scalars().injectNull(0.2))
                .as((label, payload) -> new Tree(label, List.of(), Map.of(), payload));
        if (depth <= 0) return leaf;
        return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(1, Combinators.combine(nullableStrings(),
                Arbitraries.lazy(() -> trees(depth - 1)).list().ofMaxSize(2),
                maps(Arbitraries.integers(), Arbitraries.lazy(() -> trees(depth - 1))),
                values(depth - 1)).as(Tree::new)));
    }

    /** Any record of the catalogue above, holding values down to {@code depth} levels. */
    static Arbitrary<Object> records(int depth) {
        return Arbitraries.oneOf(List.of(numberKeys().map(o -> o), valueKeys(depth).map(o -> o), timeKeys().map(o -> o),
                scalarRecords().map(o -> o), times().map(o -> o), nested(depth).map(o -> o), trees(depth).map(o -> o)));
    }

    /**
     * Any value a task could return, to {@code depth} levels of nesting: a scalar, null, a record of
     * the catalogue, or a collection, map, array or Optional of values.
     */
    static Arbitrary<Object> values(int depth) {
        if (depth <= 0) return scalars().injectNull(0.05);
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalars()),
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(2, Arbitraries.lazy(() -> anyCollections(depth))),
                Tuple.of(2, Arbitraries.lazy(() -> records(depth))));
    }
}
