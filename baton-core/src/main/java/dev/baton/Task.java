package dev.baton;

import dev.baton.internal.engine.TaskDefinition;
import dev.baton.internal.engine.TaskOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A named function whose every call inside a flow is a task run. Tasks are values typed by
 * arity ({@link Task0} to {@link Task6}, {@link AsyncTask0} to {@link AsyncTask6}), made
 * with a builder and immutable once built:
 *
 * <pre>{@code
 * static final Task2<Integer, Integer, Integer> add = Task.named("add")
 *         .description("Adds two numbers")
 *         .tags("math")
 *         .of((a, b) -> a + b);
 *
 * static final Task1<List<String>, Void> printValues = Task.named("print_values")
 *         .procedure(values -> { for (String v : values) System.out.print(v + "\r"); });
 * }</pre>
 *
 * Inside a flow, {@code submit(...)} returns a {@link TaskFuture} at once (with the default
 * executor, after the run), {@code call(...)} returns the value, and passing a future as an
 * argument makes the new run wait for it.
 */
public abstract sealed class Task
        permits Task0, Task1, Task2, Task3, Task4, Task5, Task6,
        AsyncTask0, AsyncTask1, AsyncTask2, AsyncTask3, AsyncTask4, AsyncTask5, AsyncTask6 {
    final TaskDefinition definition;
    final TaskFuture<?>[] waitFor;

    Task(TaskDefinition definition, TaskFuture<?>[] waitFor) {
        this.definition = definition;
        this.waitFor = waitFor;
    }

    /** Starts building a task called {@code name}; its runs are named {@code <name>-0}, {@code <name>-1}, ... */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** The task's name. */
    public String name() {
        return definition.name();
    }

    /** The task's description, if given. */
    public Optional<String> description() {
        return Optional.ofNullable(definition.description());
    }

    /** The task's version, if given. */
    public Optional<String> version() {
        return Optional.ofNullable(definition.version());
    }

    /** The task's tags. */
    public Set<String> tags() {
        return definition.tags();
    }

    /** True for async tasks, whose bodies return a {@link java.util.concurrent.CompletionStage}. */
    public boolean isAsync() {
        return definition.isAsync();
    }

    /** This task's definition with the options {@code change} sets on a builder holding its own. */
    TaskDefinition redefined(Consumer<? super Builder> change) {
        Objects.requireNonNull(change, "withOptions(...) of task '" + name() + "' got null: pass a function that"
                + " changes options, e.g. o -> o.retries(3)");
        Builder b = new Builder(definition);
        change.accept(b);
        return b.redefine(definition);
    }

    TaskFuture<?>[] withWaitFor(TaskFuture<?>[] more) {
        for (TaskFuture<?> f : more) Objects.requireNonNull(f, "waitFor(...) of task '" + name() + "' got a null future");
        if (waitFor == null) return more.clone();
        TaskFuture<?>[] all = Arrays.copyOf(waitFor, waitFor.length + more.length);
        System.arraycopy(more, 0, all, waitFor.length, more.length);
        return all;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }

    /**
     * Builds a task: options first, then the body with {@code of} (a function),
     * {@code procedure} (returns nothing) or {@code async} (returns a CompletionStage).
     * A builder may be reused; each body call makes a new, independent task.
     */
    public static final class Builder {
        private final String name;
        private String description, version;
        private final Set<String> tags = new LinkedHashSet<>();
        private int retries;
        private RetryDelay retryDelay = RetryDelay.none();
        private Predicate<? super Throwable> retryIf = t -> true;
        private Duration timeout, cacheExpiration;
        private CacheKeyFunction cacheKey;
        private boolean refreshCache, persistResult, rerunOnWorkerLoss = true;
        private ResultSerializer serializer;
        private final List<TaskHook> onCompletion = new ArrayList<>(), onFailure = new ArrayList<>(),
                onCancellation = new ArrayList<>();

        /** A builder holding {@code definition}'s name and options, for {@code withOptions}. */
        private Builder(TaskDefinition definition) {
            this(definition.name());
            TaskOptions o = definition.options();
            description = definition.description();
            version = definition.version();
            tags.addAll(definition.tags());
            retries = o.retries();
            retryDelay = o.retryDelay();
            retryIf = o.retryIf();
            timeout = o.timeout();
            cacheKey = o.cacheKey();
            cacheExpiration = o.cacheExpiration();
            refreshCache = o.refreshCache();
            persistResult = o.persistResult();
            serializer = o.serializer();
            rerunOnWorkerLoss = o.rerunOnWorkerLoss();
            onCompletion.addAll(o.onCompletion());
            onFailure.addAll(o.onFailure());
            onCancellation.addAll(o.onCancellation());
        }

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A task needs a non-blank name, e.g. Task.named(\"fetch\"); got "
                        + (name == null ? "null" : "\"" + name + "\""));
            }
            this.name = name;
        }

        /** What the task does, for people reading runs. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** The task's version, recorded with its runs. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Tags, recorded with every run (and used by tag concurrency limits). */
        public Builder tags(String... tags) {
            for (String t : tags) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Task '" + name + "' got a blank or null tag in " + Arrays.toString(tags));
                }
                this.tags.add(t);
            }
            return this;
        }

        /**
         * Retries a failed run up to {@code retries} more times (Prefect's {@code retries}). A failed
         * attempt moves the run to AwaitingRetry, then Retrying; the last failure is final.
         */
        public Builder retries(int retries) {
            if (retries < 0) throw new IllegalArgumentException("task '" + name + "': retries must be >= 0, got " + retries);
            this.retries = retries;
            return this;
        }

        /** Waits {@code delay} before each retry (default: none). */
        public Builder retryDelay(Duration delay) {
            return retryDelay(RetryDelay.fixed(delay));
        }

        /** Waits as {@code delay} says before each retry: fixed, per retry, or exponential with jitter. */
        public Builder retryDelay(RetryDelay delay) {
            this.retryDelay = Objects.requireNonNull(delay, "task '" + name + "': retryDelay is null");
            return this;
        }

        /** Retries only failures that {@code condition} accepts (default: all). */
        public Builder retryIf(Predicate<? super Throwable> condition) {
            this.retryIf = Objects.requireNonNull(condition, "task '" + name + "': retryIf is null");
            return this;
        }

        /**
         * Stops an attempt that runs longer than {@code timeout}: its thread is interrupted and
         * the run ends TimedOut (FAILED type), unless a retry follows.
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "task '" + name + "': timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("task '" + name + "': timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Caches results under the key {@code key} computes: a run whose key has a valid entry
         * does not execute and ends Cached with the stored value. Results are persisted for it.
         */
        public Builder cacheKey(CacheKeyFunction key) {
            this.cacheKey = Objects.requireNonNull(key, "task '" + name + "': cacheKey is null");
            return this;
        }

        /** How long a cache entry stays valid (default: for ever). Needs a {@link #cacheKey}. */
        public Builder cacheExpiration(Duration expiration) {
            Objects.requireNonNull(expiration, "task '" + name + "': cacheExpiration is null");
            if (expiration.isNegative() || expiration.isZero()) {
                throw new IllegalArgumentException("task '" + name + "': cacheExpiration must be positive, got " + expiration);
            }
            this.cacheExpiration = expiration;
            return this;
        }

        /** Runs even when the cache has an entry, and replaces the entry with the new result. */
        public Builder refreshCache(boolean refresh) {
            this.refreshCache = refresh;
            return this;
        }

        /** Writes every result to result storage (under BATON_HOME), readable from the run's record later. */
        public Builder persistResult(boolean persist) {
            this.persistResult = persist;
            return this;
        }

        /** How results are persisted (default: {@link ResultSerializer#json()}). */
        public Builder resultSerializer(ResultSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "task '" + name + "': resultSerializer is null");
            return this;
        }

        /**
         * Whether a run whose worker is lost mid-run (a distributed executor's worker process
         * died) runs again on another worker: the default, so a task may run more than once.
         * False makes such a run crash instead, for tasks that must not run twice.
         */
        public Builder rerunOnWorkerLoss(boolean rerun) {
            this.rerunOnWorkerLoss = rerun;
            return this;
        }

        /** Calls {@code hook} when a run completes (Completed or Cached). */
        public Builder onCompletion(TaskHook hook) {
            onCompletion.add(Objects.requireNonNull(hook, "task '" + name + "': onCompletion hook is null"));
            return this;
        }

        /** Calls {@code hook} when a run fails (Failed, TimedOut, Crashed), after its last attempt. */
        public Builder onFailure(TaskHook hook) {
            onFailure.add(Objects.requireNonNull(hook, "task '" + name + "': onFailure hook is null"));
            return this;
        }

        /** Calls {@code hook} when a run is cancelled. */
        public Builder onCancellation(TaskHook hook) {
            onCancellation.add(Objects.requireNonNull(hook, "task '" + name + "': onCancellation hook is null"));
            return this;
        }

        private TaskDefinition define(boolean async, dev.baton.internal.engine.Invocable body, Object lambda) {
            Objects.requireNonNull(lambda, "the body of task '" + name + "' is null");
            return new TaskDefinition(name, description, version, tags, async, body, options());
        }

        private TaskDefinition redefine(TaskDefinition old) {
            return old.withOptions(description, version, tags, options());
        }

        private TaskOptions options() {
            if (cacheExpiration != null && cacheKey == null) {
                throw new IllegalArgumentException("task '" + name + "': cacheExpiration needs a cacheKey, e.g."
                        + " .cacheKey(CacheKeyFunction.inputs())");
            }
            if (refreshCache && cacheKey == null) {
                throw new IllegalArgumentException("task '" + name + "': refreshCache needs a cacheKey");
            }
            return new TaskOptions(retries, retryDelay, retryIf, timeout, cacheKey, cacheExpiration,
                    refreshCache, persistResult, serializer, onCompletion, onFailure, onCancellation, rerunOnWorkerLoss);
        }

        /** A task of no arguments. */
        public <R> Task0<R> of(Task0.Body<R> body) {
            return new Task0<>(define(false, args -> body.apply(), body), null);
        }

        /** A task of one argument. */
        @SuppressWarnings("unchecked")
        public <A, R> Task1<A, R> of(Task1.Body<A, R> body) {
            return new Task1<>(define(false, args -> body.apply((A) args[0]), body), null);
        }

        /** A task of two arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, R> Task2<A, B, R> of(Task2.Body<A, B, R> body) {
            return new Task2<>(define(false, args -> body.apply((A) args[0], (B) args[1]), body), null);
        }

        /** A task of three arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, C, R> Task3<A, B, C, R> of(Task3.Body<A, B, C, R> body) {
            return new Task3<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2]), body), null);
        }

        /** A task of four arguments (a mix of values and futures goes as quote(value) among futures). */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, R> Task4<A, B, C, D, R> of(Task4.Body<A, B, C, D, R> body) {
            return new Task4<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3]), body), null);
        }

        /** A task of five arguments (a mix of values and futures goes as quote(value) among futures). */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, R> Task5<A, B, C, D, E, R> of(Task5.Body<A, B, C, D, E, R> body) {
            return new Task5<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]), body), null);
        }

        /** A task of six arguments (a mix of values and futures goes as quote(value) among futures). */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F, R> Task6<A, B, C, D, E, F, R> of(Task6.Body<A, B, C, D, E, F, R> body) {
            return new Task6<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]), body), null);
        }

        /** A task of no arguments that returns nothing. */
        public Task0<Void> procedure(Task0.Procedure body) {
            return new Task0<>(define(false, args -> { body.accept(); return null; }, body), null);
        }

        /** A task of one argument that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A> Task1<A, Void> procedure(Task1.Procedure<A> body) {
            return new Task1<>(define(false, args -> { body.accept((A) args[0]); return null; }, body), null);
        }

        /** A task of two arguments that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B> Task2<A, B, Void> procedure(Task2.Procedure<A, B> body) {
            return new Task2<>(define(false, args -> { body.accept((A) args[0], (B) args[1]); return null; }, body), null);
        }

        /** A task of three arguments that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C> Task3<A, B, C, Void> procedure(Task3.Procedure<A, B, C> body) {
            return new Task3<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2]); return null; }, body), null);
        }

        /** A task of four arguments that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D> Task4<A, B, C, D, Void> procedure(Task4.Procedure<A, B, C, D> body) {
            return new Task4<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3]); return null; }, body), null);
        }

        /** A task of five arguments that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E> Task5<A, B, C, D, E, Void> procedure(Task5.Procedure<A, B, C, D, E> body) {
            return new Task5<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]); return null; }, body), null);
        }

        /** A task of six arguments that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F> Task6<A, B, C, D, E, F, Void> procedure(Task6.Procedure<A, B, C, D, E, F> body) {
            return new Task6<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]); return null; }, body), null);
        }

        /** An async task of no arguments. */
        public <R> AsyncTask0<R> async(AsyncTask0.Body<R> body) {
            return new AsyncTask0<>(define(true, args -> body.apply(), body), null);
        }

        /** An async task of one argument. */
        @SuppressWarnings("unchecked")
        public <A, R> AsyncTask1<A, R> async(AsyncTask1.Body<A, R> body) {
            return new AsyncTask1<>(define(true, args -> body.apply((A) args[0]), body), null);
        }

        /** An async task of two arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, R> AsyncTask2<A, B, R> async(AsyncTask2.Body<A, B, R> body) {
            return new AsyncTask2<>(define(true, args -> body.apply((A) args[0], (B) args[1]), body), null);
        }

        /** An async task of three arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, C, R> AsyncTask3<A, B, C, R> async(AsyncTask3.Body<A, B, C, R> body) {
            return new AsyncTask3<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2]), body), null);
        }

        /** An async task of four arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, R> AsyncTask4<A, B, C, D, R> async(AsyncTask4.Body<A, B, C, D, R> body) {
            return new AsyncTask4<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3]), body), null);
        }

        /** An async task of five arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, R> AsyncTask5<A, B, C, D, E, R> async(AsyncTask5.Body<A, B, C, D, E, R> body) {
            return new AsyncTask5<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]), body), null);
        }

        /** An async task of six arguments. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F, R> AsyncTask6<A, B, C, D, E, F, R> async(AsyncTask6.Body<A, B, C, D, E, F, R> body) {
            return new AsyncTask6<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]), body), null);
        }
    }
}
