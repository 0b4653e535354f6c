package dev.baton.internal.engine;

import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The handle of a flow run started on its own thread. */
final class Handle<R> implements FlowRunHandle<R> {
    private final FlowRunEngine engine;

    Handle(FlowRunEngine engine) {
        this.engine = engine;
    }

    @Override
    public UUID id() {
        return engine.record().id();
    }

    @Override
    public String name() {
        return engine.record().name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public FlowRun<R> flowRun() {
        return (FlowRun<R>) (FlowRun<?>) engine.record();
    }

    @Override
    public boolean isDone() {
        return engine.finished().isDone();
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletionStage<FlowRun<R>> toCompletionStage() {
        return engine.finished().thenApply(r -> (FlowRun<R>) (FlowRun<?>) r).minimalCompletionStage();
    }

    @Override
    public FlowRun<R> await() {
        try {
            engine.finished().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting for flow run '" + name() + "'");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return flowRun();
    }

    @Override
    public Optional<FlowRun<R>> await(Duration timeout) {
        try {
            engine.finished().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return Optional.of(flowRun());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting for flow run '" + name() + "'");
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean cancel() {
        return engine.cancel();
    }

    @Override
    public String toString() {
        return "FlowRunHandle[" + name() + ", " + state() + "]";
    }
}
