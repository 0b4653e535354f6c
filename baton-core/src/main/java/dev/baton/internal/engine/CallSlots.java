package dev.baton.internal.engine;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The executor's limit on how many task runs of one flow run execute at once
 * ({@code Executor.maxConcurrency()}), kept by the engine. A ready run takes a slot, or waits in
 * line, in the order runs became ready; it holds the slot until its body returns. A run that must
 * wait before it starts (for a tag's concurrency slot, for its retry to be due) gives its slot
 * back while it waits ({@link #whileWaiting}), and takes one again before it starts, ahead of
 * the runs in line.
 */
final class CallSlots {
    /** The run the calling thread drives, if it may hold a slot: what a wait gives back. */
    private static final ThreadLocal<Holder> LENT = new ThreadLocal<>();

    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final ArrayDeque<TaskRunInFlight> line = new ArrayDeque<>();
    private int taken;       // guarded by lock
    private int reclaiming;  // runs waiting to take a slot again, guarded by lock

    CallSlots(int max) {
        this.max = max;
    }

    /** Takes a slot for {@code run}, which became ready: true if it may start now, false if it waits in line. */
    boolean takeOrWait(TaskRunInFlight run) {
        lock.lock();
        try {
            if (taken < max && reclaiming == 0 && line.isEmpty()) {
                taken++;
                return true;
            }
            line.add(run);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a slot back: to a run waiting to take one again, or to the first run in line, which
     * the caller then starts (null: none).
     */
    TaskRunInFlight release() {
        lock.lock();
        try {
            if (reclaiming > 0) {
                taken--;
                freed.signal();
                return null;
            }
            TaskRunInFlight next = line.poll();
            if (next == null) taken--;
            return next; // the slot passes to it
        } finally {
            lock.unlock();
        }
    }

    /** Takes a slot again, ahead of the runs in line, waiting for one; an interrupt stays set for the run to see. */
    void takeAgain() {
        boolean interrupted = false;
        lock.lock();
        try {
            reclaiming++;
            while (taken >= max) {
                try {
                    freed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            taken++;
        } finally {
            reclaiming--;
            lock.unlock();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    // ----- the calling thread's slot, for waits in the run's proposals -----

    /** A run that may hold a slot while it waits: the attempts of a task run with options. */
    interface Holder {
        /** Gives the slot back, if the run holds one: true if it did. */
        boolean releaseSlot();

        /** Takes a slot again (see {@link #takeAgain}). */
        void takeSlotAgain();
    }

    /** Something to wait for, which may be interrupted. */
    interface Wait {
        void run() throws InterruptedException;
    }

    /** Notes that the calling thread drives {@code holder}'s run, until {@link #unlend}. */
    static void lend(Holder holder) {
        LENT.set(holder);
    }

    static void unlend() {
        LENT.remove();
    }

    /**
     * Runs {@code wait} without the slot of the run the calling thread drives, if it holds one,
     * and takes a slot again afterwards, even if the wait was interrupted or failed.
     */
    static void whileWaiting(Wait wait) throws InterruptedException {
        Holder holder = LENT.get();
        if (holder == null || !holder.releaseSlot()) {
            wait.run();
            return;
        }
        try {
            wait.run();
        } finally {
            holder.takeSlotAgain();
        }
    }

    /** Gives a slot back and begins the runs in line it goes to, until one holds on to it. */
    void free() {
        TaskRunInFlight next;
        while ((next = release()) != null && !next.begin()) {
            // it ended without the slot (cancelled meanwhile): the slot goes on down the line
        }
    }
}
