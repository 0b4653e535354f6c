package dev.baton;

import dev.baton.internal.schedule.CronExpression;
import dev.baton.internal.schedule.RecurrenceRule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When a deployment's flow runs are due: a cron expression in a time zone, a fixed interval from
 * an anchor, or an RFC 5545 recurrence rule, as in Prefect. A schedule may carry parameters of its
 * own, which its runs get on top of the deployment's.
 *
 * <pre>{@code
 * Schedule.cron("0 2 * * *", "Europe/Paris")                       // 02:00 every day, Paris time
 * Schedule.interval(Duration.ofMinutes(15))                        // :00, :15, :30, :45
 * Schedule.rrule("FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=0", "America/New_York")
 * Schedule.cron("0 * * * *").withParameters(Map.of("mode", "incremental"))
 * }</pre>
 *
 * <p><b>Daylight saving time.</b> Cron and recurrence rules are read on the wall clock of their
 * zone. A cron time the clock skips that day is not run; a cron time the clock repeats runs once,
 * at its first occurrence. An interval of whole days keeps its wall-clock time across a change
 * (a time the clock skips moves past the gap); any other interval is a fixed length of time.
 *
 * <p>Schedules are values: equal when they are alike, and they never change.
 */
public final class Schedule {
    /** Where an interval is counted from when no anchor is given: 2020-01-01 00:00 UTC. */
    public static final ZonedDateTime DEFAULT_ANCHOR = ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    /** What kind of schedule this is. */
    public enum Kind { CRON, INTERVAL, RRULE }

    private final Kind kind;
    private final String expression;
    private final ZoneId zone;
    private final Duration every;
    private final ZonedDateTime anchor;
    private final CronExpression cron;
    private final RecurrenceRule rule;
    private final Map<String, Object> parameters;

    private Schedule(Kind kind, String expression, ZoneId zone, Duration every, ZonedDateTime anchor,
                     CronExpression cron, RecurrenceRule rule, Map<String, Object> parameters) {
        this.kind = kind;
        this.expression = expression;
        this.zone = zone;
        this.every = every;
        this.anchor = anchor;
        this.cron = cron;
        this.rule = rule;
        this.parameters = parameters;
    }

    /** A cron schedule read in UTC; see {@link #cron(String, String)}. */
    public static Schedule cron(String expression) {
        return cron(expression, "UTC");
    }

    /**
     * A cron schedule: five fields (minute hour day-of-month month day-of-week) read on the wall
     * clock of {@code timeZone} (an IANA name such as {@code Europe/Paris}); lists, ranges, steps,
     * names, {@code L}, {@code FRI#2} and nicknames such as {@code @daily} are understood.
     *
     * @throws IllegalArgumentException if the expression or the zone is not valid, saying what is wrong
     */
    public static Schedule cron(String expression, String timeZone) {
        ZoneId zone = zone(timeZone);
        CronExpression cron = CronExpression.parse(expression);
        return new Schedule(Kind.CRON, cron.toString(), zone, null, null, cron, null, Map.of());
    }

    /** Every {@code every}, counted from {@link #DEFAULT_ANCHOR}. */
    public static Schedule interval(Duration every) {
        return interval(every, DEFAULT_ANCHOR);
    }

