package dev.baton.deploy;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run's parameters checked against a deployment's parameter schema, as the API server and the CLI
 * check an ad-hoc run before creating it: each JSON type, format and enum, unknown and missing names,
 * nested arrays and objects of records, each refusal naming the parameter, its value and the type
 * expected; and what the schema is made of ({@link FlowParameters#jsonSchema()}) accepted as the flow
 * itself reads it.
 */
class ParameterSchemaTest {
    enum Mode { FULL, INCREMENTAL }

    record Region(String code, int weight) {}

    record Window(LocalDate from, int days, Mode mode) {}

    static final class Holder {
        static List<Region> regions;
        static Map<String, List<Instant>> times;
        static Set<UUID> ids;
        static Object anything;
    }

    private static Type typeOf(String field) throws NoSuchFieldException {
        return Holder.class.getDeclaredField(field).getGenericType();
    }

    /** The schema of a flow 'etl' of these parameters, as a deployment keeps it (JSON text). */
    private static ParameterSchema schema(List<String> names, Type... types) {
        FlowParameters p = FlowParameters.of("etl", names, types);
        return ParameterSchema.of("etl", json(p.jsonSchema()));
    }

    private static String json(Map<String, Object> schema) {
        try {
            return dev.baton.spi.RunEvents.newMapper().writeValueAsString(schema);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static void fits(ParameterSchema s, String json) {
        assertThatCode(() -> s.check(json)).as(json).doesNotThrowAnyException();
    }

    private static void refused(ParameterSchema s, String json, String message) {
        assertThatThrownBy(() -> s.check(json)).as(json).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void eachJsonTypeIsCheckedNamingTheParameterItsValueAndTheTypeExpected() {
        ParameterSchema s = schema(List.of("name", "rows", "ratio", "dry", "amount"), String.class, int.class,
                double.class, boolean.class, BigDecimal.class);
        fits(s, "{\"name\": \"x\", \"rows\": 3, \"ratio\": 0.5, \"dry\": true, \"amount\": 12}");
        fits(s, "{\"name\": \"x\", \"rows\": 30000000000, \"ratio\": 2, \"dry\": false, \"amount\": 1.25}");
        refused(s, "{\"name\": 42, \"rows\": 3, \"ratio\": 0.5, \"dry\": true, \"amount\": 1}",
                "Parameter 'name' of flow 'etl' is 42, which is not a string");
        refused(s, "{\"name\": \"x\", \"rows\": \"3\", \"ratio\": 0.5, \"dry\": true, \"amount\": 1}",
                "Parameter 'rows' of flow 'etl' is \"3\", which is not an integer");
        refused(s, "{\"name\": \"x\", \"rows\": 1.5, \"ratio\": 0.5, \"dry\": true, \"amount\": 1}",
                "Parameter 'rows' of flow 'etl' is 1.5, which is not an integer");
        refused(s, "{\"name\": \"x\", \"rows\": 3, \"ratio\": \"half\", \"dry\": true, \"amount\": 1}",
                "Parameter 'ratio' of flow 'etl' is \"half\", which is not a number");
        refused(s, "{\"name\": \"x\", \"rows\": 3, \"ratio\": 0.5, \"dry\": \"yes\", \"amount\": 1}",
                "Parameter 'dry' of flow 'etl' is \"yes\", which is not a boolean (true or false)");
        refused(s, "{\"name\": [\"x\"], \"rows\": 3, \"ratio\": 0.5, \"dry\": true, \"amount\": 1}",
                "Parameter 'name' of flow 'etl' is [\"x\"], which is not a string");
        refused(s, "{\"name\": {\"a\": 1}, \"rows\": 3, \"ratio\": 0.5, \"dry\": true, \"amount\": 1}",
                "Parameter 'name' of flow 'etl' is {\"a\":1}, which is not a string");
        refused(s, "[1, 2]", "The parameters of a run of flow 'etl' are a JSON object by name, such as"
                + " {\"day\": \"2026-01-01\"}; got [1,2]");
        refused(s, "{nope", "The parameters of a run of flow 'etl' are not JSON: {nope");
    }

    @Test
    void eachFormatIsCheckedByParsingItAsTheFlowWould() {
        ParameterSchema s = schema(List.of("day", "at", "local", "time", "every", "period", "id"), LocalDate.class,
                Instant.class, LocalDateTime.class, LocalTime.class, Duration.class, Period.class, UUID.class);
        String good = "{\"day\": \"2026-02-28\", \"at\": \"2026-01-05T09:00:00Z\", \"local\": \"2026-01-05T09:00\","
                + " \"time\": \"09:30\", \"every\": \"PT15M\", \"period\": \"P1Y2M\", \"id\":"
                + " \"0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f\"}";
        fits(s, good);
        fits(s, good.replace("2026-01-05T09:00:00Z", "2026-01-05T09:00+01:00[Europe/Paris]")
                .replace("09:30", "09:30:15+02:00").replace("PT15M", "P1D"));
        refused(s, good.replace("2026-02-28", "tomorrow"),
                "Parameter 'day' of flow 'etl' is \"tomorrow\", which is not a date (yyyy-mm-dd)");
        refused(s, good.replace("2026-02-28", "2026-02-30"),
                "Parameter 'day' of flow 'etl' is \"2026-02-30\", which is not a date (yyyy-mm-dd)");
        refused(s, good.replace("2026-01-05T09:00:00Z", "Monday 9am"), "Parameter 'at' of flow 'etl' is"
                + " \"Monday 9am\", which is not a date and time (such as 2026-01-05T09:00:00Z)");
        refused(s, good.replace("09:30", "half past nine"), "Parameter 'time' of flow 'etl' is \"half past nine\","
                + " which is not a time (such as 09:30 or 09:30:00)");
        refused(s, good.replace("PT15M", "15 minutes"), "Parameter 'every' of flow 'etl' is \"15 minutes\", which"
                + " is not a duration (ISO-8601, such as PT15M or P1D)");
        refused(s, good.replace("0190d2a4-6b5e-7c3d-8e9f-0a1b2c3d4e5f", "1-2-3-4-5"),
                "Parameter 'id' of flow 'etl' is \"1-2-3-4-5\", which is not a UUID");
        refused(s, good.replace("\"2026-02-28\"", "20260228"),
                "Parameter 'day' of flow 'etl' is 20260228, which is not a date (yyyy-mm-dd)");
    }

    @Test
    void anEnumTakesItsConstantsOnly() {
        ParameterSchema s = schema(List.of("mode"), Mode.class);
        fits(s, "{\"mode\": \"FULL\"}");
        refused(s, "{\"mode\": \"full\"}", "Parameter 'mode' of flow 'etl' is \"full\", which is not one of FULL,"
                + " INCREMENTAL");
        refused(s, "{\"mode\": 1}", "Parameter 'mode' of flow 'etl' is 1, which is not one of FULL, INCREMENTAL");
    }

    @Test
    void unknownAndMissingNamesAreRefusedAsTheFlowRefusesThem() {
        ParameterSchema s = schema(List.of("day", "rows"), LocalDate.class, int.class);
        refused(s, "{\"day\": \"2026-01-01\", \"rows\": 1, \"nmae\": 2}",
                "Flow 'etl' has no parameter 'nmae' (its parameters: day, rows)");
        refused(s, "{\"day\": \"2026-01-01\"}", "Parameter 'rows' of flow 'etl' has no value; it takes an integer:"
                + " give it in the deployment's parameters or the run's (--param rows=...)");
        refused(s, "", "Parameter 'day' of flow 'etl' has no value; it takes a date (yyyy-mm-dd): give it in the"
                + " deployment's parameters or the run's (--param day=...)");
        // the same words as the flow's own check, where both can tell
        FlowParameters flow = FlowParameters.of("etl", List.of("day", "rows"), new Type[] {LocalDate.class, int.class});
        assertThatThrownBy(() -> flow.read("{\"day\": \"2026-01-01\", \"rows\": 1, \"nmae\": 2}"))
                .hasMessage("Flow 'etl' has no parameter 'nmae' (its parameters: day, rows)");
        assertThatThrownBy(() -> flow.read("{\"day\": \"tomorrow\", \"rows\": 1}"))
                .hasMessageStartingWith("Parameter 'day' of flow 'etl' is \"tomorrow\", which is not a LocalDate");
    }

    @Test
    void nestedArraysAndObjectsOfRecordsNameThePlaceAtFault() throws Exception {
        ParameterSchema s = schema(List.of("regions", "times", "ids", "anything"), typeOf("regions"),
                typeOf("times"), typeOf("ids"), typeOf("anything"));
        String good = "{\"regions\": [{\"code\": \"eu\", \"weight\": 2}, {\"code\": \"us\", \"weight\": 1}],"
                + " \"times\": {\"a\": [\"2026-01-01T00:00:00Z\"], \"b\": []}, \"ids\": [], \"anything\": [1, \"x\"]}";
        fits(s, good);
        refused(s, good.replace("\"weight\": 1", "\"weight\": \"heavy\""),
                "Parameter 'regions[1].weight' of flow 'etl' is \"heavy\", which is not an integer");
        refused(s, good.replace(", \"weight\": 1", ""),
                "Parameter 'regions[1].weight' of flow 'etl' has no value; it takes an integer");
        refused(s, good.replace("\"weight\": 1", "\"weight\": 1, \"size\": 3"),
                "Parameter 'regions[1]' of flow 'etl' has no field 'size' (its fields: code, weight)");
        refused(s, good.replace("[{\"code\"", "{\"x\": [{\"code\"").replace("1}],", "1}]},"),
                "Parameter 'regions' of flow 'etl' is {\"x\":[{\"code\":\"eu\",\"weight\":2},{\"code\":\"us\","
                        + "\"weight\":1}]}, which is not an array");
        refused(s, good.replace("\"b\": []", "\"b\": [\"soon\"]"), "Parameter 'times.b[0]' of flow 'etl' is"
                + " \"soon\", which is not a date and time (such as 2026-01-05T09:00:00Z)");
        refused(s, good.replace("\"ids\": []", "\"ids\": [\"x\"]"),
                "Parameter 'ids[0]' of flow 'etl' is \"x\", which is not a UUID");
    }

    @Test
    void aFlowOfOneRecordIsCheckedByItsComponents() {
        ParameterSchema s = schema(List.of(), Window.class);
        fits(s, "{\"from\": \"2026-01-01\", \"days\": 7, \"mode\": \"FULL\"}");
        refused(s, "{\"from\": \"2026-01-01\", \"days\": 7, \"mode\": \"SOME\"}",
                "Parameter 'mode' of flow 'etl' is \"SOME\", which is not one of FULL, INCREMENTAL");
        refused(s, "{\"from\": \"2026-01-01\", \"days\": 7}", "Parameter 'mode' of flow 'etl' has no value; it"
                + " takes one of FULL, INCREMENTAL: give it in the deployment's parameters or the run's"
                + " (--param mode=...)");
    }

    @Test
    void nullIsLeftToTheFlowsOwnCheck() {
        ParameterSchema s = schema(List.of("day", "rows"), LocalDate.class, Integer.class);
        fits(s, "{\"day\": null, \"rows\": null}");
    }

    @Test
    void typeListsBooleanSchemasAndKeywordsNotKnownHereAreReadAsJsonSchemaReadsThem() {
        ParameterSchema s = ParameterSchema.of("etl", Map.of("type", "object", "properties", Map.of(
                "id", Map.of("type", List.of("integer", "string")), "never", false, "free", true,
                "short", Map.of("type", "string", "maxLength", 3, "format", "hostname")), "required", List.of("id")));
        fits(s, "{\"id\": 3, \"free\": {\"x\": 1}, \"short\": \"not checked\"}");
        fits(s, "{\"id\": \"3\"}");
        refused(s, "{\"id\": 1.5}", "Parameter 'id' of flow 'etl' is 1.5, which is not an integer or a string");
        refused(s, "{\"id\": 1, \"never\": 1}", "Parameter 'never' of flow 'etl' may not be given");
        fits(s, "{\"id\": 1, \"other\": 1}"); // no additionalProperties: false, so others are allowed

        assertThatThrownBy(() -> ParameterSchema.of("etl", "[1]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The parameter schema of flow 'etl' is a JSON Schema");
        assertThatThrownBy(() -> ParameterSchema.of("etl", "{")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not JSON");
    }

    @Test
    void aLongValueIsQuotedShort() {
        ParameterSchema s = schema(List.of("day"), LocalDate.class);
        String value = "x".repeat(500);
        assertThatThrownBy(() -> s.check(Map.of("day", value))).hasMessage("Parameter 'day' of flow 'etl' is \""
                + "x".repeat(99) + "..., which is not a date (yyyy-mm-dd)");
    }

    @Test
    void theParametersAreListedWithTheirTypesAsTheSchemaSaysThem() throws Exception {
        ParameterSchema s = schema(List.of("day", "mode", "regions", "times", "every", "anything"), LocalDate.class,
                Mode.class, typeOf("regions"), typeOf("times"), Duration.class, typeOf("anything"));
        assertThat(s.parameters()).containsExactly(
                new ParameterSchema.Parameter("day", "string (date)", true),
                new ParameterSchema.Parameter("mode", "string: FULL | INCREMENTAL", true),
                new ParameterSchema.Parameter("regions", "array of object (Region)", true),
                new ParameterSchema.Parameter("times", "object of array of string (date-time)", true),
                new ParameterSchema.Parameter("every", "string (duration)", true),
                new ParameterSchema.Parameter("anything", "any", true));
        assertThat(s.takesText("day")).isTrue();
        assertThat(s.takesText("mode")).isTrue();
        assertThat(s.takesText("regions")).isFalse();
        assertThat(s.takesText("unknown")).isFalse();
    }

    @Test
    void whatTheFlowAcceptsTheSchemaAcceptsForTheTypesItDescribes() throws Exception {
        Type[] types = {LocalDate.class, Mode.class, typeOf("regions"), typeOf("times"), Duration.class, long.class,
                UUID.class};
        List<String> names = List.of("day", "mode", "regions", "times", "every", "n", "id");
        FlowParameters flow = FlowParameters.of("etl", names, types);
        ParameterSchema s = schema(names, types);
        String json = "{\"day\": \"2026-03-01\", \"mode\": \"INCREMENTAL\", \"regions\": [{\"code\": \"eu\", \"weight\":"
                + " 1}], \"times\": {\"a\": [\"2026-01-01T00:00:00Z\"]}, \"every\": \"PT1H\", \"n\": 9000000000,"
                + " \"id\": \"" + UUID.randomUUID() + "\"}";
        assertThatCode(() -> flow.read(json)).doesNotThrowAnyException();
        fits(s, json);
    }
}
