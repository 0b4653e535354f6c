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
import java.util.Collection;
import java.util.Collections;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Generators of the values a task returns, drawn from a seeded {@link Random} (the same seed gives
 * the same value, so a failing sample is reproduced with {@code new Random(seed)}): scalars of every JSON-shaped JDK type, collections and
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

    /** A generator: a value drawn from a random source. */
    @FunctionalInterface
    interface Gen<T> {
        T next(Random r);
    }

    // ----- combinators -----

    @SafeVarargs
    private static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return r -> gens[r.nextInt(gens.length)].next(r);
    }

    @SafeVarargs
    private static <T> Gen<T> of(T... values) {
        return r -> values[r.nextInt(values.length)];
    }

    private static <T> Gen<T> of(List<T> values) {
        return r -> values.get(r.nextInt(values.size()));
    }

    private static <E extends Enum<E>> Gen<E> of(Class<E> type) {
        return of(type.getEnumConstants());
    }

    private static <T> Gen<T> nullable(Gen<T> gen, double probability) {
        return r -> r.nextDouble() < probability ? null : gen.next(r);
    }

    private static <T> Gen<Optional<T>> optional(Gen<T> gen) {
        return r -> r.nextInt(5) == 0 ? Optional.empty() : Optional.ofNullable(gen.next(r));
    }

    private static <T> Gen<List<T>> lists(Gen<T> elements, int maxSize) {
        return r -> {
            int n = r.nextInt(maxSize + 1);
            List<T> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) list.add(elements.next(r));
            return list;
        };
    }

    private static <T> Gen<Set<T>> sets(Gen<T> elements, int maxSize) {
        return r -> {
            int n = r.nextInt(maxSize + 1);
            Set<T> set = new HashSet<>();
            for (int i = 0; i < 3 * n && set.size() < n; i++) set.add(elements.next(r));
            return set;
        };
    }

    /** A HashMap of up to 3 entries (fewer when the keys collide, as small key spaces do). */
    private static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values) {
        return r -> {
            int n = r.nextInt(4);
            Map<K, V> map = new HashMap<>();
            for (int i = 0; i < 3 * n && map.size() < n; i++) map.put(keys.next(r), values.next(r));
            return map;
        };
    }

    private static <V> Gen<Map<String, V>> stringMaps(Gen<V> values) {
        return maps(GeneratedValues::string, values);
    }

    private static <T> T[] array(Random r, Gen<T> elements, int maxSize, IntFunction<T[]> newArray) {
        T[] array = newArray.apply(r.nextInt(maxSize + 1));
        for (int i = 0; i < array.length; i++) array[i] = elements.next(r);
        return array;
    }

    // ----- scalars -----

    /** Mostly uniform over [min, max], now and then one of its edges or a small number. */
    private static long between(Random r, long min, long max) {
        return switch (r.nextInt(10)) {
            case 0 -> min;
            case 1 -> max;
            case 2 -> Math.max(min, Math.min(max, r.nextInt(21) - 10));
            default -> min + (long) (r.nextDouble() * ((double) max - (double) min));
        };
    }

    static int integer(Random r) {
        return r.nextInt(8) == 0 ? of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE).next(r) : r.nextInt(5) == 0 ? r.nextInt(201) - 100 : r.nextInt();
    }

    static long longValue(Random r) {
        return r.nextInt(8) == 0 ? of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MAX_VALUE + 1).next(r)
                : r.nextInt(5) == 0 ? r.nextInt(201) - 100 : r.nextLong();
    }

    static short shortValue(Random r) {
        return (short) between(r, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    static byte byteValue(Random r) {
        return (byte) between(r, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    static boolean bool(Random r) {
        return r.nextBoolean();
    }

    static String string(Random r) {
        // valid UTF-16 only: a lone surrogate is not text any JSON file can hold
        return switch (r.nextInt(3)) {
            case 0 -> chars(r, r.nextInt(9), ' ', '~');
            case 1 -> chars(r, r.nextInt(7), '\u0000', '\uD7FF');
            default -> of("", "~", "~~", "~1", "~[\"java.lang.Long\",7]", "@class", "null", "\uD83D\uDE00", "a\"b\\c").next(r);
        };
    }

    private static String chars(Random r, int length, char from, char to) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) s.append((char) (from + r.nextInt(to - from + 1)));
        return s.toString();
    }

    private static String alpha(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(4); i > 0; i--) s.append((char) ((r.nextBoolean() ? 'a' : 'A') + r.nextInt(26)));
        return s.toString();
    }

    static char character(Random r) {
        return r.nextInt(4) == 0 ? of('~', '"', '\\', '\u00e9').next(r) : (char) r.nextInt(0xD800);
    }

    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Paris"), ZoneId.of("UTC"), ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"), ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHours(-3));

    static ZoneId zone(Random r) {
        return of(ZONES).next(r);
    }

    static Instant instant(Random r) {
        return Instant.ofEpochSecond(between(r, -5_000_000_000L, 5_000_000_000L), r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
    }

    static ZoneOffset offset(Random r) {
        return ZoneOffset.ofTotalSeconds((int) between(r, -18 * 4, 18 * 4) * 900);
    }

    static LocalDateTime localDateTime(Random r) {
        return LocalDateTime.ofInstant(instant(r), ZoneOffset.UTC);
    }

    static LocalDate localDate(Random r) {
        return LocalDate.ofEpochDay(between(r, -200_000, 200_000));
    }

    static LocalTime localTime(Random r) {
        return LocalTime.ofNanoOfDay(between(r, 0, 86_400L * 1_000_000_000L - 1));
    }

    static ZonedDateTime zonedDateTime(Random r) {
        return ZonedDateTime.ofInstant(instant(r), zone(r));
    }

    static OffsetDateTime offsetDateTime(Random r) {
        return OffsetDateTime.of(localDateTime(r), offset(r));
    }

    static OffsetTime offsetTime(Random r) {
        return OffsetTime.of(localTime(r), offset(r));
    }

    static Duration duration(Random r) {
        return Duration.ofSeconds(between(r, -10_000_000_000L, 10_000_000_000L), r.nextInt(1_000_000_000));
    }

    static Period period(Random r) {
        return Period.of((int) between(r, -100, 100), (int) between(r, -30, 30), (int) between(r, -400, 400));
    }

    static Year year(Random r) {
        return Year.of((int) between(r, -9999, 9999));
    }

    static YearMonth yearMonth(Random r) {
        return YearMonth.of((int) between(r, 0, 9999), 1 + r.nextInt(12));
    }

    static MonthDay monthDay(Random r) {
        return MonthDay.from(LocalDate.ofYearDay(2024, 1 + r.nextInt(366)));
    }

    private static BigInteger bigInteger(Random r, BigInteger bound) {
        BigInteger b = new BigInteger(bound.bitLength() + 8, r).mod(bound.add(BigInteger.ONE));
        if (r.nextInt(3) == 0) b = b.mod(BigInteger.valueOf(1000)); // small ones too
        return r.nextBoolean() ? b.negate() : b;
    }

    static BigDecimal decimal(Random r) {
        return new BigDecimal(bigInteger(r, BigInteger.TEN.pow(30)), (int) between(r, -5, 12));
    }

    static BigInteger bigInteger(Random r) {
        return bigInteger(r, BigInteger.TEN.pow(40));
    }

    /** Finite doubles: edge cases, two-decimal ones of any magnitude, and any bit pattern. */
    static double doubleValue(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> of(0.0, -0.0, 1e300, -Double.MIN_VALUE, 0.1, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL).next(r);
            case 1 -> Math.round((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(12))) / 100.0;
            default -> {
                double d;
                do d = Double.longBitsToDouble(r.nextLong()); while (!Double.isFinite(d));
                yield d;
            }
        };
    }

    static float floatValue(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> of(0.0f, -0.0f, 3.4e38f, 0.1f, Float.MIN_VALUE, -Float.MAX_VALUE).next(r);
            case 1 -> Math.round((r.nextFloat() - 0.5f) * (float) Math.pow(10, r.nextInt(8))) / 100.0f;
            default -> {
                float f;
                do f = Float.intBitsToFloat(r.nextInt()); while (!Float.isFinite(f));
                yield f;
            }
        };
    }

    static UUID uuid(Random r) {
        return new UUID(r.nextLong(), r.nextLong());
    }

    static URI uri(Random r) {
        return of(URI.create("https://example.org/a?b=c#d"), URI.create("file:///tmp/x"), URI.create("urn:isbn:0451450523"),
                URI.create("relative/path"), URI.create("mailto:a@b.c")).next(r);
    }

    static Locale locale(Random r) {
        return of(Locale.ROOT, Locale.FRANCE, Locale.JAPANESE, Locale.forLanguageTag("pt-BR"), Locale.forLanguageTag("zh-Hant-TW")).next(r);
    }

    static Point point(Random r) {
        return new Point(integer(r), integer(r));
    }

    static Shape shape(Random r) {
        return r.nextBoolean() ? new Circle(point(r), doubleValue(r)) : new Square(decimal(r), optional(GeneratedValues::string).next(r));
    }

    private static final List<Gen<Object>> SCALARS = List.of(
            GeneratedValues::string, GeneratedValues::integer, GeneratedValues::longValue, GeneratedValues::shortValue,
            GeneratedValues::byteValue, GeneratedValues::doubleValue, GeneratedValues::floatValue, GeneratedValues::character,
            GeneratedValues::bool, GeneratedValues::decimal, GeneratedValues::bigInteger,
            of(Color.class)::next, of(Op.class)::next, of(DayOfWeek.class)::next,
            GeneratedValues::uuid, GeneratedValues::uri, GeneratedValues::locale,
            GeneratedValues::localDate, GeneratedValues::localDateTime, GeneratedValues::localTime, GeneratedValues::instant,
            GeneratedValues::zonedDateTime, GeneratedValues::offsetDateTime, GeneratedValues::duration, GeneratedValues::period,
            GeneratedValues::year, GeneratedValues::yearMonth, GeneratedValues::monthDay, GeneratedValues::zone,
            GeneratedValues::offset, GeneratedValues::point, GeneratedValues::shape);

    /**
     * Any hashable scalar, as a value whose declared type is {@code Object}: what JSON says
     * itself (String, Integer, Double, Boolean) and what it does not (every other class).
     */
    static Object scalar(Random r) {
        return of(SCALARS).next(r).next(r);
    }

    // ----- containers -----

    private static String nullableString(Random r) {
        return nullable(GeneratedValues::string, 0.1).next(r);
    }

    /** A map of another class than HashMap now and then: linked, sorted, concurrent, immutable, enum-keyed. */
    private static Object anyMap(Random r, int depth) {
        Gen<Object> values = r2 -> value(r2, depth - 1);
        Gen<Map<Object, Object>> mixed = maps(GeneratedValues::scalar, values);
        return switch (r.nextInt(7)) {
            case 0 -> mixed.next(r);
            case 1 -> new LinkedHashMap<>(mixed.next(r));
            case 2 -> new TreeMap<>(maps(GeneratedValues::integer, values).next(r));
            case 3 -> {
                Map<Object, Object> m = mixed.next(r);
                m.values().removeIf(v -> v == null); // ConcurrentHashMap and Map.copyOf hold no nulls
                yield new ConcurrentHashMap<>(m);
            }
            case 4 -> {
                Map<Color, Object> m = maps(of(Color.class), values).next(r);
                yield m.isEmpty() ? new EnumMap<>(Color.class) : new EnumMap<>(m);
            }
            case 5 -> {
                Map<Object, Object> m = mixed.next(r);
                m.values().removeIf(v -> v == null);
                yield Map.copyOf(m);
            }
            default -> Collections.unmodifiableMap(mixed.next(r));
        };
    }

    private static Object anyCollection(Random r, int depth) {
        Gen<Object> values = r2 -> value(r2, depth - 1);
        Gen<List<Object>> list = lists(values, 3);
        Gen<Set<Object>> set = sets(GeneratedValues::scalar, 3);
        return switch (r.nextInt(17)) {
            case 0 -> list.next(r);
            case 1 -> new LinkedList<>(list.next(r));
            case 2 -> Collections.unmodifiableList(list.next(r));
            case 3 -> Arrays.asList(list.next(r).toArray());
            case 4 -> list.next(r).stream().filter(v -> v != null).toList();
            case 5 -> set.next(r);
            case 6 -> new LinkedHashSet<>(set.next(r));
            case 7 -> new TreeSet<>(sets(GeneratedValues::alpha, 3).next(r));
            case 8 -> {
                Set<Color> s = sets(of(Color.class), 3).next(r);
                yield s.isEmpty() ? EnumSet.noneOf(Color.class) : EnumSet.copyOf(s);
            }
            case 9 -> Set.copyOf(set.next(r));
            case 10 -> array(r, values, 3, Object[]::new);
            case 11 -> ints(r, 4);
            case 12 -> array(r, GeneratedValues::string, 3, String[]::new);
            case 13 -> array(r, GeneratedValues::point, 3, Point[]::new);
            case 14 -> optional(values).next(r);
            case 15 -> Optional.empty();
            default -> anyMap(r, depth);
        };
    }

    private static int[] ints(Random r, int maxSize) {
        int[] a = new int[r.nextInt(maxSize + 1)];
        for (int i = 0; i < a.length; i++) a[i] = integer(r);
        return a;
    }

    // ----- records -----

    static NumberKeys numberKeys(Random r) {
        return new NumberKeys(maps(GeneratedValues::integer, GeneratedValues::nullableString).next(r),
                maps(GeneratedValues::longValue, GeneratedValues::integer).next(r),
                maps(GeneratedValues::shortValue, GeneratedValues::bool).next(r),
                maps(GeneratedValues::byteValue, GeneratedValues::string).next(r),
                maps(GeneratedValues::doubleValue, GeneratedValues::string).next(r),
                maps(GeneratedValues::floatValue, GeneratedValues::string).next(r),
                maps(GeneratedValues::decimal, GeneratedValues::string).next(r),
                maps(GeneratedValues::bigInteger, GeneratedValues::longValue).next(r));
    }

    static ValueKeys valueKeys(Random r, int depth) {
        return new ValueKeys(stringMaps(GeneratedValues::integer).next(r), maps(of(Color.class), GeneratedValues::doubleValue).next(r),
                maps(of(DayOfWeek.class), GeneratedValues::integer).next(r), maps(GeneratedValues::uuid, GeneratedValues::string).next(r),
                maps(GeneratedValues::bool, GeneratedValues::string).next(r), maps(GeneratedValues::character, GeneratedValues::integer).next(r),
                maps(GeneratedValues::point, GeneratedValues::string).next(r), maps(GeneratedValues::shape, GeneratedValues::integer).next(r),
                maps(GeneratedValues::scalar, r2 -> value(r2, depth - 1)).next(r),
                maps(GeneratedValues::locale, GeneratedValues::string).next(r), maps(GeneratedValues::uri, GeneratedValues::integer).next(r),
                maps(of(Op.class), GeneratedValues::string).next(r));
    }

    static TimeKeys timeKeys(Random r) {
        Gen<String> s = GeneratedValues::string;
        return new TimeKeys(maps(GeneratedValues::localDate, s).next(r), maps(GeneratedValues::localDateTime, GeneratedValues::integer).next(r),
                maps(GeneratedValues::instant, GeneratedValues::longValue).next(r), maps(GeneratedValues::localTime, s).next(r),
                maps(GeneratedValues::offsetDateTime, s).next(r), maps(GeneratedValues::zonedDateTime, s).next(r),
                maps(GeneratedValues::duration, s).next(r), maps(GeneratedValues::period, s).next(r), maps(GeneratedValues::year, s).next(r),
                maps(GeneratedValues::yearMonth, s).next(r), maps(GeneratedValues::monthDay, s).next(r), maps(GeneratedValues::zone, s).next(r),
                maps(GeneratedValues::offset, s).next(r), maps(of(Month.class), s).next(r));
    }

    static Scalars scalarRecord(Random r) {
        return new Scalars(integer(r), longValue(r), doubleValue(r), floatValue(r), shortValue(r), byteValue(r), character(r), bool(r),
                nullable(GeneratedValues::integer, 0.2).next(r), nullable(GeneratedValues::longValue, 0.2).next(r),
                nullable(GeneratedValues::decimal, 0.1).next(r), nullable(GeneratedValues::bigInteger, 0.1).next(r),
                nullableString(r), nullable(of(Color.class), 0.1).next(r), of(Op.class).next(r), uuid(r), uri(r), locale(r),
                r.nextBoolean() ? OptionalInt.of(integer(r)) : OptionalInt.empty(),
                r.nextBoolean() ? OptionalLong.of(longValue(r)) : OptionalLong.empty(),
                r.nextBoolean() ? OptionalDouble.of(doubleValue(r)) : OptionalDouble.empty());
    }

    static Times times(Random r) {
        return new Times(localDate(r), localDateTime(r), localTime(r), instant(r), offsetDateTime(r), offsetTime(r), zonedDateTime(r),
                duration(r), period(r), year(r), yearMonth(r), monthDay(r), zone(r), offset(r), of(DayOfWeek.class).next(r),
                of(Month.class).next(r));
    }

    static Nested nested(Random r, int depth) {
        Gen<Object> values = r2 -> value(r2, depth - 1);
        Map<Color, Integer> byColor = maps(of(Color.class), GeneratedValues::integer).next(r);
        EnumMap<Color, Integer> enumMap = r.nextInt(10) == 0 ? null
                : byColor.isEmpty() ? new EnumMap<>(Color.class) : new EnumMap<>(byColor);
        long[] longs = new long[r.nextInt(4)];
        for (int i = 0; i < longs.length; i++) longs[i] = longValue(r);
        double[] doubles = new double[r.nextInt(4)];
        for (int i = 0; i < doubles.length; i++) doubles[i] = doubleValue(r);
        byte[] bytes = new byte[r.nextInt(6)];
        for (int i = 0; i < bytes.length; i++) bytes[i] = byteValue(r);
        return new Nested(
                lists(maps(GeneratedValues::integer, nullable(GeneratedValues::point, 0.1)), 3).next(r),
                stringMaps(maps(of(Color.class), lists(GeneratedValues::localDate, 2))).next(r),
                optional(maps(GeneratedValues::uuid, sets(GeneratedValues::longValue, 2))).next(r),
                sets(of(Color.class), 3).next(r),
                enumMap,
                array(r, GeneratedValues::point, 3, Point[]::new),
                r.nextInt(10) == 0 ? null : ints(r, 3),
                longs, doubles, bytes,
                array(r, GeneratedValues::nullableString, 3, String[]::new),
                lists(optional(GeneratedValues::point), 3).next(r),
                maps(GeneratedValues::integer, values).next(r),
                values.next(r),
                nullable(GeneratedValues::shape, 0.1).next(r),
                lists(GeneratedValues::shape, 3).next(r),
                new TreeMap<>(maps(GeneratedValues::localDate, lists(GeneratedValues::integer, 2)).next(r)),
                new TreeSet<>(sets(GeneratedValues::string, 3).next(r)),
                lists(maps(GeneratedValues::localDate, GeneratedValues::point), 2).next(r),
                maps(of(Color.class), maps(GeneratedValues::integer, lists(maps(GeneratedValues::longValue, GeneratedValues::string), 2))).next(r),
                optional(values).next(r),
                new ArrayList<>(lists(GeneratedValues::longValue, 3).next(r)),
                lists(GeneratedValues::string, 3).next(r),
                maps(GeneratedValues::integer, r2 -> ints(r2, 2)).next(r),
                lists(r2 -> array(r2, values, 2, Object[]::new), 2).next(r));
    }

    static Tree tree(Random r, int depth) {
        if (depth <= 0 || r.nextInt(3) != 0) {
            return new Tree(nullableString(r), List.of(), Map.of(), nullable(GeneratedValues::scalar, 0.2).next(r));
        }
        return new Tree(nullableString(r), lists(r2 -> tree(r2, depth - 1), 2).next(r),
                maps(GeneratedValues::integer, r2 -> tree(r2, depth - 1)).next(r), value(r, depth - 1));
    }

    /** Any record of the catalogue above, holding values down to {@code depth} levels. */
    static Object record(Random r, int depth) {
        return switch (r.nextInt(7)) {
            case 0 -> numberKeys(r);
            case 1 -> valueKeys(r, depth);
            case 2 -> timeKeys(r);
            case 3 -> scalarRecord(r);
            case 4 -> times(r);
            case 5 -> nested(r, depth);
            default -> tree(r, depth);
        };
    }

    /**
     * Any value a task could return, to {@code depth} levels of nesting: a scalar, null, a record of
     * the catalogue, or a collection, map, array or Optional of values.
     */
    static Object value(Random r, int depth) {
        if (depth <= 0) return r.nextInt(20) == 0 ? null : scalar(r);
        int pick = r.nextInt(9); // weights 4 : 1 : 2 : 2
        if (pick < 4) return scalar(r);
        if (pick < 5) return null;
        if (pick < 7) return anyCollection(r, depth);
        return record(r, depth);
    }
}
