package dev.baton.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BATON_HEARTBEAT_INTERVAL and BATON_CRASH_TIMEOUT as people write them, and what is refused. */
class ConfiguredDurationTest {

    @Test
    void secondsUnitsAndIsoAreUnderstood() {
        assertThat(ConfiguredDuration.parse("X", "5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConfiguredDuration.parse("X", "0.5")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfiguredDuration.parse("X", " 250ms ")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfiguredDuration.parse("X", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfiguredDuration.parse("X", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfiguredDuration.parse("X", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConfiguredDuration.parse("X", "PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void anythingElseIsRefusedNamingTheVariableAndTheFormsItTakes() {
        for (String bad : new String[] {"", "soon", "-5", "0", "5 parsecs", "PT0S", "PT-3S"}) {
            assertThatThrownBy(() -> ConfiguredDuration.parse("BATON_CRASH_TIMEOUT", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("BATON_CRASH_TIMEOUT='" + bad + "'", "500ms", "PT5S");
        }
    }
}
