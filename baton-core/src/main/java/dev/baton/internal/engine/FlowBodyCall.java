package dev.baton.internal.engine;

import dev.baton.Clock;
import dev.baton.internal.Durations;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call of a flow run's body, in the flow run's scope (an async body's stage awaited): on the
 * flow run's own thread, or, if the flow has a timeout, in a thread of its own that is abandoned
 * when the time is up: interrupted, and the run's work stopped as for a cancellation
 * ({@link FlowCancellation#stopForTimeout}).
 */
final class FlowBodyCall {
    /** What the body returned, or threw. */
    record Outcome(Object returned, Throwable thrown) {}

    private FlowBodyCall() {}

    static Outcome call(FlowRunEngine engine) {
        FlowDefinition flow = engine.flow();
        return flow.options().timeout() == null ? invoke(engine, flow) : invokeWithTimeout(engine, flow);
    }

    private static Outcome invoke(FlowRunEngine engine, FlowDefinition flow) {
        RunScope previous = RunScope.enter(engine);
        engine.cancellation.bodyRunsIn(Thread.currentThread());
        try {
            Object returned = flow.body().invoke(engine.record().parameters().toArray());
            if (flow.isAsync()) returned = awaitStage(flow, returned);
            return new Outcome(returned, null);
        } catch (Throwable t) {
            return new Outcome(null, t);
        } finally {
            engine.cancellation.bodyEnded();
            RunScope.exit(previous);
        }
    }

    /** The body in a thread of its own, abandoned (interrupted, its task runs cancelled) when the time is up. */
    private static Outcome invokeWithTimeout(FlowRunEngine engine, FlowDefinition flow) {
        Duration timeout = flow.options().timeout();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean(); // the body's end or the timeout, whichever comes first
        Thread worker = Thread.ofVirtual().unstarted(() -> {
            Outcome a = invoke(engine, flow);
            if (decided.compareAndSet(false, true)) outcome.complete(a);
        });
        String name = engine.record().name();
        TimeoutException limit = new TimeoutException("Flow run '" + name + "' exceeded its timeout of "
                + Durations.format(timeout));
        Clock.Timer timer = engine.clock().schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                engine.cancellation.stopForTimeout(); // before the outcome: the flow's thread reads it once the outcome is there
                worker.interrupt();
                outcome.complete(new Outcome(null, limit));
            }
        }, timeout);
        worker.start();
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return new Outcome(null, new CancellationException("Flow run '" + name + "' was interrupted"));
        } catch (ExecutionException e) {
            return new Outcome(null, e.getCause());
        } finally {
            timer.cancel();
        }
    }

    private static Object awaitStage(FlowDefinition flow, Object returned) throws Throwable {
        if (!(returned instanceof CompletionStage<?> stage)) {
            throw new IllegalStateException("Async flow '" + flow.name() + "' returned " + returned
                    + " instead of a CompletionStage");
        }
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }
}
