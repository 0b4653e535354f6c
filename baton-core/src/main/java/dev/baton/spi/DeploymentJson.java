package dev.baton.spi;

import dev.baton.Schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How a deployment's schedules and parameters are kept as JSON, by every store and on the wire:
 * a schedule is {@code {"kind":"CRON","expression":"0 2 * * *","zone":"Europe/Paris"}} (an interval
 * has an ISO-8601 duration as its expression and an {@code "anchor"}), with {@code "parameters"} if
 * it has any; parameters are a JSON object by name.
 *
 * <p>A whole deployment travels (between the API server and its clients) as a {@link DeploymentBody}:
 * the same fields as a {@link DeploymentRecord}, with its parameters and its parameter schema as JSON
 * objects and its schedules in the form above ({@link ScheduleBody}). {@link #body(DeploymentRecord)} and
 * {@link DeploymentBody#toRecord()} convert, the one place both sides do.
 */
public final class DeploymentJson {
    private static final class Mapper {
        static final ObjectMapper MAPPER = RunEvents.newMapper();
    }

    private DeploymentJson() {}

    /**
     * A schedule as it travels in JSON: what {@link #toMap(Schedule)} makes, as a record.
     *
     * @param kind       CRON, INTERVAL or RRULE
     * @param expression the cron expression, the recurrence rule, or the interval as an ISO-8601 duration (PT15M)
     * @param zone       the IANA zone its times are read in (default UTC)
     * @param anchor     where an interval counts from, an ISO-8601 time with its offset (default 2020-01-01T00:00Z)
     * @param parameters the parameters its runs get over the deployment's (default none)
     */
    public record ScheduleBody(Schedule.Kind kind, String expression, @Nullable String zone, @Nullable String anchor,
                               @Nullable Map<String, Object> parameters) {
        /** {@code s} as it travels. */
        public static ScheduleBody of(Schedule s) {
            Map<String, Object> m = toMap(s);
            @SuppressWarnings("unchecked")
            Map<String, Object> parameters = (Map<String, Object>) m.get("parameters");
            return new ScheduleBody(s.kind(), s.expression(), s.zone().getId(), (String) m.get("anchor"), parameters);
        }

        /**
         * The schedule this describes.
         *
         * @throws IllegalArgumentException if it describes none (no kind, a bad expression, zone or anchor),
         *                                  saying what is wrong
         */
        public Schedule toSchedule() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (kind != null) m.put("kind", kind.name());
            if (expression != null) m.put("expression", expression);
            if (zone != null) m.put("zone", zone);
            if (anchor != null) m.put("anchor", anchor);
            if (parameters != null) m.put("parameters", parameters);
            return fromMap(m);
        }
    }

    /**
     * A deployment as it travels in JSON, with the fields of a {@link DeploymentRecord}. In a
     * request to create or update one, {@code id}, {@code created} and {@code updated} may be
     * left out (the server gives them), and so may parameters, schedules, tags (none),
     * {@code paused} (false) and {@code parameterSchema} (not known).
     *
     * @param parameterSchema the parameters the deployment's flow takes, as a JSON Schema object, or null
     *                        when not known (see {@link DeploymentRecord#parameterSchema()})
     */
    public record DeploymentBody(UUID id, String name, String flowName, @Nullable String entrypoint,
                                 @Nullable String description, Map<String, Object> parameters,
                                 @Nullable Map<String, Object> parameterSchema, List<ScheduleBody> schedules, Set<String> tags, @Nullable String workPool,
                                 @Nullable Integer concurrencyLimit, Boolean paused, Instant created, Instant updated) {

        /** This body with {@code id}, {@code created} and {@code updated} given where it leaves them out. */
        public DeploymentBody withDefaults(UUID newId, Instant now) {
            return new DeploymentBody(id != null ? id : newId, name, flowName, entrypoint, description, parameters,
                    parameterSchema, schedules, tags, workPool, concurrencyLimit, paused, created != null ? created : now,
                    updated != null ? updated : now);
        }

        /**
         * The deployment this describes.
         *
         * @throws IllegalArgumentException naming the field that is missing or wrong (a schedule by its place
         *                                  in the list), and what it should be
         */
        public DeploymentRecord toRecord() {
            DeploymentRecord.checkName(name);
            String of = " of deployment '" + name + "'";
            if (id == null) throw new IllegalArgumentException("The id" + of + " is missing");
            if (flowName == null || flowName.isBlank()) {
                throw new IllegalArgumentException("The flowName" + of + " is missing: the name of the flow it runs");
            }
            if (created == null || updated == null) {
                throw new IllegalArgumentException("The " + (created == null ? "created" : "updated") + " time" + of
                        + " is missing");
            }
            List<Schedule> s = new ArrayList<>(schedules == null ? 0 : schedules.size());
            if (schedules != null) {
                for (int i = 0; i < schedules.size(); i++) {
                    ScheduleBody b = schedules.get(i);
                    if (b == null) throw new IllegalArgumentException("Schedule [" + i + "]" + of + " is null");
                    try {
                        s.add(b.toSchedule());
                    } catch (IllegalArgumentException | DateTimeException e) {
                        throw new IllegalArgumentException("Schedule [" + i + "]" + of + ": " + e.getMessage(), e);
                    }
                }
            }
            String json;
            try {
                json = DeploymentJson.parameters(parameters == null ? Map.of() : parameters);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The parameters" + of + ": " + e.getMessage(), e);
            }
            String schema = parameterSchema == null ? null : write(parameterSchema);
            if (tags != null) {
                for (String tag : tags) { // immutable sets refuse contains(null)
                    if (tag == null) throw new IllegalArgumentException("The tags" + of + " hold null");
                }
            }
            return new DeploymentRecord(id, name, flowName, entrypoint, description, json, schema, s,
                    tags == null ? Set.of() : tags, workPool, concurrencyLimit, Boolean.TRUE.equals(paused), created,
                    updated);
        }
    }

    /** {@code d} as it travels in JSON. */
    public static DeploymentBody body(DeploymentRecord d) {
        List<ScheduleBody> schedules = new ArrayList<>(d.schedules().size());
        for (Schedule s : d.schedules()) schedules.add(ScheduleBody.of(s));
        return new DeploymentBody(d.id(), d.name(), d.flowName(), d.entrypoint(), d.description(),
                parameters(d.parameters()), parameterSchema(d.parameterSchema()), schedules, d.tags(), d.workPool(), d.concurrencyLimit(), d.paused(),
                d.created(), d.updated());
    }

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
                java.time.ZoneId z;
                try {
                    z = java.time.ZoneId.of(zone);
                } catch (DateTimeException x) {
                    throw new IllegalArgumentException("A schedule's zone is an IANA time zone such as Europe/Paris"
                            + " or UTC; got '" + zone + "'");
                }
                ZonedDateTime at;
                try {
                    at = anchor instanceof String a ? java.time.OffsetDateTime.parse(a).atZoneSameInstant(z)
                            : Schedule.DEFAULT_ANCHOR.withZoneSameInstant(z);
                } catch (DateTimeException x) {
                    throw new IllegalArgumentException("An interval schedule's anchor is a time with its offset such"
                            + " as 2026-01-05T09:00+01:00; got '" + anchor + "'");
                }
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

    /**
     * A parameter schema as a JSON-ready map, in its order: what {@link DeploymentRecord#parameterSchema()}
     * holds as JSON text. Null for null.
     *
     * @throws IllegalArgumentException if {@code json} is not a JSON object
     */
    public static @Nullable Map<String, Object> parameterSchema(@Nullable String json) {
        if (json == null) return null;
        Map<String, Object> m = read(json, new TypeReference<>() {});
        if (m == null) throw new IllegalArgumentException("A parameter schema is a JSON Schema object; got " + json);
        return m;
    }

    /** A parameter schema as the JSON text a {@link DeploymentRecord} keeps. */
    public static String parameterSchema(Map<String, ?> schema) {
        return write(schema);
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
