package dev.baton.internal.engine;

/**
 * A slot of an executor's own limit on how many task runs execute at once, lent to the thread
 * that runs one ({@code ConcurrentExecutor(max)}). A run that must wait before it can start, for a
 * tag's concurrency slot or for its retry to be due, gives the slot back while it waits, so that
 * other task runs of the flow run go on, and takes one again before it starts.
 */
public interface RunnerSlot {

    /** Gives the slot back: another task run may use it meanwhile. */
    void giveBack();

    /** Takes a slot again, waiting for one; not interruptible (an interrupt stays set for the run to see). */
    void takeAgain();

    /** Something to wait for, which may be interrupted. */
    interface Wait {
        void run() throws InterruptedException;
    }

    /** Lends {@code slot} to the calling thread, for the task runs it runs (null: none). */
    static void lendToThisThread(RunnerSlot slot) {
        Lent.SLOT.set(slot);
    }

    /**
     * Runs {@code wait} without the calling thread's slot, if it has one, and takes a slot again
     * afterwards, even if the wait was interrupted or failed.
     */
    static void whileWaiting(Wait wait) throws InterruptedException {
        RunnerSlot slot = Lent.SLOT.get();
        if (slot == null) {
            wait.run();
            return;
        }
        slot.giveBack();
        try {
            wait.run();
        } finally {
            slot.takeAgain();
        }
    }
}

/** The slot lent to each thread. */
final class Lent {
    static final ThreadLocal<RunnerSlot> SLOT = new ThreadLocal<>();

    private Lent() {}
}
