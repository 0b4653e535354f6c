package dev.baton.internal.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An RFC 5545 recurrence rule, with its {@code DTSTART}, {@code EXDATE} and {@code RDATE} lines, read
 * as Prefect's RRule schedules (python-dateutil) read it: {@code FREQ} from {@code YEARLY} to
 * {@code MINUTELY}, {@code INTERVAL}, {@code COUNT}, {@code UNTIL}, {@code BYMONTH},
 * {@code BYMONTHDAY}, {@code BYDAY} (with ordinals such as {@code 1MO} or {@code -1FR} in monthly
 * and yearly rules), {@code BYHOUR}, {@code BYMINUTE}, {@code BYSECOND}, {@code BYSETPOS} and
 * {@code WKST}. As in dateutil, {@code DTSTART} is an occurrence only if the rule matches it.
 * Times are wall-clock times of the rule's zone ({@code DTSTART;TZID=...}, else the zone given);
 * one the clock skips is moved past the gap, one it repeats is its first occurrence.
 */
public final class RecurrenceRule {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final List<String> DAY_CODES = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
    /** Periods looked at for one answer before giving up: a rule matching nothing (30 February) ends. */
    private static final int MAX_PERIODS = 2_000_000;

    enum Frequency {
        YEARLY(ChronoUnit.YEARS), MONTHLY(ChronoUnit.MONTHS), WEEKLY(ChronoUnit.WEEKS), DAILY(ChronoUnit.DAYS),
        HOURLY(ChronoUnit.HOURS), MINUTELY(ChronoUnit.MINUTES);

        final ChronoUnit unit;

