package dev.baton.internal.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CompletionStage} whose continuations run inside a flow run's scope, whatever
 * thread completes it. This is what lets an async flow call tasks from a {@code thenCompose}
 * that a timer thread or another task's completion happens to run: the run context follows
 * the chain, as Python's contextvars follow coroutines.
 */
public final class ContextStage<T> implements CompletionStage<T> {
    private final CompletableFuture<T> future;
    private final RunScope scope;

    ContextStage(CompletableFuture<T> future, RunScope scope) {
        this.future = future;
        this.scope = scope;
    }

    /**
     * Wraps {@code future} so that its continuations run in the calling thread's run scope, if
     * any: the flow run's in a flow body, the task run's inside an async task's body.
     */
    public static <T> CompletionStage<T> inCurrentScope(CompletableFuture<T> future) {
        RunScope scope = RunScope.current();
        return scope == null ? future : new ContextStage<>(future, scope);
    }

    private <U> ContextStage<U> next(CompletableFuture<U> f) {
        return new ContextStage<>(f, scope);
    }

    private <A, R> Function<A, R> in(Function<? super A, ? extends R> fn) {
        return a -> {
            RunScope prev = RunScope.enter(scope);
            try {
                return fn.apply(a);
            } finally {
                RunScope.exit(prev);
            }
        };
    }

    private <A, B, R> BiFunction<A, B, R> in(BiFunction<? super A, ? super B, ? extends R> fn) {
        return (a, b) -> {
            RunScope prev = RunScope.enter(scope);
            try {
                return fn.apply(a, b);
            } finally {
                RunScope.exit(prev);
            }
        };
    }

    private <A> Consumer<A> in(Consumer<? super A> fn) {
        return a -> {
            RunScope prev = RunScope.enter(scope);
            try {
                fn.accept(a);
            } finally {
                RunScope.exit(prev);
            }
        };
    }

    private <A, B> BiConsumer<A, B> in(BiConsumer<? super A, ? super B> fn) {
        return (a, b) -> {
            RunScope prev = RunScope.enter(scope);
            try {
                fn.accept(a, b);
            } finally {
                RunScope.exit(prev);
            }
        };
    }

    private Runnable in(Runnable fn) {
        return () -> {
            RunScope prev = RunScope.enter(scope);
            try {
                fn.run();
            } finally {
                RunScope.exit(prev);
            }
        };
    }

    @Override public <U> CompletionStage<U> thenApply(Function<? super T, ? extends U> fn) { return next(future.thenApply(in(fn))); }
    @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn) { return next(future.thenApplyAsync(in(fn))); }
    @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor e) { return next(future.thenApplyAsync(in(fn), e)); }

    @Override public CompletionStage<Void> thenAccept(Consumer<? super T> action) { return next(future.thenAccept(in(action))); }
    @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action) { return next(future.thenAcceptAsync(in(action))); }
    @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action, Executor e) { return next(future.thenAcceptAsync(in(action), e)); }

    @Override public CompletionStage<Void> thenRun(Runnable action) { return next(future.thenRun(in(action))); }
    @Override public CompletionStage<Void> thenRunAsync(Runnable action) { return next(future.thenRunAsync(in(action))); }
    @Override public CompletionStage<Void> thenRunAsync(Runnable action, Executor e) { return next(future.thenRunAsync(in(action), e)); }

    @Override public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) { return next(future.thenCombine(other, in(fn))); }
    @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) { return next(future.thenCombineAsync(other, in(fn))); }
    @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn, Executor e) { return next(future.thenCombineAsync(other, in(fn), e)); }

    @Override public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) { return next(future.thenAcceptBoth(other, in(action))); }
    @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) { return next(future.thenAcceptBothAsync(other, in(action))); }
    @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action, Executor e) { return next(future.thenAcceptBothAsync(other, in(action), e)); }

    @Override public CompletionStage<Void> runAfterBoth(CompletionStage<?> other, Runnable action) { return next(future.runAfterBoth(other, in(action))); }
    @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) { return next(future.runAfterBothAsync(other, in(action))); }
    @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor e) { return next(future.runAfterBothAsync(other, in(action), e)); }

    @Override public <U> CompletionStage<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) { return next(future.applyToEither(other, in(fn))); }
    @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) { return next(future.applyToEitherAsync(other, in(fn))); }
    @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn, Executor e) { return next(future.applyToEitherAsync(other, in(fn), e)); }

    @Override public CompletionStage<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) { return next(future.acceptEither(other, in(action))); }
    @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) { return next(future.acceptEitherAsync(other, in(action))); }
    @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action, Executor e) { return next(future.acceptEitherAsync(other, in(action), e)); }

    @Override public CompletionStage<Void> runAfterEither(CompletionStage<?> other, Runnable action) { return next(future.runAfterEither(other, in(action))); }
    @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) { return next(future.runAfterEitherAsync(other, in(action))); }
    @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor e) { return next(future.runAfterEitherAsync(other, in(action), e)); }

    @Override public <U> CompletionStage<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) { return next(future.thenCompose(in(fn))); }
    @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) { return next(future.thenComposeAsync(in(fn))); }
    @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn, Executor e) { return next(future.thenComposeAsync(in(fn), e)); }

    @Override public <U> CompletionStage<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) { return next(future.handle(in(fn))); }
    @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) { return next(future.handleAsync(in(fn))); }
    @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor e) { return next(future.handleAsync(in(fn), e)); }

    @Override public CompletionStage<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) { return next(future.whenComplete(in(action))); }
    @Override public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) { return next(future.whenCompleteAsync(in(action))); }
    @Override public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor e) { return next(future.whenCompleteAsync(in(action), e)); }

    @Override public CompletionStage<T> exceptionally(Function<Throwable, ? extends T> fn) { return next(future.exceptionally(in(fn))); }
    @Override public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) { return next(future.exceptionallyAsync(in(fn))); }
    @Override public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor e) { return next(future.exceptionallyAsync(in(fn), e)); }
    @Override public CompletionStage<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) { return next(future.exceptionallyCompose(in(fn))); }
    @Override public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) { return next(future.exceptionallyComposeAsync(in(fn))); }
    @Override public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn, Executor e) { return next(future.exceptionallyComposeAsync(in(fn), e)); }

    /** The underlying future; continuations registered on it directly do not carry the run scope. */
    @Override
    public CompletableFuture<T> toCompletableFuture() {
        return future;
    }

    @Override
    public String toString() {
        return "ContextStage[" + future + "]";
    }
}
