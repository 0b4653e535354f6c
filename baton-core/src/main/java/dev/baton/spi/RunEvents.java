package dev.baton.spi;

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
                .registerModule(jsonForm())
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * How the extension API's records look in JSON, kept out of the records themselves: a run
     * event names its kind in {@code "kind"}, and a state's {@code isFinal()} is not a field (it
     * follows from the type). Every mapper that reads or writes them registers this.
     */
    public static com.fasterxml.jackson.databind.Module jsonForm() {
        return new com.fasterxml.jackson.databind.module.SimpleModule("baton-run-events")
                .setMixInAnnotation(RunEvent.class, RunEventJson.class)
                .setMixInAnnotation(StateRecord.class, StateRecordJson.class);
    }

    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
            property = "kind")
    @com.fasterxml.jackson.annotation.JsonSubTypes({
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.FlowRunCreated.class, name = "flow_run_created"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.TaskRunCreated.class, name = "task_run_created"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.FlowRunState.class, name = "flow_run_state"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.TaskRunState.class, name = "task_run_state"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.Log.class, name = "log"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.Heartbeat.class, name = "heartbeat"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RunEvent.FlowRunFinished.class, name = "flow_run_finished"),
    })
    private interface RunEventJson {}

    /** The names of the kinds of run events in JSON ({@code "kind"}), in declaration order. */
    public static List<String> eventKinds() {
        return java.util.Arrays.stream(RunEventJson.class.getAnnotation(
                com.fasterxml.jackson.annotation.JsonSubTypes.class).value())
                .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name).toList();
    }

    private abstract static class StateRecordJson {
        @com.fasterxml.jackson.annotation.JsonIgnore
        abstract boolean isFinal();
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
     * {@code event} with every text cleaned as the stores record it ({@link RecordedText}): the
     * same instance when all of it is clean already (the usual case: a scan, no allocation).
     * Ids, times and numbers are left as they are.
     */
    public static RunEvent cleaned(RunEvent event) {
        return switch (event) {
            case RunEvent.FlowRunCreated e -> {
                String name = RecordedText.FLOW_RUN_NAME.clean(e.name());
                String flowName = RecordedText.FLOW_NAME.clean(e.flowName());
                String parameters = RecordedText.PARAMETERS.clean(e.parameters());
                java.util.Set<String> tags = cleanedTags(e.tags());
                String process = RecordedText.PROCESS.clean(e.process());
                yield name == e.name() && flowName == e.flowName() && parameters == e.parameters() && tags == e.tags()
                        && process == e.process() ? e
                        : new RunEvent.FlowRunCreated(e.id(), name, flowName, parameters, e.parentFlowRunId(),
                                e.parentTaskRunId(), tags, e.created(), process);
            }
            case RunEvent.TaskRunCreated e -> {
                String name = RecordedText.TASK_RUN_NAME.clean(e.name());
                String taskName = RecordedText.TASK_NAME.clean(e.taskName());
                String version = RecordedText.TASK_VERSION.clean(e.taskVersion());
                java.util.Set<String> tags = cleanedTags(e.tags());
                yield name == e.name() && taskName == e.taskName() && version == e.taskVersion() && tags == e.tags() ? e
                        : new RunEvent.TaskRunCreated(e.id(), e.flowRunId(), e.ordinal(), name, taskName, version, tags,
                                e.upstream(), e.subflowRunId(), e.callPosition());
            }
            case RunEvent.FlowRunState e -> {
                StateRecord s = cleaned(e.state());
                yield s == e.state() ? e : new RunEvent.FlowRunState(e.flowRunId(), s);
            }
            case RunEvent.TaskRunState e -> {
                StateRecord s = cleaned(e.state());
                yield s == e.state() ? e : new RunEvent.TaskRunState(e.flowRunId(), e.taskRunId(), s);
            }
            case RunEvent.Log e -> {
                LogLine l = cleaned(e.line());
                yield l == e.line() ? e : new RunEvent.Log(l);
            }
            case RunEvent.Heartbeat e -> e;
            case RunEvent.FlowRunFinished e -> e;
        };
    }

    /** {@code state} with its name, message and result reference cleaned; itself when they are clean. */
    public static StateRecord cleaned(StateRecord state) {
        if (state == null) return null;
        String name = RecordedText.STATE_NAME.clean(state.name());
        String message = RecordedText.STATE_MESSAGE.clean(state.message());
        String ref = RecordedText.RESULT_REF.clean(state.resultRef());
        return name == state.name() && message == state.message() && ref == state.resultRef() ? state
                : new StateRecord(state.type(), name, state.timestamp(), message, state.scheduledTime(), ref);
    }

    /** {@code line} with its level, logger and message cleaned; itself when they are clean. */
    public static LogLine cleaned(LogLine line) {
        if (line == null) return null;
        String level = RecordedText.LOG_LEVEL.clean(line.level());
        String logger = RecordedText.LOGGER.clean(line.logger());
        String message = RecordedText.LOG_MESSAGE.clean(line.message());
        return level == line.level() && logger == line.logger() && message == line.message() ? line
                : new LogLine(line.flowRunId(), line.taskRunId(), line.timestamp(), level, logger, message);
    }

    /** {@code tags} with each tag cleaned; the same set when every tag is clean (null stays null). */
    public static java.util.Set<String> cleanedTags(java.util.Set<String> tags) {
        if (tags == null || tags.isEmpty()) return tags;
        boolean clean = true;
        for (String t : tags) {
            if (!RecordedText.TAG.isClean(t)) {
                clean = false;
                break;
            }
        }
        if (clean) return tags;
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String t : tags) out.add(RecordedText.TAG.clean(t));
        return java.util.Collections.unmodifiableSet(out);
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