        Frequency(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    /** A BYDAY item: a day, and for monthly and yearly rules which one of the period (0: every one). */
    private record WeekDay(int ordinal, DayOfWeek day) {}

    private final String text;
    private final ZoneId zone;
    private final LocalDateTime start;
    private final Frequency freq;
    private final int interval;
    private final Integer count;
    private final Instant until;
    private final Set<Integer> byMonth, byHour, byMinute, bySecond;
    private final List<Integer> byMonthDay, bySetPos;
    private final List<WeekDay> byDay;
    private final DayOfWeek weekStart;
    private final Set<Instant> excluded;
    private final TreeSet<Instant> added;

    private RecurrenceRule(Builder b) {
        this.text = b.text;
        this.zone = b.zone;
        this.start = b.start;
        this.freq = b.freq;
        this.interval = b.interval;
        this.count = b.count;
        this.until = b.until;
        this.byMonth = b.byMonth;
        this.byHour = b.byHour;
        this.byMinute = b.byMinute;
        this.bySecond = b.bySecond;
        this.byMonthDay = b.byMonthDay;
        this.bySetPos = b.bySetPos;
        this.byDay = b.byDay;
        this.weekStart = b.weekStart;
        this.excluded = b.excluded;
        this.added = b.added;
    }

    /**
     * Reads {@code rule}: an {@code RRULE} (with or without its {@code RRULE:} prefix), alone or with
     * {@code DTSTART}, {@code EXDATE} and {@code RDATE} lines. Times without a zone of their own are
     * in {@code zone}; without {@code DTSTART} the rule starts at 2020-01-01 00:00 there.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static RecurrenceRule parse(String rule, ZoneId zone) {
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException("An RRULE is needed, e.g. \"FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9\"");
        }
        Builder b = new Builder(rule.trim(), zone);
        String rrule = null;
        List<String> exdates = new ArrayList<>(), rdates = new ArrayList<>();
        for (String raw : rule.trim().split("\\R|\\\\n")) {
            String line = raw.trim();
            if (line.isEmpty()) continue;
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("DTSTART")) b.dtstart(line);
            else if (upper.startsWith("EXDATE")) exdates.add(line);
            else if (upper.startsWith("RDATE")) rdates.add(line);
            else if (upper.startsWith("RRULE:")) rrule = line.substring("RRULE:".length());
            else if (line.contains("=")) rrule = line; // the rule without its RRULE: prefix
            else throw b.error("the line '" + line + "' is none of RRULE, DTSTART, EXDATE, RDATE");
        }
        if (rrule == null) throw b.error("there is no RRULE (FREQ=...)");
        b.rule(rrule);
        for (String l : exdates) b.excluded.addAll(b.dates(l));
        for (String l : rdates) b.added.addAll(b.dates(l));
        return new RecurrenceRule(b);
    }

    /** The zone the rule's wall-clock times are read in. */
    public ZoneId zone() {
        return zone;
    }

    /** The first occurrence strictly after {@code after}; null if there is none. */
    public Instant next(Instant after) {
        Instant fromRule = nextOfRule(after);
        Instant fromDates = added.higher(after);
        while (fromDates != null && excluded.contains(fromDates)) fromDates = added.higher(fromDates);
        if (fromRule == null) return fromDates;
        return fromDates != null && fromDates.isBefore(fromRule) ? fromDates : fromRule;
    }

    private Instant nextOfRule(Instant after) {
        if (until != null && !after.isBefore(until)) return null;
        long period = 0;
        int emitted = 0;
        if (count == null) {
            // jump to the period holding `after`: only COUNT needs the occurrences before it
            LocalDateTime local = LocalDateTime.ofInstant(after, zone);
            long units = freq.unit.between(periodStart(0), local);
            period = Math.max(0, units / interval - 1);
        }
        for (int looked = 0; looked < MAX_PERIODS; looked++, period++) {
            LocalDateTime periodStart = periodStart(period);
            if (until != null && periodStart.atZone(zone).toInstant().isAfter(until)) return null;
            for (LocalDateTime t : occurrences(periodStart)) {
                if (t.isBefore(start)) continue;
                Instant at = ZonedDateTime.of(t, zone).toInstant();
                if (until != null && at.isAfter(until)) return null;
                emitted++;
                if (count != null && emitted > count) return null;
                if (at.isAfter(after) && !excluded.contains(at)) return at;
            }
        }
        return null;
    }

    /** The start of period {@code n}: DTSTART truncated to the frequency's unit, plus n intervals. */
    private LocalDateTime periodStart(long n) {
        LocalDateTime base = switch (freq) {
            case YEARLY -> start.toLocalDate().withDayOfYear(1).atStartOfDay();
            case MONTHLY -> start.toLocalDate().withDayOfMonth(1).atStartOfDay();
            case WEEKLY -> start.toLocalDate().with(TemporalAdjusters.previousOrSame(weekStart)).atStartOfDay();
            case DAILY -> start.toLocalDate().atStartOfDay();
            case HOURLY -> start.truncatedTo(ChronoUnit.HOURS);
            case MINUTELY -> start.truncatedTo(ChronoUnit.MINUTES);
        };
        return base.plus(n * interval, freq.unit);
    }

    /** The rule's times within the period starting at {@code p}, in order, BYSETPOS applied. */
    private List<LocalDateTime> occurrences(LocalDateTime p) {
        List<LocalDate> days = days(p);
        List<LocalDateTime> times = new ArrayList<>();
        List<Integer> hours = freq == Frequency.HOURLY || freq == Frequency.MINUTELY ? List.of(p.getHour())
                : byHour.isEmpty() ? List.of(start.getHour()) : sorted(byHour);
        List<Integer> minutes = freq == Frequency.MINUTELY ? List.of(p.getMinute())
                : byMinute.isEmpty() ? List.of(start.getMinute()) : sorted(byMinute);
        List<Integer> seconds = bySecond.isEmpty() ? List.of(start.getSecond()) : sorted(bySecond);
        for (LocalDate d : days) {
            for (int h : hours) {
                if (!byHour.isEmpty() && !byHour.contains(h)) continue;
                for (int m : minutes) {
                    if (!byMinute.isEmpty() && !byMinute.contains(m)) continue;
                    for (int s : seconds) times.add(d.atTime(h, m, s));
                }
            }
        }
        if (bySetPos.isEmpty()) return times;
        TreeSet<LocalDateTime> picked = new TreeSet<>();
        for (int pos : bySetPos) {
            int i = pos > 0 ? pos - 1 : times.size() + pos;
            if (i >= 0 && i < times.size()) picked.add(times.get(i));
        }
        return new ArrayList<>(picked);
    }

    /** The days of the period starting at {@code p} that the rule's day parts let through, in order. */
    private List<LocalDate> days(LocalDateTime p) {
        LocalDate first = p.toLocalDate();
        List<LocalDate> out = new ArrayList<>();
        switch (freq) {
            case YEARLY -> {
                List<Integer> months = !byMonth.isEmpty() ? sorted(byMonth)
                        : byMonthDay.isEmpty() && byDay.isEmpty() ? List.of(start.getMonthValue()) : null;
                if (months == null && !byDay.isEmpty() && byMonthDay.isEmpty()) {
                    // BYDAY over the whole year: ordinals count within the year
                    for (LocalDate d = first; d.getYear() == first.getYear(); d = d.plusDays(1)) {
                        if (dayOfWeekMatches(d, first, first.plusYears(1).minusDays(1))) out.add(d);
                    }
                    return out;
                }
                for (int month = 1; month <= 12; month++) {
                    if (months != null && !months.contains(month)) continue;
                    monthDays(first.withMonth(month), out);
                }
            }
            case MONTHLY -> {
                if (byMonth.isEmpty() || byMonth.contains(first.getMonthValue())) monthDays(first, out);
            }
            case WEEKLY -> {
                for (int i = 0; i < 7; i++) {
                    LocalDate d = first.plusDays(i);
                    boolean day = byDay.isEmpty() ? d.getDayOfWeek() == start.getDayOfWeek()
                            : byDay.stream().anyMatch(w -> w.day() == d.getDayOfWeek());
                    if (day && limits(d)) out.add(d);
                }
            }
            case DAILY, HOURLY, MINUTELY -> {
                boolean day = byDay.isEmpty() || byDay.stream().anyMatch(w -> w.day() == first.getDayOfWeek());
                if (day && limits(first)) out.add(first);
            }
        }
        return out;
    }

    /** The days of {@code month} (its first day) by BYMONTHDAY and BYDAY, or DTSTART's day of the month. */
    private void monthDays(LocalDate month, List<LocalDate> out) {
        int length = month.lengthOfMonth();
        LocalDate last = month.withDayOfMonth(length);
        for (int dom = 1; dom <= length; dom++) {
            LocalDate d = month.withDayOfMonth(dom);
            boolean matches;
            if (byMonthDay.isEmpty() && byDay.isEmpty()) {
                matches = dom == start.getDayOfMonth();
            } else {
                matches = (byMonthDay.isEmpty() || monthDayMatches(dom, length))
                        && (byDay.isEmpty() || dayOfWeekMatches(d, month, last));
            }
            if (matches) out.add(d);
        }
    }

    private boolean monthDayMatches(int dom, int length) {
        for (int md : byMonthDay) {
            if (md > 0 ? md == dom : length + md + 1 == dom) return true;
        }
        return false;
    }

    /** True if {@code d} is a BYDAY day, its ordinal counted within [{@code from}, {@code to}]. */
    private boolean dayOfWeekMatches(LocalDate d, LocalDate from, LocalDate to) {
        for (WeekDay w : byDay) {
            if (w.day() != d.getDayOfWeek()) continue;
            if (w.ordinal() == 0) return true;
            long nthFromStart = ChronoUnit.DAYS.between(from, d) / 7 + 1;
            long nthFromEnd = ChronoUnit.DAYS.between(d, to) / 7 + 1;
            if (w.ordinal() > 0 ? w.ordinal() == nthFromStart : -w.ordinal() == nthFromEnd) return true;
        }
        return false;
    }

    /** BYMONTH and BYMONTHDAY, where they limit (weekly and shorter rules). */
    private boolean limits(LocalDate d) {
        return (byMonth.isEmpty() || byMonth.contains(d.getMonthValue()))
                && (byMonthDay.isEmpty() || monthDayMatches(d.getDayOfMonth(), d.lengthOfMonth()));
    }

    private static List<Integer> sorted(Set<Integer> s) {
        return new ArrayList<>(new TreeSet<>(s));
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Builder {
        final String text;
        ZoneId zone;
        LocalDateTime start = LocalDateTime.of(2020, 1, 1, 0, 0);
        Frequency freq;
        int interval = 1;
        Integer count;
        Instant until;
        final Set<Integer> byMonth = new HashSet<>(), byHour = new HashSet<>(), byMinute = new HashSet<>(),
                bySecond = new HashSet<>();
        final List<Integer> byMonthDay = new ArrayList<>(), bySetPos = new ArrayList<>();
        final List<WeekDay> byDay = new ArrayList<>();
        DayOfWeek weekStart = DayOfWeek.MONDAY;
        final Set<Instant> excluded = new HashSet<>();
        final TreeSet<Instant> added = new TreeSet<>();

        Builder(String text, ZoneId zone) {
            this.text = text;
            this.zone = zone;
        }

        /** {@code DTSTART:20260101T090000}, {@code DTSTART;TZID=Europe/Paris:...} or {@code ...Z}. */
        void dtstart(String line) {
            ZonedDateTime t = dateTimes(line).get(0);
            zone = t.getZone();
            start = t.toLocalDateTime();
        }

        List<Instant> dates(String line) {
            return dateTimes(line).stream().map(ZonedDateTime::toInstant).toList();
        }

        /** The values of a DTSTART, EXDATE or RDATE line, in its TZID, UTC (Z) or the rule's zone. */
        List<ZonedDateTime> dateTimes(String line) {
            int colon = line.lastIndexOf(':');
            if (colon < 0) throw error("the line '" + line + "' has no ':' before its value");
            ZoneId in = zone;
            for (String param : line.substring(0, colon).split(";")) {
                if (param.toUpperCase(Locale.ROOT).startsWith("TZID=")) {
                    String id = param.substring("TZID=".length());
                    try {
                        in = ZoneId.of(id);
                    } catch (RuntimeException e) {
                        throw error("the time zone '" + id + "' in '" + line + "' is unknown (use an IANA name such as"
                                + " Europe/Paris)");
                    }
                }
            }
            List<ZonedDateTime> out = new ArrayList<>();
            for (String v : line.substring(colon + 1).split(",")) out.add(dateTime(v.trim(), in, line));
            return out;
        }

        ZonedDateTime dateTime(String v, ZoneId in, String where) {
            try {
                if (v.endsWith("Z") || v.endsWith("z")) {
                    return LocalDateTime.parse(v.substring(0, v.length() - 1), LOCAL).atZone(ZoneOffset.UTC);
                }
                if (v.length() == 8) return LocalDate.parse(v, DATE).atStartOfDay(in);
                return LocalDateTime.parse(v, LOCAL).atZone(in);
            } catch (DateTimeParseException e) {
                throw error("'" + v + "' in '" + where + "' is not a date-time like 20260101T090000 (local),"
                        + " 20260101T080000Z (UTC) or a date like 20260101");
            }
        }

        void rule(String rrule) {
            for (String part : rrule.split(";")) {
                if (part.isBlank()) continue;
                int eq = part.indexOf('=');
                if (eq < 0) throw error("'" + part + "' is not NAME=VALUE");
                String name = part.substring(0, eq).trim().toUpperCase(Locale.ROOT);
                String value = part.substring(eq + 1).trim();
                switch (name) {
                    case "FREQ" -> freq = frequency(value);
                    case "INTERVAL" -> interval = positive(value, name);
                    case "COUNT" -> count = positive(value, name);
                    case "UNTIL" -> until = dateTime(value, zone, part).toInstant();
                    case "BYMONTH" -> numbers(value, name, 1, 12, false).forEach(byMonth::add);
                    case "BYMONTHDAY" -> byMonthDay.addAll(numbers(value, name, 1, 31, true));
                    case "BYHOUR" -> byHour.addAll(numbers(value, name, 0, 23, false));
                    case "BYMINUTE" -> byMinute.addAll(numbers(value, name, 0, 59, false));
                    case "BYSECOND" -> bySecond.addAll(numbers(value, name, 0, 59, false));
                    case "BYSETPOS" -> bySetPos.addAll(numbers(value, name, 1, 366, true));
                    case "BYDAY" -> {
                        for (String d : value.split(",")) byDay.add(weekDay(d.trim()));
                    }
                    case "WKST" -> weekStart = day(value, part);
                    case "BYYEARDAY", "BYWEEKNO" -> throw error(name + " is not supported; BYMONTH, BYMONTHDAY, BYDAY"
                            + " and BYSETPOS express most such rules");
                    default -> throw error("'" + name + "' is not a rule part (FREQ, INTERVAL, COUNT, UNTIL, BYMONTH,"
                            + " BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSECOND, BYSETPOS, WKST)");
                }
            }
            if (freq == null) throw error("FREQ is missing (YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY)");
            if (count != null && until != null) throw error("COUNT and UNTIL cannot both be given");
            boolean ordinals = byDay.stream().anyMatch(w -> w.ordinal() != 0);
            if (ordinals && freq != Frequency.YEARLY && freq != Frequency.MONTHLY) {
                throw error("BYDAY with a number (such as 1MO) needs FREQ=MONTHLY or FREQ=YEARLY");
            }
        }

        Frequency frequency(String v) {
            try {
                return Frequency.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error("FREQ=" + v + " is not supported; use YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY");
            }
        }

        int positive(String v, String name) {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // said below
            }
            throw error(name + "=" + v + " must be a whole number of at least 1");
        }

        List<Integer> numbers(String v, String name, int min, int max, boolean negative) {
            List<Integer> out = new ArrayList<>();
            for (String s : v.split(",")) {
                int n;
                try {
                    n = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw error(name + " value '" + s + "' is not a number");
                }
                int abs = Math.abs(n);
                if (abs < min || abs > max || n < 0 && !negative) {
                    throw error(name + " value " + n + " is out of range " + (negative ? "±" : "") + min + "-" + max);
                }
                out.add(n);
            }
            return out;
        }

        WeekDay weekDay(String v) {
            if (v.length() < 2) throw error("BYDAY value '" + v + "' is not a day such as MO, 1MO or -1FR");
            String ordinal = v.substring(0, v.length() - 2);
            int n = 0;
            if (!ordinal.isEmpty() && !ordinal.equals("+")) {
                try {
                    n = Integer.parseInt(ordinal.startsWith("+") ? ordinal.substring(1) : ordinal);
                } catch (NumberFormatException e) {
                    throw error("BYDAY value '" + v + "' is not a day such as MO, 1MO or -1FR");
                }
                if (n == 0 || Math.abs(n) > 53) throw error("BYDAY value '" + v + "' has an ordinal out of range ±1-53");
            }
            return new WeekDay(n, day(v.substring(v.length() - 2), v));
        }

        DayOfWeek day(String code, String where) {
            int i = DAY_CODES.indexOf(code.toUpperCase(Locale.ROOT));
            if (i < 0) throw error("'" + where + "': '" + code + "' is not a day (MO, TU, WE, TH, FR, SA, SU)");
            return DayOfWeek.of(i + 1);
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("RRULE '" + text.replaceAll("\\R", " ") + "': " + what);
        }
    }
}
