package dev.baton.spi;

import dev.baton.StateType;

import java.time.Instant;
import java.util.Set;

/**
 * Which flow runs to list: any of {@code states} (empty: all), a flow run or flow name containing
 * {@code name} (null: any), created in [{@code createdAfter}, {@code createdBefore}) (nulls: open),
 * carrying every tag of {@code tags}; a page of at most {@code limit} from {@code offset}.
 */
public record FlowRunFilter(Set<StateType> states, String name, Instant createdAfter, Instant createdBefore,
                            Set<String> tags, int offset, int limit) {
    public static final int MAX_LIMIT = 1000;

    public FlowRunFilter {
        states = states == null ? Set.of() : Set.copyOf(states);
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        if (offset < 0) throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    public static FlowRunFilter all(int limit) {
        return new FlowRunFilter(Set.of(), null, null, null, Set.of(), 0, limit);
    }
}
