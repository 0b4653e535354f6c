package dev.baton.spi;

import dev.baton.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A deployment as it travels in JSON ({@link DeploymentJson.DeploymentBody}): every kind of
 * schedule and its parameters come back equal, through Jackson too; a body that misses what a
 * deployment needs, or holds a bad schedule, is refused naming what is wrong.
 */
class DeploymentJsonTest {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    static DeploymentRecord deployment(Schedule... schedules) {
        return new DeploymentRecord(UUID.randomUUID(), "nightly", "etl", "com.acme.Flows#etl", "loads the day",
                DeploymentJson.parameters(Map.of("day", "2026-01-01")),
                "{\"type\":\"object\",\"properties\":{\"day\":{\"type\":\"string\",\"format\":\"date\"}}}",
                List.of(schedules), Set.of("a", "b"), "default",
                4, true, T0, T0.plusSeconds(1));
    }

    @Test
    void aDeploymentWithEveryKindOfScheduleComesBackEqual() throws Exception {
        DeploymentRecord d = deployment(Schedule.cron("0 2 * * *", "Europe/Paris"),
                Schedule.interval(Duration.ofDays(1), ZonedDateTime.parse("2026-01-05T09:00+01:00[Europe/Paris]"))
                        .withParameters(Map.of("rows", 9, "mode", List.of("a", "b"))),
                Schedule.interval(Duration.ofMinutes(15)),
                Schedule.rrule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;COUNT=3"));
        DeploymentJson.DeploymentBody body = DeploymentJson.body(d);
        assertThat(body.parameters()).containsEntry("day", "2026-01-01");
        assertThat(body.schedules().get(0).zone()).isEqualTo("Europe/Paris");
        assertThat(body.parameterSchema()).as("an object, not text").containsEntry("type", "object");
        assertThat(body.toRecord()).isEqualTo(d);

        var mapper = RunEvents.newMapper();
        String json = mapper.writeValueAsString(body);
        assertThat(mapper.readValue(json, DeploymentJson.DeploymentBody.class).toRecord()).isEqualTo(d);
    }

    @Test
    void aBodyLeavingOutWhatTheServerGivesGetsItAndWhatItNeedsIsNamed() {
        DeploymentJson.DeploymentBody minimal = new DeploymentJson.DeploymentBody(null, "adhoc", "etl", null, null,
                null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(minimal::toRecord).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The id of deployment 'adhoc' is missing");
        UUID id = UUID.randomUUID();
        DeploymentRecord d = minimal.withDefaults(id, T0).toRecord();
        assertThat(d.id()).isEqualTo(id);
        assertThat(d.created()).isEqualTo(T0);
        assertThat(d.parameters()).isEqualTo("{}");
        assertThat(d.parameterSchema()).as("not known").isNull();
        assertThat(d.schedules()).isEmpty();
        assertThat(d.paused()).isFalse();

        DeploymentJson.DeploymentBody noFlow = new DeploymentJson.DeploymentBody(id, "adhoc", null, null, null, null,
                null, null, null, null, null, null, T0, T0);
        assertThatThrownBy(noFlow::toRecord).hasMessageContaining("The flowName of deployment 'adhoc' is missing");
        DeploymentJson.DeploymentBody badZone = new DeploymentJson.DeploymentBody(id, "adhoc", "etl", null, null,
                null, null, List.of(new DeploymentJson.ScheduleBody(Schedule.Kind.CRON, "0 2 * * *", "UTC", null, null),
                new DeploymentJson.ScheduleBody(Schedule.Kind.INTERVAL, "PT1H", "Mars/Olympus", null, null)), null,
                null, null, null, T0, T0);
        assertThatThrownBy(badZone::toRecord).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Schedule [1] of deployment 'adhoc': ").hasMessageContaining("Mars/Olympus");
        DeploymentJson.DeploymentBody noKind = new DeploymentJson.DeploymentBody(id, "adhoc", "etl", null, null,
                null, null, List.of(new DeploymentJson.ScheduleBody(null, "0 2 * * *", null, null, null)), null, null,
                null, null, T0, T0);
        assertThatThrownBy(noKind::toRecord).hasMessageContaining("needs a \"kind\"");
    }
}
