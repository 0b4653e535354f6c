package dev.baton.spi;

import dev.baton.State;
import dev.baton.StateType;
import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * A state as stored and sent: type, name, when it was entered, its message, when a SCHEDULED
 * state is due, and where a COMPLETED state's persisted result lies (a path under the result
 * storage, or null when the result was not persisted).
 */
public record StateRecord(StateType type, String name, Instant timestamp, @Nullable String message,
                          @Nullable Instant scheduledTime, @Nullable String resultRef) {

    public static StateRecord of(State state) {
        return new StateRecord(state.type(), state.name(), state.timestamp(), state.message().orElse(null),
                state.scheduledTime().orElse(null), state.persistedResult().map(r -> r.location()).orElse(null));
    }

    public boolean isFinal() {
        return type.isFinal();
    }
}
