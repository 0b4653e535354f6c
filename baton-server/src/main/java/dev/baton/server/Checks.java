package dev.baton.server;

import dev.baton.spi.LogLine;
import dev.baton.spi.RecordedText;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEvents;
import dev.baton.spi.StateRecord;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checks what a request asks to record before anything is recorded: required fields present,
 * times within the range the store can keep (nanoseconds since 1970 in 64 bits); each failure is
 * an {@link ApiError} 400 naming the field. Text to record is not refused but cleaned exactly as
 * the embedded store cleans it ({@link RecordedText}: NUL and unpaired surrogates replaced, too
 * long clipped with a marker), so a run recorded through the server reads as one recorded in
 * process, and a value that passes here cannot make the store's batched write fail. Text that
 * only looks things up (names in filters, tags of limits) is still refused when it could never match.
 */
final class Checks {
    /** The earliest and latest times accepted: well inside what 64-bit nanoseconds since 1970 can hold. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private Checks() {}

    // ----- fields -----

    static String text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) throw ApiError.badRequest("Missing field '" + field + "': a string is required");
            return null;
        }
        if (required && value.isBlank()) throw ApiError.badRequest("Field '" + field + "' must not be blank");
        if (max > 0 && value.length() > max) {
            throw ApiError.badRequest("Field '" + field + "' is " + value.length() + " characters long; at most "
                    + max + " are allowed");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiError.badRequest("Field '" + field + "' contains a NUL character (\\u0000), which cannot be stored");
        }
        return value;
    }

    /**
     * A text a run's history records: present and not blank when {@code required}, then cleaned as
     * every store cleans {@code kind} of text.
     */
    static String recorded(String field, String value, RecordedText kind, boolean required) {
        if (value == null) {
            if (required) throw ApiError.badRequest("Missing field '" + field + "': a string is required");
            return null;
        }
        if (required && value.isBlank()) throw ApiError.badRequest("Field '" + field + "' must not be blank");
        return kind.clean(value);
    }

    static <T> T required(String field, T value) {
        if (value == null) throw ApiError.badRequest("Missing field '" + field + "'");
        return value;
    }

    static Instant time(String field, Instant value, boolean required) {
        if (value == null) {
            if (required) throw ApiError.badRequest("Missing field '" + field + "': an ISO-8601 timestamp is required");
            return null;
        }
        if (!inRange(value)) throw outOfRange(field, value);
        return value;
    }

    private static boolean inRange(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }

    private static ApiError outOfRange(String field, Instant value) {
        return ApiError.badRequest("Field '" + field + "' is " + value + ", outside the times Baton records ("
                + EARLIEST + " to " + LATEST + ")");
    }

    /** Tags of a run (or asked about by a run): none may be null or blank; each is cleaned as the stores record it. */
    static Set<String> tags(String field, Collection<String> tags) {
        if (tags == null) return Set.of();
        boolean clean = true;
        for (String tag : tags) clean &= tag != null && !tag.isBlank() && RecordedText.TAG.isClean(tag);
        if (clean) return Set.copyOf(tags); // the same set when it is an immutable one already
        java.util.LinkedHashSet<String> cleaned = new java.util.LinkedHashSet<>();
        for (String tag : tags) {
            if (tag == null) throw ApiError.badRequest("Field '" + field + "' contains null: tags are strings");
            cleaned.add(recorded(field + "[]", tag, RecordedText.TAG, true));
        }
        return Set.copyOf(cleaned);
    }

    static List<UUID> ids(String field, List<UUID> ids) {
        if (ids == null) return List.of();
        for (UUID id : ids) {
            if (id == null) throw ApiError.badRequest("Field '" + field + "' contains null: ids are UUID strings");
        }
        return List.copyOf(ids);
    }

    /**
     * A state as proposed: type required; name defaults to the type's ({@code Running}),
     * timestamp to now. {@code s} itself when it is recorded as it is (the usual case: a client
     * sends its states cleaned and complete), so checking allocates nothing.
     */
    static StateRecord state(String field, StateRecord s, Instant now) {
        if (s == null) throw ApiError.badRequest("Missing field '" + field + "': a state object is required");
        if (s.type() == null) throw ApiError.badRequest("Missing field '" + field + ".type'");
        String name = RecordedText.STATE_NAME.clean(s.name());
        if (name == null || name.isBlank()) name = s.type().displayName();
        // the field names are built only for the error: this runs for every state a client reports
        Instant at = s.timestamp() == null ? now : s.timestamp();
        if (!inRange(at)) throw outOfRange(field + ".timestamp", at);
        if (s.scheduledTime() != null && !inRange(s.scheduledTime())) {
            throw outOfRange(field + ".scheduledTime", s.scheduledTime());
        }
        String message = RecordedText.STATE_MESSAGE.clean(s.message());
        String resultRef = RecordedText.RESULT_REF.clean(s.resultRef());
        if (name == s.name() && at == s.timestamp() && message == s.message() && resultRef == s.resultRef()) return s;
        return new StateRecord(s.type(), name, at, message, s.scheduledTime(), resultRef);
    }

