package dev.baton;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for a condition the code under test makes observable (a run queued for a slot,
 * a release delivered), where it offers no latch: polls it, failing the test after a deadline
 * generous enough for a loaded machine. The one place a core test sleeps, between polls.
 */
public final class Eventually {
    /** The longest a test waits for something that should happen at once. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private Eventually() {}

    /** Returns once {@code condition} holds; fails the test if it does not within {@link #PATIENCE}. */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + PATIENCE.toSeconds() + " s waiting until " + what);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
