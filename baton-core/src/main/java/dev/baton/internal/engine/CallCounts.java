package dev.baton.internal.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per task name, the counts a flow run keeps of its calls: how many task runs it has made (the
 * {@code n} in a run's name {@code <task>-<n>}, unique in the flow run) and how many calls the
 * current attempt has made (a call's position). A task's name and call position identify a call
 * across attempts: the third call of {@code fetch} in attempt 2 is the one that was the third
 * call of {@code fetch} in attempt 1 (Prefect's dynamic key). Positions are counted when a task
 * is called, in the order the flow's body calls, whatever executor runs the bodies.
 */
final class CallCounts {
    private final ConcurrentHashMap<String, Counter> byTask = new ConcurrentHashMap<>();

    /** The counts of the task (or subflow) named {@code name}. */
    Counter of(String name) {
        Counter c = byTask.get(name);
        return c != null ? c : byTask.computeIfAbsent(name, k -> new Counter());
    }

    /** The counts of one task name; calls from several threads take turns. */
    static final class Counter {
        private int runs;
        private int attempt;
        private int calls;

        /** The position of the next call in attempt {@code attempt}: 0 for its first call of the task. */
        synchronized int nextPosition(int attempt) {
            if (this.attempt != attempt) {
                this.attempt = attempt;
                calls = 0;
            }
            return calls++;
        }

        /** The index of the next task run made in the flow run, for its name. */
        synchronized int nextRunIndex() {
            return runs++;
        }
    }
}
