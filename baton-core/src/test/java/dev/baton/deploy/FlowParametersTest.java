package dev.baton.deploy;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A deployed flow's parameters: read from a run's JSON into the flow's types, and described as a JSON Schema. */
class FlowParametersTest {
    enum Mode { FULL, INCREMENTAL }

    record Window(LocalDate from, int days, Optional<Mode> mode) {}

    static final class Holder {
        static List<Map<String, Instant>> nested;
        static Map<String, Object> loose;
    }

    private static Type typeOf(String field) throws NoSuchFieldException {
        return Holder.class.getDeclaredField(field).getGenericType();
    }

    @Test
    void readsEachParameterIntoItsTypeByName() throws Exception {
        FlowParameters p = FlowParameters.of("etl", List.of("day", "mode", "times", "every"),
                new Type[] {LocalDate.class, Mode.class, typeOf("nested"), Duration.class});
        Object[] args = p.read("{\"day\":\"2026-03-01\",\"mode\":\"FULL\",\"times\":[{\"a\":\"2026-01-01T00:00:00Z\"}],"
                + "\"every\":\"PT15M\"}");
        assertThat(args[0]).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(args[1]).isEqualTo(Mode.FULL);
        assertThat(args[2]).isEqualTo(List.of(Map.of("a", Instant.parse("2026-01-01T00:00:00Z"))));
        assertThat(args[3]).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void sayWhichParameterDoesNotFitWithItsValueAndType() {
        FlowParameters p = FlowParameters.of("etl", List.of("days"), new Type[] {int.class});
        assertThatThrownBy(() -> p.read("{\"days\": 1.5}"))
                .hasMessageStartingWith("Parameter 'days' of flow 'etl' is 1.5, which is not an int");
        assertThatThrownBy(() -> p.read("{\"days\": null}"))
                .hasMessageContaining("Parameter 'days' of flow 'etl' has no value");
        assertThatThrownBy(() -> p.read("[1]")).hasMessageContaining("a JSON object by name");
        assertThatThrownBy(() -> p.read("{\"days\": 1, \"extra\": 2}"))
                .hasMessage("Flow 'etl' has no parameter 'extra' (its parameters: days)");
    }

    @Test
    void aDeploymentsDefaultsMayLeaveSomeParametersToItsRunsButThoseGivenMustFit() {
        FlowParameters p = FlowParameters.of("etl", List.of("day", "days"), new Type[] {LocalDate.class, int.class});
        p.checkGiven(Map.of("days", 3)); // the day comes with each run
        assertThatThrownBy(() -> p.checkGiven(Map.of("days", "three")))
                .hasMessageStartingWith("Parameter 'days' of flow 'etl' is \"three\", which is not an int");
        assertThatThrownBy(() -> p.checkGiven(Map.of("dayz", 3)))
                .hasMessage("Flow 'etl' has no parameter 'dayz' (its parameters: day, days)");
        assertThatThrownBy(() -> p.check(Map.of("days", 3))).hasMessageContaining("Parameter 'day' of flow 'etl' has no value");
    }

    @Test
    void describesTheParametersAsAJsonSchemaForForms() throws Exception {
        FlowParameters named = FlowParameters.of("etl", List.of("day", "mode", "times", "loose"),
                new Type[] {LocalDate.class, Mode.class, typeOf("nested"), typeOf("loose")});
        Map<String, Object> schema = named.jsonSchema();
        assertThat(schema).containsEntry("type", "object").containsEntry("required",
                List.of("day", "mode", "times", "loose"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        assertThat(properties.get("day")).isEqualTo(Map.of("type", "string", "format", "date"));
        assertThat(properties.get("mode")).isEqualTo(Map.of("type", "string", "enum", List.of("FULL", "INCREMENTAL")));
        assertThat(properties.get("times")).isEqualTo(Map.of("type", "array", "items", Map.of("type", "object",
                "additionalProperties", Map.of("type", "string", "format", "date-time"))));
        assertThat(properties.get("loose")).isEqualTo(Map.of("type", "object", "additionalProperties", Map.of()));

        Map<String, Object> record = FlowParameters.of("report", List.of(), new Type[] {Window.class}).jsonSchema();
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) record.get("properties");
        assertThat(fields).containsOnlyKeys("from", "days", "mode");
        assertThat(fields.get("days")).isEqualTo(Map.of("type", "integer"));
        assertThat(fields.get("mode")).isEqualTo(Map.of("type", "string", "enum", List.of("FULL", "INCREMENTAL")));
    }
}