    static LogLine log(String field, LogLine l) {
        if (l == null) throw ApiError.badRequest("Missing field '" + field + "': a log line object is required");
        required(field + ".flowRunId", l.flowRunId());
        time(field + ".timestamp", l.timestamp(), true);
        recorded(field + ".level", l.level(), RecordedText.LOG_LEVEL, true);
        required(field + ".message", l.message());
        LogLine line = l.logger() == null
                ? new LogLine(l.flowRunId(), l.taskRunId(), l.timestamp(), l.level(), "", l.message()) : l;
        return RunEvents.cleaned(line);
    }

    // ----- events -----

    /**
     * Checks one event of a batch and returns it as it will be recorded (defaults filled in).
     *
     * @throws ApiError 400 naming the event by its position and the field
     */
    static RunEvent event(int index, RunEvent event, Instant now) {
        if (event == null) throw ApiError.badRequest("Event [" + index + "] is null: every event is an object with \"kind\"");
        try {
            return switch (event) {
                case RunEvent.FlowRunCreated e -> {
                    required("id", e.id());
                    String name = recorded("name", e.name(), RecordedText.FLOW_RUN_NAME, true);
                    String flowName = recorded("flowName", e.flowName(), RecordedText.FLOW_NAME, true);
                    time("created", e.created(), true);
                    yield new RunEvent.FlowRunCreated(e.id(), name, flowName,
                            RecordedText.PARAMETERS.clean(e.parameters()), e.parentFlowRunId(), e.parentTaskRunId(),
                            tags("tags", e.tags()), e.created(), RecordedText.PROCESS.clean(e.process()));
                }
                case RunEvent.TaskRunCreated e -> {
                    required("id", e.id());
                    required("flowRunId", e.flowRunId());
                    if (e.ordinal() < 0) throw ApiError.badRequest("Field 'ordinal' must be 0 or more, not " + e.ordinal());
                    String name = recorded("name", e.name(), RecordedText.TASK_RUN_NAME, true);
                    String taskName = recorded("taskName", e.taskName(), RecordedText.TASK_NAME, true);
                    if (e.callPosition() != null && e.callPosition() < 0) {
                        throw ApiError.badRequest("Field 'callPosition' must be 0 or more, not " + e.callPosition());
                    }
                    String taskVersion = RecordedText.TASK_VERSION.clean(e.taskVersion());
                    Set<String> tags = tags("tags", e.tags());
                    List<UUID> upstream = ids("upstream", e.upstream());
                    yield name == e.name() && taskName == e.taskName() && taskVersion == e.taskVersion()
                            && tags == e.tags() && upstream == e.upstream() ? e
                            : new RunEvent.TaskRunCreated(e.id(), e.flowRunId(), e.ordinal(), name, taskName,
                            taskVersion, tags, upstream, e.subflowRunId(), e.callPosition());
                }
                case RunEvent.FlowRunState e -> {
                    required("flowRunId", e.flowRunId());
                    StateRecord state = state("state", e.state(), now);
                    yield state == e.state() ? e : new RunEvent.FlowRunState(e.flowRunId(), state);
                }
                case RunEvent.TaskRunState e -> {
                    required("flowRunId", e.flowRunId());
                    required("taskRunId", e.taskRunId());
                    StateRecord state = state("state", e.state(), now);
                    yield state == e.state() ? e : new RunEvent.TaskRunState(e.flowRunId(), e.taskRunId(), state);
                }
                case RunEvent.Log e -> new RunEvent.Log(log("line", e.line()));
                case RunEvent.Heartbeat e -> new RunEvent.Heartbeat(ids("flowRunIds", e.flowRunIds()),
                        time("at", e.at(), true));
                case RunEvent.FlowRunFinished e -> new RunEvent.FlowRunFinished(required("id", e.id()));
            };
        } catch (ApiError e) {
            throw ApiError.badRequest("Event [" + index + "] (" + kind(event) + "): " + e.getMessage());
        }
    }

    static String kind(RunEvent event) {
        return switch (event) {
            case RunEvent.FlowRunCreated e -> "flow_run_created";
            case RunEvent.TaskRunCreated e -> "task_run_created";
            case RunEvent.FlowRunState e -> "flow_run_state";
            case RunEvent.TaskRunState e -> "task_run_state";
            case RunEvent.Log e -> "log";
            case RunEvent.Heartbeat e -> "heartbeat";
            case RunEvent.FlowRunFinished e -> "flow_run_finished";
        };
    }
}
