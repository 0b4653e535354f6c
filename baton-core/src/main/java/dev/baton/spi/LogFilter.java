package dev.baton.spi;

import java.util.UUID;

/** Which log lines: those of one flow run (and its task runs), optionally one task run; a page. */
public record LogFilter(UUID flowRunId, UUID taskRunId, int offset, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public LogFilter {
        if (flowRunId == null && taskRunId == null) throw new IllegalArgumentException("a flow run or task run id is needed");
        if (offset < 0) throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }
}
