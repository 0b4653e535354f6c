package dev.baton.internal.engine;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a worker sends back arrives as it left, whatever the value's type. */
class WireValuesTest {
    @Test
    void everyKindOfValueTravelsUnchanged() throws Exception {
        String longText = "é".repeat(40_000); // beyond what writeUTF takes
        List<Object> values = Arrays.asList(null, "", "text", longText, 42, -7L, Long.MIN_VALUE, 2.5, Double.NaN, true, false,
                'c', (short) 3, 1.5f, new BigDecimal("1.10"), List.of(1, 2), Map.of("k", 1L), new int[] {1, 2},
                new ArrayList<>(List.of("a")));
        for (Object v : values) {
            RemoteTaskCall.Outcome back = roundTrip(new RemoteTaskCall.Outcome(true, v, null, List.of()));
            assertThat(back.completed()).isTrue();
            assertThat(back.value()).as("value %s", v).isEqualTo(v);
            if (v != null) assertThat(back.value()).hasSameClassAs(v);
        }
    }

    @Test
    void failuresAndLogLinesTravelWithTheOutcome() throws Exception {
        RemoteTaskCall.LogLine info = new RemoteTaskCall.LogLine(Level.INFO, "working on 3", null);
        RemoteTaskCall.LogLine error = new RemoteTaskCall.LogLine(Level.ERROR, "it broke", "java.lang.IllegalStateException: x");
        RemoteTaskCall.Outcome back = roundTrip(new RemoteTaskCall.Outcome(false, null,
                new IllegalStateException("no such order"), List.of(info, error)));

        assertThat(back.completed()).isFalse();
        assertThat(back.failure()).isInstanceOf(IllegalStateException.class).hasMessage("no such order");
        assertThat(back.logLines()).containsExactly(info, error);
    }

    private static RemoteTaskCall.Outcome roundTrip(RemoteTaskCall.Outcome outcome) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(outcome);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (RemoteTaskCall.Outcome) in.readObject();
        }
    }
}
