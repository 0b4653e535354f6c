package dev.baton.store.jdbc;

import dev.baton.deploy.DueRuns;

/**
 * This process as flow run rows name it ({@code 12345@host}), so that a message about a crashed
 * run says which process ran it. Worked out once, on first use (the host name may need a lookup).
 */
final class ThisProcess {
    private ThisProcess() {}

    /**
     * The name, the one runners and workers claim scheduled runs with ({@link DueRuns#thisProcess()}):
     * a run claimed here is this store's own, its cancellation read with its heartbeats.
     */
    static String name() {
        return DueRuns.thisProcess();
    }
}
