package dev.baton.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What must happen, as the JVM stops (Ctrl-C, SIGTERM), before the run stores close: a runner or
 * a worker's flow-run JVM stops its runs, which end Cancelled, and those states must still be
 * recorded. Shutdown hooks run at once in no order, so each store's hook first calls {@link #run},
 * which runs the registered steps once (other callers wait for them), for at most
 * {@link #GRACE}.
 */
public final class ProcessShutdown {
    /** The longest the steps may take before the stores close anyway. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private static final List<Runnable> STEPS = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean BEGUN = new AtomicBoolean();
    private static final CompletableFuture<Void> DONE = new CompletableFuture<>();

    private ProcessShutdown() {}

    /** Runs {@code step} when the JVM stops, before the run stores close. */
    public static void beforeStoresClose(Runnable step) {
        STEPS.add(step);
    }

    /** Forgets {@code step} (its owner stopped on its own). */
    public static void remove(Runnable step) {
        STEPS.remove(step);
    }

    /** Runs the steps (the first caller; others wait for it), at most {@link #GRACE}. Called by shutdown hooks. */
    public static void run() {
        if (BEGUN.compareAndSet(false, true)) {
            Thread.ofPlatform().name("baton-shutdown-steps").daemon(false).start(() -> {
                for (Runnable step : STEPS) {
                    try {
                        step.run();
                    } catch (RuntimeException e) {
                        System.err.println("Baton: a shutdown step failed: " + e);
                    }
                }
                DONE.complete(null);
            });
        }
        try {
            DONE.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            System.err.println("Baton: runs still stopping after " + GRACE.toSeconds() + " s; closing the run stores");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // the steps report their own failures
        }
    }
}
