package dev.baton.internal.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cron expression of five fields (minute, hour, day of month, month, day of week) read on the
 * wall clock of a time zone, as Vixie cron and Prefect read it: lists, ranges and steps
 * ({@code 1,15}, {@code 9-17}, {@code *&#47;15}, {@code 10-40/5}), month and day names,
 * {@code 7} as Sunday, {@code L} (the last day of the month) and {@code FRI#2} (the second
 * Friday) and {@code 5L} (the last Friday), and the nicknames {@code @yearly}, {@code @monthly},
 * {@code @weekly}, {@code @daily}, {@code @hourly}. When both day fields are restricted, a day
 * matching either runs.
 *
 * <p>Daylight saving time: a wall time that does not exist that day (the clock jumps over it) is
 * not run; a wall time that happens twice (the clock goes back) runs once, at its first occurrence.
 */
public final class CronExpression {
    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
            "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** How far ahead a next time is looked for: an expression matching nothing sooner (30 February) matches nothing. */
    private static final int YEARS_AHEAD = 8;

    private final String text;
    private final BitSet minutes, hours, daysOfMonth, months, daysOfWeek;
    private final boolean lastDayOfMonth;
    /** Bit 8*d+n: the n-th (1..5) day d (0 = Sunday) of the month; bit 8*d: the last one. */
    private final BitSet nthDaysOfWeek;
    private final boolean dayOfMonthRestricted, dayOfWeekRestricted;

    private CronExpression(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth, boolean lastDayOfMonth,
                           BitSet months, BitSet daysOfWeek, BitSet nthDaysOfWeek, boolean domRestricted,
                           boolean dowRestricted) {
        this.text = text;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.lastDayOfMonth = lastDayOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.nthDaysOfWeek = nthDaysOfWeek;
        this.dayOfMonthRestricted = domRestricted;
        this.dayOfWeekRestricted = dowRestricted;
    }

    /**
     * Reads {@code expression}.
     *
     * @throws IllegalArgumentException naming the field and the value that is wrong
     */
    public static CronExpression parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("A cron expression is needed, e.g. \"0 2 * * *\" (02:00 every day)");
        }
        String text = expression.trim();
        String expanded = NICKNAMES.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        if (expanded.startsWith("@")) {
            throw new IllegalArgumentException("Cron expression '" + text + "': unknown nickname; use one of "
                    + NICKNAMES.keySet().stream().sorted().toList() + " or five fields");
        }
        String[] f = expanded.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("Cron expression '" + text + "' has " + f.length + " field"
                    + (f.length == 1 ? "" : "s") + "; it needs 5: minute hour day-of-month month day-of-week"
                    + " (e.g. \"0 2 * * *\" for 02:00 every day)");
        }
        Fields p = new Fields(text);
        BitSet minutes = p.field(f[0], "minute", 0, 59, null);
        BitSet hours = p.field(f[1], "hour", 0, 23, null);
        boolean last = f[2].equalsIgnoreCase("L");
        BitSet dom = last ? new BitSet() : p.field(f[2], "day-of-month", 1, 31, null);
        BitSet months = p.field(f[3], "month", 1, 12, MONTHS);
        BitSet nth = new BitSet();
        BitSet dow = p.daysOfWeek(f[4], nth);
        return new CronExpression(text, minutes, hours, dom, last, months, dow, nth,
                !f[2].equals("*") && !f[2].equals("?"), !f[4].equals("*") && !f[4].equals("?"));
    }

    /**
     * The first time strictly after {@code after} that this expression matches on the wall clock of
     * {@code zone}; null if it matches none in the next {@value #YEARS_AHEAD} years.
     */
    public Instant next(Instant after, ZoneId zone) {
        LocalDateTime t = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime end = t.plusYears(YEARS_AHEAD);
        while (t.isBefore(end)) {
            if (!months.get(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                int h = hours.nextSetBit(t.getHour());
                t = h < 0 ? t.toLocalDate().plusDays(1).atStartOfDay() : t.toLocalDate().atTime(h, 0);
            } else if (!minutes.get(t.getMinute())) {
                int m = minutes.nextSetBit(t.getMinute());
                t = m < 0 ? t.truncatedTo(ChronoUnit.HOURS).plusHours(1) : t.withMinute(m);
            } else {
                Instant at = firstOccurrence(t, zone);
                if (at != null && at.isAfter(after)) return at;
                t = t.plusMinutes(1); // in a gap (not run), or the repeated hour's second pass (run once, already)
            }
        }
        return null;
    }

    /** The instant of wall time {@code t} in {@code zone}: its first occurrence; null if the clock skips it. */
    private static Instant firstOccurrence(LocalDateTime t, ZoneId zone) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(t);
        if (offsets.isEmpty()) return null;
        ZoneOffset earliest = offsets.get(0);
        for (ZoneOffset o : offsets) {
            if (o.getTotalSeconds() > earliest.getTotalSeconds()) earliest = o; // a larger offset is an earlier instant
        }
        return t.toInstant(earliest);
    }

    private boolean dayMatches(LocalDate d) {
        boolean dom = lastDayOfMonth ? d.getDayOfMonth() == d.lengthOfMonth() : daysOfMonth.get(d.getDayOfMonth());
        int day = d.getDayOfWeek().getValue() % 7; // 0 = Sunday
        boolean dow = daysOfWeek.get(day) || nthDaysOfWeek.get(8 * day + (d.getDayOfMonth() - 1) / 7 + 1)
                || nthDaysOfWeek.get(8 * day) && d.plusWeeks(1).getMonthValue() != d.getMonthValue();
        if (dayOfMonthRestricted && dayOfWeekRestricted) return dom || dow;
        if (dayOfMonthRestricted) return dom;
        if (dayOfWeekRestricted) return dow;
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Reads the fields of one expression, naming it in every error. */
    private record Fields(String text) {
        BitSet field(String value, String name, int min, int max, List<String> names) {
            BitSet bits = new BitSet(max + 1);
            for (String part : value.split(",", -1)) {
                if (part.isEmpty()) throw error(name, value, "an empty list item");
                int step = 1;
                String range = part;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    range = part.substring(0, slash);
                    step = number(part.substring(slash + 1), name, part, names);
                    if (step < 1) throw error(name, part, "a step of " + step + " (it must be at least 1)");
                }
                int from, to;
                if (range.equals("*") || range.equals("?")) {
                    from = min;
                    to = max;
                } else {
                    int dash = range.indexOf('-', 1);
                    from = number(dash < 0 ? range : range.substring(0, dash), name, part, names);
                    to = dash < 0 ? (slash >= 0 ? max : from) : number(range.substring(dash + 1), name, part, names);
                }
                if (from < min || from > max || to < min || to > max) {
                    throw error(name, part, "a value out of range " + min + "-" + max);
                }
                if (from > to) throw error(name, part, "a range that ends before it starts");
                boolean sundayIsSeven = name.equals("day-of-week");
                for (int v = from; v <= to; v += step) bits.set(sundayIsSeven && v == 7 ? 0 : v);
            }
            return bits;
        }

        BitSet daysOfWeek(String value, BitSet nth) {
            StringBuilder plain = new StringBuilder();
            for (String part : value.split(",", -1)) {
                int hash = part.indexOf('#');
                if (hash > 0) {
                    int day = day(part.substring(0, hash), part);
                    int n = number(part.substring(hash + 1), "day-of-week", part, null);
                    if (n < 1 || n > 5) throw error("day-of-week", part, "an occurrence out of range 1-5");
                    nth.set(8 * day + n);
                } else if (part.length() > 1 && (part.endsWith("L") || part.endsWith("l"))) {
                    nth.set(8 * day(part.substring(0, part.length() - 1), part));
                } else {
                    if (!plain.isEmpty()) plain.append(',');
                    plain.append(part);
                }
            }
            return plain.isEmpty() ? new BitSet() : field(plain.toString(), "day-of-week", 0, 7, DAYS);
        }

        private int day(String s, String part) {
            int d = number(s, "day-of-week", part, DAYS);
            if (d < 0 || d > 7) throw error("day-of-week", part, "a day out of range 0-7");
            return d % 7;
        }

        private int number(String s, String name, String part, List<String> names) {
            if (names != null) {
                int i = names.indexOf(s.toUpperCase(Locale.ROOT));
                if (i >= 0) return names == MONTHS ? i + 1 : i;
            }
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw error(name, part, "'" + s + "', which is not a number" + (names == null ? "" : " or a name ("
                        + String.join(", ", names) + ")"));
            }
        }

        private IllegalArgumentException error(String name, String part, String what) {
            return new IllegalArgumentException("Cron expression '" + text + "': the " + name + " field '" + part
                    + "' has " + what + " (fields: minute hour day-of-month month day-of-week)");
        }
    }
}
