package dev.baton.spi;

import java.util.List;

/**
 * One page of an answer: {@code items} from position {@code offset}, and {@code total}, how many
 * match in all (so a client knows whether to ask for the next page).
 */
public record Page<T>(List<T> items, int offset, long total) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return offset + items.size() < total;
    }
}
