package dev.baton.internal.engine;

import java.util.ArrayDeque;

/**
 * Keeps the hand-off from a settling task run to the runs waiting for it from growing the
 * stack. Settling wakes its waiters; a waiter that becomes ready is handed to the executor,
 * and the sequential executor runs it on the spot, whose settling wakes the next, and so on:
 * a chain of N runs would nest N deep. Instead, runs that become ready while this thread is
 * waking waiters are queued, and the outermost wake-up runs them one after another.
 *
 * <p>Only hand-offs made while waking waiters are deferred: a task called from a flow body
 * (a subflow's, even inside a task run) still runs at once, as the sequential executor promises.
 */
final class Trampoline {
    private static final ThreadLocal<Trampoline> CURRENT = ThreadLocal.withInitial(Trampoline::new);

    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private int waking;
    private boolean draining;

    private Trampoline() {}

    /** Runs {@code wakeUp} (which may make runs ready), then the hand-offs it deferred, unless an outer frame will. */
    static void wake(Runnable wakeUp) {
        Trampoline t = CURRENT.get();
        t.waking++;
        try {
            wakeUp.run();
        } finally {
            t.waking--;
        }
        if (t.waking > 0 || t.draining) return; // an outer frame of this thread drains
        t.draining = true;
        try {
            Runnable next;
            while ((next = t.deferred.poll()) != null) next.run();
        } finally {
            t.draining = false;
        }
    }

    /** Defers {@code handOff} if this thread is waking waiters; false if it should run now. */
    static boolean defer(Runnable handOff) {
        Trampoline t = CURRENT.get();
        if (t.waking == 0) return false;
        t.deferred.add(handOff);
        return true;
    }
}
