package dev.baton.spi;

import dev.baton.Schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a deployment's schedules and parameters are kept as JSON, by every store and on the wire:
 * a schedule is {@code {"kind":"CRON","expression":"0 2 * * *","zone":"Europe/Paris"}} (an interval
 * has an ISO-8601 duration as its expression and an {@code "anchor"}), with {@code "parameters"} if
 * it has any; parameters are a JSON object by name.
 */
public final class DeploymentJson {
    private static final class Mapper {
        static final ObjectMapper MAPPER = RunEvents.newMapper();
    }

    private DeploymentJson() {}

    /** {@code schedules} as a JSON array. */
    public static String schedules(List<Schedule> schedules) {
        List<Map<String, Object>> out = new ArrayList<>(schedules.size());
        for (Schedule s : schedules) out.add(toMap(s));
        return write(out);
    }

    /** The schedules of a JSON array that {@link #schedules(List)} wrote. */
    public static List<Schedule> schedules(String json) {
        List<Map<String, Object>> in = read(json, new TypeReference<>() {});
        List<Schedule> out = new ArrayList<>(in.size());
        for (Map<String, Object> m : in) out.add(fromMap(m));
        return out;
    }

    /** A schedule as a JSON-ready map. */
    public static Map<String, Object> toMap(Schedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.kind().name());
        m.put("expression", s.expression());
        m.put("zone", s.zone().getId());
        s.anchor().ifPresent(a -> m.put("anchor", a.toOffsetDateTime().toString()));
        if (!s.parameters().isEmpty()) m.put("parameters", s.parameters());
        return m;
    }

    /**
     * The schedule a JSON-ready map describes.
     *
     * @throws IllegalArgumentException if it does not describe one, saying what is wrong
     */
    @SuppressWarnings("unchecked")
    public static Schedule fromMap(Map<String, Object> m) {
        Object kind = m.get("kind"), expression = m.get("expression");
        if (!(kind instanceof String k) || !(expression instanceof String e)) {
            throw new IllegalArgumentException("A schedule needs a \"kind\" (CRON, INTERVAL or RRULE) and an"
                    + " \"expression\"; got " + m);
        }
        String zone = m.get("zone") instanceof String z ? z : "UTC";
        Schedule s = switch (k.toUpperCase(java.util.Locale.ROOT)) {
            case "CRON" -> Schedule.cron(e, zone);
            case "RRULE" -> Schedule.rrule(e, zone);
            case "INTERVAL" -> {
                Duration every;
                try {
                    every = Duration.parse(e);
                } catch (java.time.format.DateTimeParseException x) {
                    throw new IllegalArgumentException("An interval schedule's expression is an ISO-8601 duration"
                            + " such as PT15M or P1D; got '" + e + "'");
                }
                Object anchor = m.get("anchor");
                ZonedDateTime at = anchor instanceof String a
                        ? java.time.OffsetDateTime.parse(a).atZoneSameInstant(java.time.ZoneId.of(zone))
                        : Schedule.DEFAULT_ANCHOR.withZoneSameInstant(java.time.ZoneId.of(zone));
                yield Schedule.interval(every, at);
            }
            default -> throw new IllegalArgumentException("A schedule's kind is CRON, INTERVAL or RRULE, not '"
                    + k + "'");
        };
        Object parameters = m.get("parameters");
        return parameters instanceof Map<?, ?> p ? s.withParameters((Map<String, ?>) p) : s;
    }

    /** A JSON object of {@code parameters}. */
    public static String parameters(Map<String, ?> parameters) {
        return write(parameters);
    }

    /**
     * The parameters of a JSON object, in order.
     *
     * @throws IllegalArgumentException if {@code json} is not a JSON object
     */
    public static Map<String, Object> parameters(String json) {
        Map<String, Object> m = read(json == null || json.isBlank() ? "{}" : json, new TypeReference<>() {});
        if (m == null) throw new IllegalArgumentException("Parameters are a JSON object, such as {\"day\": \"2026-01-01\"}; got " + json);
        return m;
    }

    /** {@code base} with each of {@code over}'s parameters put over it, as a JSON object. */
    public static String merged(String base, Map<String, ?> over) {
        if (over.isEmpty()) return base;
        Map<String, Object> m = new LinkedHashMap<>(parameters(base));
        m.putAll(over);
        return write(m);
    }

    private static String write(Object value) {
        try {
            return Mapper.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Mapper.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not the JSON expected (" + e.getOriginalMessage() + "): " + json, e);
        }
    }
}
