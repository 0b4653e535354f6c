package dev.baton.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration from the environment ({@code BATON_HEARTBEAT_INTERVAL=5s}): a number of seconds
 * ({@code 5}, {@code 0.5}), a number with a unit ({@code 500ms}, {@code 5s}, {@code 2m},
 * {@code 1h}) or ISO-8601 ({@code PT5S}).
 */
public final class ConfiguredDuration {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private ConfiguredDuration() {}

    /** The duration in environment variable {@code name}, or {@code fallback} when it is unset. */
    public static Duration fromEnvironment(String name, Duration fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : parse(name, value);
    }

    /**
     * @throws IllegalArgumentException naming the variable and the forms it takes, if {@code value} is none of them
     *                                  or not positive
     */
    public static Duration parse(String name, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1_000;
            };
            if (millis * 1_000_000 < Long.MAX_VALUE) d = Duration.ofNanos(Math.round(millis * 1_000_000));
        } else {
            try {
                d = Duration.parse(value.strip());
            } catch (DateTimeParseException e) {
                // refused below
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a positive duration: write seconds (5),"
                    + " a number with a unit (500ms, 5s, 2m, 1h) or ISO-8601 (PT5S)");
        }
        return d;
    }
}
