package dev.baton.internal.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the engine reports (its live run records) into {@link RunEvent}s, and holds the one
 * JSON mapper for history records: ISO-8601 instants, record component names as fields.
 */
public final class RunEvents {
    /** A parameter whose JSON is longer than this is recorded as a note saying so. */
    public static final int MAX_PARAMETER_CHARS = 10_000;

    private RunEvents() {}

    /** Made on first use: processes that never record parameters never pay for Jackson's start. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = newMapper();
    }

    /** A mapper configured for history records and run events (each caller its own, to configure further). */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public static RunEvent.FlowRunCreated flowRunCreated(FlowRun<?> run, String process) {
        State first = run.history().isEmpty() ? null : run.history().get(0);
        return new RunEvent.FlowRunCreated(run.id(), run.name(), run.flowName(), parametersJson(run.parameters()),
                run.parentFlowRunId().orElse(null), run.parentTaskRunId().orElse(null), run.tags(),
                first == null ? java.time.Instant.now() : first.timestamp(), process);
    }

    public static RunEvent.TaskRunCreated taskRunCreated(TaskRun run, int ordinal) {
        List<TaskRun> upstream = run.upstream();
        List<java.util.UUID> ids = new ArrayList<>(upstream.size());
        for (TaskRun u : upstream) ids.add(u.id());
        return new RunEvent.TaskRunCreated(run.id(), run.flowRunId(), ordinal, run.name(), run.taskName(),
                run.taskVersion().orElse(null), run.tags(), ids, null,
                run.callPosition() < 0 ? null : run.callPosition());
    }

    /**
     * A flow's arguments as a JSON array, recorded for people and tools to read, not to call the
     * flow again: a value Jackson cannot write is recorded as its {@code toString()}, a very large
     * one as a short note.
     */
    public static String parametersJson(List<Object> parameters) {
        if (parameters.isEmpty()) return "[]";
        StringBuilder b = new StringBuilder().append('[');
        for (int i = 0; i < parameters.size(); i++) {
            if (i > 0) b.append(',');
            b.append(parameterJson(parameters.get(i)));
        }
        return b.append(']').toString();
    }

    private static String parameterJson(Object value) {
        String json;
        try {
            json = Mapper.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
            json = quote(String.valueOf(value));
        }
        if (json.length() > MAX_PARAMETER_CHARS) {
            json = quote("<" + (value == null ? "null" : value.getClass().getName()) + ", " + json.length()
                    + " characters of JSON: too large to record>");
        }
        return json;
    }

    private static String quote(String s) {
        try {
            return Mapper.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings always have a JSON form", e);
        }
    }
}