    /**
     * Every {@code every} (at least a second), counted from {@code anchor} (earlier and later
     * times alike), in the anchor's zone.
     *
     * @throws IllegalArgumentException if {@code every} is shorter than a second
     */
    public static Schedule interval(Duration every, ZonedDateTime anchor) {
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(anchor, "anchor");
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("An interval schedule needs an interval of at least 1 second, got "
                    + every);
        }
        return new Schedule(Kind.INTERVAL, every.toString(), anchor.getZone(), every, anchor, null, null, Map.of());
    }

    /** A recurrence rule read in UTC unless its {@code DTSTART} names a zone; see {@link #rrule(String, String)}. */
    public static Schedule rrule(String rule) {
        return rrule(rule, "UTC");
    }

    /**
     * An RFC 5545 recurrence rule, such as {@code FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17}, with optional
     * {@code DTSTART}, {@code EXDATE} and {@code RDATE} lines; its times are wall-clock times of
     * {@code timeZone} unless its {@code DTSTART} names another ({@code DTSTART;TZID=...}). Without
     * {@code DTSTART} it starts at 2020-01-01 00:00 in that zone.
     *
     * @throws IllegalArgumentException if the rule or the zone is not valid, saying what is wrong
     */
    public static Schedule rrule(String rule, String timeZone) {
        RecurrenceRule r = RecurrenceRule.parse(rule, zone(timeZone));
        return new Schedule(Kind.RRULE, r.toString(), r.zone(), null, null, null, r, Map.of());
    }

    /** This schedule giving its runs {@code parameters} on top of the deployment's. */
    public Schedule withParameters(Map<String, ?> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, Object> copy = new LinkedHashMap<>();
        parameters.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "a parameter name"), v));
        return new Schedule(kind, expression, zone, every, anchor, cron, rule, Collections.unmodifiableMap(copy));
    }

    /** Cron, interval or recurrence rule. */
    public Kind kind() {
        return kind;
    }

    /** The cron expression, the recurrence rule, or the interval (ISO 8601, e.g. {@code PT15M}). */
    public String expression() {
        return expression;
    }

    /** The zone whose wall clock the schedule is read on. */
    public ZoneId zone() {
        return zone;
    }

    /** The anchor an interval is counted from; empty for other kinds. */
    public Optional<ZonedDateTime> anchor() {
        return Optional.ofNullable(anchor);
    }

    /** The parameters this schedule's runs get on top of the deployment's (often none). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The first due time strictly after {@code after}; empty if the schedule has ended (a rule's COUNT or UNTIL). */
    public Optional<Instant> next(Instant after) {
        Objects.requireNonNull(after, "after");
        return Optional.ofNullable(switch (kind) {
            case CRON -> cron.next(after, zone);
            case INTERVAL -> nextInterval(after);
            case RRULE -> rule.next(after);
        });
    }

    /**
     * The due times strictly after {@code after} and not after {@code until}, in order, at most
     * {@code max}: what a scheduler creates runs for ahead of time.
     */
    public List<Instant> upcoming(Instant after, Instant until, int max) {
        Objects.requireNonNull(until, "until");
        List<Instant> out = new ArrayList<>();
        Instant t = after;
        while (out.size() < max) {
            Optional<Instant> n = next(t);
            if (n.isEmpty() || n.get().isAfter(until)) break;
            out.add(n.get());
            t = n.get();
        }
        return out;
    }

    private Instant nextInterval(Instant after) {
        if (isWholeDays()) {
            long days = every.toDays();
            LocalDateTime start = anchor.toLocalDateTime();
            LocalDateTime local = LocalDateTime.ofInstant(after, zone);
            long k = Math.floorDiv(ChronoUnit.DAYS.between(start.toLocalDate(), local.toLocalDate()), days) - 1;
            while (true) {
                Instant t = ZonedDateTime.of(start.plusDays(k * days), zone).toInstant();
                if (t.isAfter(after)) return t;
                k++;
            }
        }
        long everyNanos = every.toNanos();
        Instant a = anchor.toInstant();
        long since = Duration.between(a, after).toNanos();
        long k = Math.floorDiv(since, everyNanos) + 1;
        return a.plusNanos(k * everyNanos);
    }

    private boolean isWholeDays() {
        return every.toSeconds() % 86_400 == 0 && every.toNanosPart() == 0;
    }

    private static ZoneId zone(String timeZone) {
        Objects.requireNonNull(timeZone, "timeZone");
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("Unknown time zone '" + timeZone + "': use an IANA name such as"
                    + " Europe/Paris or America/New_York, or UTC");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && kind == s.kind && expression.equals(s.expression) && zone.equals(s.zone)
                && Objects.equals(anchor, s.anchor) && parameters.equals(s.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, expression, zone, anchor, parameters);
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case CRON -> "cron '" + expression + "' (" + zone + ")";
            case INTERVAL -> "every " + every + " from " + anchor;
            case RRULE -> "rrule '" + expression.replaceAll("\\R", " ") + "' (" + zone + ")";
        };
        return parameters.isEmpty() ? what : what + " with " + parameters;
    }
}
